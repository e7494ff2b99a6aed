/** What the membership pages share: who is acting, the sign-in cookie, rate-limit pages and dead-link pages. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { joinSettings, type JoinSettings } from '../communities/index.ts';
import type { Actor } from '../platform/audit.ts';
import { ForbiddenError, NotFoundError, sendPage, SignInRequiredError, siteFor, type AppContext } from '../platform/http/context.ts';
import { retryText } from '../platform/rate-limit.ts';
import type { DeadLink } from './join.ts';
import { canCoordinate } from './members.ts';
import { createSession, SESSION_COOKIE } from './sessions.ts';
import { MessagePage } from './views.tsx';

export const OIDC_COOKIE = 'sg_oidc';
export const JOIN_PER_IP = { max: 10, windowSeconds: 15 * 60 };
export const JOIN_PER_ADDRESS = { max: 3, windowSeconds: 60 * 60 };
export const SIGNIN_PER_IP = { max: 10, windowSeconds: 15 * 60 };
export const SIGNIN_PER_ADDRESS = { max: 5, windowSeconds: 60 * 60 };

export function actorOf(req: FastifyRequest): Actor {
  return { name: req.viewer?.email ?? 'anonymous', source: req.ip };
}

export function requireViewer(req: FastifyRequest) {
  if (!req.viewer) throw new SignInRequiredError('Sign in to see this page.');
  return req.viewer;
}

/** Only local paths, so a sign-in link cannot send people to another site. */
export function safeNext(value: string): string | undefined {
  return /^\/(?!\/)[A-Za-z0-9/_\-.?=&%]*$/.test(value) ? value : undefined;
}

/** The route options and helpers every membership page plugin uses, bound to the platform's context. */
export function membershipRouteKit(ctx: AppContext, app: FastifyInstance) {
  const csrf = { preHandler: app.csrfProtection, schema: { hide: true } };
  const hide = { schema: { hide: true } };

  async function community(slug: string): Promise<JoinSettings> {
    const c = await joinSettings(ctx.pool, slug);
    if (!c) throw new NotFoundError(`There is no community called “${slug}”.`);
    return c;
  }

  async function coordinatorOf(req: FastifyRequest, slug: string, moderatorOk = false): Promise<JoinSettings> {
    const viewer = requireViewer(req);
    const c = await community(slug);
    if (!(await canCoordinate(ctx.pool, viewer, c.id, moderatorOk))) {
      throw new ForbiddenError(`Only the coordinators of ${c.title} can use this page.`);
    }
    return c;
  }

  async function signIn(reply: FastifyReply, req: FastifyRequest, memberId: number) {
    const raw = await createSession(ctx.pool, memberId, { days: ctx.config.sessionDays, ip: req.ip, userAgent: req.headers['user-agent'] });
    reply.setCookie(SESSION_COOKIE, raw, { path: '/', httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: ctx.config.sessionDays * 86400 });
  }

  function tooMany(reply: FastifyReply, req: FastifyRequest, seconds: number) {
    reply.header('retry-after', String(seconds));
    return sendPage(
      reply,
      MessagePage({
        site: siteFor(ctx, req),
        title: 'Too many attempts',
        lines: [`You have tried this too many times. ${retryText(seconds)}`],
        alert: 'warning',
      }),
      429,
    );
  }

  function badLink(req: FastifyRequest, state: DeadLink, kind: 'join' | 'signin'): string {
    const again = kind === 'join' ? { href: '/communities', label: 'Ask to join again' } : { href: '/signin', label: 'Get a new sign-in link' };
    const lines = {
      invalid: 'This link is not valid. Check that you copied the whole link from the email.',
      expired: 'This link has expired.',
      used: 'This link has already been used.',
      ended:
        kind === 'join'
          ? 'This link no longer works: a newer link was sent to this address, or the request was closed.'
          : 'This link no longer works for this address.',
    };
    return MessagePage({ site: siteFor(ctx, req), title: 'This link does not work', lines: [lines[state]], links: [again], alert: 'warning' });
  }

  return { csrf, hide, community, coordinatorOf, signIn, tooMany, badLink };
}
