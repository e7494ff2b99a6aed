/** Whole pages any feature can answer with: a message with links, and a one-button confirmation. */
import Html from '@kitajs/html';
import { CsrfField } from './forms.tsx';
import { Page, toHtml, type Site } from './layout.tsx';

export function MessagePage(p: {
  site: Site;
  title: string;
  heading?: string;
  lines: string[];
  links?: Array<{ href: string; label: string }>;
  alert?: 'success' | 'warning' | 'info' | 'error';
}): string {
  return toHtml(
    <Page site={p.site} title={p.title}>
      <h1 safe>{p.heading ?? p.title}</h1>
      {p.alert ? (
        <div class={`usa-alert usa-alert--${p.alert}`}>
          <div class="usa-alert__body">
            {p.lines.map((l) => (
              <p class="usa-alert__text" safe>
                {l}
              </p>
            ))}
          </div>
        </div>
      ) : (
        p.lines.map((l) => <p safe>{l}</p>)
      )}
      {p.links?.length ? (
        <ul class="usa-list margin-top-3">
          {p.links.map((l) => (
            <li>
              <a href={l.href} safe>
                {l.label}
              </a>
            </li>
          ))}
        </ul>
      ) : (
        ''
      )}
    </Page>,
  );
}

/** A page with one button that performs the action a mailed link stands for (links alone never change anything). */
export function ConfirmButtonPage(p: {
  site: Site;
  title: string;
  lines: string[];
  action: string;
  token: string;
  csrf: string;
  button: string;
  next?: string;
  back?: { href: string; label: string };
}): string {
  return toHtml(
    <Page site={p.site} title={p.title}>
      <h1 safe>{p.title}</h1>
      {p.lines.map((l) => (
        <p safe>{l}</p>
      ))}
      <form method="post" action={p.action}>
        <CsrfField token={p.csrf} />
        <input type="hidden" name="token" value={p.token} />
        {p.next ? <input type="hidden" name="next" value={p.next} /> : ''}
        <button class="usa-button" type="submit" safe>
          {p.button}
        </button>
      </form>
      {p.back ? (
        <p class="margin-top-4">
          <a class="usa-link" href={p.back.href} safe>
            {p.back.label}
          </a>
        </p>
      ) : (
        ''
      )}
    </Page>,
  );
}
