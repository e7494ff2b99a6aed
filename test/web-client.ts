/** A small browser for integration tests: keeps cookies, follows redirects, reads CSRF tokens. */
export interface WebResponse {
  status: number;
  url: string;
  text: string;
  headers: Headers;
}

export class WebClient {
  readonly cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(res: Response) {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (!value || /max-age=0|expires=thu, 01 jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(method: 'GET' | 'POST', path: string, form?: Record<string, string>): Promise<WebResponse> {
    let url = path.startsWith('http') ? path : this.base + path;
    let init: RequestInit = { method, redirect: 'manual', headers: { cookie: this.cookieHeader() } };
    if (form) {
      init = { ...init, body: new URLSearchParams(form).toString(), headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' } };
    }
    for (let hops = 0; hops < 5; hops++) {
      const res = await fetch(url, init);
      this.keep(res);
      if (res.status >= 300 && res.status < 400 && res.headers.get('location')) {
        url = new URL(res.headers.get('location')!, url).toString();
        init = { method: 'GET', redirect: 'manual', headers: { cookie: this.cookieHeader() } };
        continue;
      }
      return { status: res.status, url, text: await res.text(), headers: res.headers };
    }
    throw new Error(`too many redirects from ${path}`);
  }

  get(path: string) {
    return this.request('GET', path);
  }

  /** Load the page at `pagePath`, then post `fields` (with the page's CSRF token) to `action`. */
  async submit(pagePath: string, action: string, fields: Record<string, string>): Promise<WebResponse> {
    const page = await this.get(pagePath);
    return this.request('POST', action, { _csrf: csrfToken(page.text), ...fields });
  }
}

export function csrfToken(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no CSRF token on the page');
  return m[1]!;
}

/** The value of a hidden input. */
export function hidden(html: string, name: string): string {
  const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!m) throw new Error(`no hidden field ${name}`);
  return m[1]!;
}
