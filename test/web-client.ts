/** A small browser for integration tests: keeps cookies, follows redirects, reads CSRF tokens. */
import http from 'node:http';

export interface WebResponse {
  status: number;
  url: string;
  text: string;
  headers: Headers;
}

export class WebClient {
  readonly cookies = new Map<string, string>();
  /**
   * `headers` go with every request, e.g. a forged `Host` (fetch drops Host, so such a client
   * talks plain node:http instead).
   */
  constructor(
    readonly base: string,
    readonly headers: Record<string, string> = {},
  ) {}

  private send(url: string, init: RequestInit): Promise<Response> {
    const headers = { ...(init.headers as Record<string, string>), ...this.headers };
    if (!Object.keys(this.headers).length) return fetch(url, init);
    return new Promise((resolve, reject) => {
      const req = http.request(url, { method: init.method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const out = new Headers();
          for (const [k, v] of Object.entries(res.headers)) for (const one of Array.isArray(v) ? v : v === undefined ? [] : [v]) out.append(k, one);
          resolve(new Response(res.statusCode === 204 || res.statusCode === 304 ? null : Buffer.concat(chunks), { status: res.statusCode!, headers: out }));
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(typeof init.body === 'string' ? init.body : undefined);
    });
  }

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
      init = {
        ...init,
        body: new URLSearchParams(form).toString(),
        headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
      };
    }
    for (let hops = 0; hops < 5; hops++) {
      const res = await this.send(url, init);
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
