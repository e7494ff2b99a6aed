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
    </Page>
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
        If this keeps happening, tell the site’s operator and give them this reference: <span class="sg-code" safe>{requestId}</span>
      </p>
    </Page>
  );
}
