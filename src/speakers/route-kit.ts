/** What the speakers bureau's pages share: who is acting, the community a page is about, its coordinators. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor } from '../platform/audit.ts';
import { baseUrl, ForbiddenError, NotFoundError, SignInRequiredError, type AppContext } from '../platform/http/context.ts';
import { cookieSecret } from '../platform/secret.ts';
import { canCoordinate } from '../membership/index.ts';
import type { SpeakersDeps } from './store.ts';
import type { CommunityRef } from './views.tsx';

/** Requests from one IP address: enough for a busy office, too few for a flood. */
export const REQUESTS_PER_IP = { max: 5, windowSeconds: 60 * 60 };

export function actorOf(req: FastifyRequest): Actor {
  return { name: req.viewer?.email ?? 'anonymous', source: req.ip };
}

export function requireViewer(req: FastifyRequest) {
  if (!req.viewer) throw new SignInRequiredError('Sign in to see this page.');
  return req.viewer;
}

export function idOf(raw: string, what: string): number {
  if (!/^\d{1,12}$/.test(raw)) throw new NotFoundError(`That ${what} does not exist. Check the link.`);
  return Number(raw);
}

/** The route options and helpers every speakers bureau plugin uses, bound to the platform's context. */
export async function speakersRouteKit(ctx: AppContext, app: FastifyInstance) {
  const secret = await cookieSecret(ctx.pool, ctx.config.secret);
  const hide = { schema: { hide: true } };
  // the same for every signed-out visitor: may be kept a few seconds (platform/http/page-cache.ts)
  const publicPage = { ...hide, config: { pageCache: true } };
  const csrf = { preHandler: app.csrfProtection, schema: { hide: true } };
  const deps = (): SpeakersDeps => ({ queue: ctx.queue, baseUrl: baseUrl(ctx), secret, reminderDays: ctx.config.speakerReminderDays });

  async function community(slug: string): Promise<CommunityRef> {
    const { rows } = await ctx.pool.query<{ id: string; slug: string; title: string }>(
      'select id, slug, coalesce(short_name, title) as title from communities where slug = $1',
      [slug],
    );
    if (!rows[0]) throw new NotFoundError(`There is no community called “${slug}”.`);
    return { id: Number(rows[0].id), slug: rows[0].slug, title: rows[0].title };
  }

  async function coordinatorOf(req: FastifyRequest, slug: string): Promise<CommunityRef> {
    const viewer = requireViewer(req);
    const c = await community(slug);
    if (!(await canCoordinate(ctx.pool, viewer, c.id))) throw new ForbiddenError(`Only the coordinators of ${c.title} can use this page.`);
    return c;
  }

  return { secret, hide, publicPage, csrf, deps, community, coordinatorOf };
}
