/** Pages for errors: not found, bad request, server error. */
import Html from '@kitajs/html';
import { Page, toHtml, type Site } from './layout.tsx';

export function NotFoundPage({ site, message }: { site: Site; message: string }): string {
  return toHtml(
    <Page site={site} title="Page not found">
      <h1>Page not found</h1>
      <p class="usa-intro" safe>
        {message}
      </p>
      <p>Check the address for typing mistakes, or start again from one of these pages:</p>
      <ul class="usa-list">
        <li>
          <a href="/">Home</a>
        </li>
        <li>
          <a href="/communities">All communities of practice</a>
        </li>
      </ul>
    </Page>,
  );
}

export function ErrorPage({ site, status, message, requestId }: { site: Site; status: number; message: string; requestId: string }): string {
  return toHtml(
    <Page site={site} title={status >= 500 ? 'Something went wrong' : 'There is a problem'}>
      <h1>{status >= 500 ? 'Something went wrong' : 'There is a problem'}</h1>
      <p class="usa-intro" safe>
        {message}
      </p>
      <p>
        If this keeps happening, tell the site’s operator and give them this reference:{' '}
        <span class="sg-code" safe>
          {requestId}
        </span>
      </p>
    </Page>,
  );
}

/**
 * A form refused for a NUL byte: which fields held it, and (for a plain form) the same form again
 * without it, in hidden fields, so nothing typed is lost. The CSRF token travels unchanged.
 */
export function BadFormPage(p: {
  site: Site;
  action: string;
  message: string;
  fields: Array<[string, string]>;
  affected: string[];
  upload: boolean;
  requestId: string;
}): string {
  return toHtml(
    <Page site={p.site} title="There is a problem with the form">
      <h1>There is a problem with the form</h1>
      <p class="usa-intro" safe>
        {p.message}
      </p>
      <p>The character was in:</p>
      <ul class="usa-list">
        {p.affected.map((name) => (
          <li>
            <span class="sg-code" safe>
              {name}
            </span>
          </li>
        ))}
      </ul>
      {p.upload ? (
        <p>Go back to the form: your browser keeps what you typed. Retype the text in those fields instead of pasting it, and send the form again.</p>
      ) : (
        <form method="post" action={p.action}>
          {p.fields.map(([name, value]) => (
            <input type="hidden" name={name} value={value} />
          ))}
          <p>Everything you typed is kept. Send it again without the character, or go back to the form to change it first.</p>
          <button type="submit" class="usa-button">
            Send the form again without it
          </button>
        </form>
      )}
      <p>
        If this keeps happening, tell the site’s operator and give them this reference:{' '}
        <span class="sg-code" safe>
          {p.requestId}
        </span>
      </p>
    </Page>,
  );
}
