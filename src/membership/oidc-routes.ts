/** Signing in through another provider (OpenID Connect), when the site has one. Thin: validate, call, present. */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { baseUrl, NotFoundError, sendPage, siteFor, type AppContext } from '../platform/http/context.ts';
import { recordAudit } from '../platform/audit.ts';
import { finishOidc, OidcError, startOidc, type OidcPending } from './oidc.ts';
import { decide } from './join.ts';
import { MessagePage } from './views.tsx';
import { membershipRouteKit, OIDC_COOKIE, safeNext } from './route-kit.ts';

export function oidcSignInRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const { hide, signIn } = membershipRouteKit(ctx, app);

    app.get<{ Querystring: { next?: string } }>('/signin/oidc', hide, async (req, reply) => {
      const oidc = ctx.config.oidc;
      if (!oidc) throw new NotFoundError('Signing in through another provider is not set up on this site.');
      let started;
      try {
        started = await startOidc(oidc, `${baseUrl(ctx)}/signin/oidc/callback`, safeNext(req.query.next ?? ''));
      } catch (err) {
        if (!(err instanceof OidcError)) throw err;
        return sendPage(
          reply,
          MessagePage({
            site: siteFor(ctx, req),
            title: 'Sign-in is not available',
            lines: [err.message, 'Try again later, or sign in with a link by email.'],
            links: [{ href: '/signin', label: 'Sign in by email' }],
            alert: 'warning',
          }),
          503,
        );
      }
      reply.setCookie(OIDC_COOKIE, JSON.stringify(started.pending), {
        path: '/signin/oidc',
        httpOnly: true,
        sameSite: 'lax',
        secure: 'auto',
        signed: true,
        maxAge: 600,
      });
      return reply.redirect(started.url, 303);
    });

    app.get('/signin/oidc/callback', hide, async (req, reply) => {
      const oidc = ctx.config.oidc;
      if (!oidc) throw new NotFoundError('Signing in through another provider is not set up on this site.');
      const raw = req.cookies[OIDC_COOKIE];
      const unsigned = raw ? req.unsignCookie(raw) : undefined;
      reply.clearCookie(OIDC_COOKIE, { path: '/signin/oidc' });
      const fail = (message: string) =>
        sendPage(
          reply,
          MessagePage({
            site: siteFor(ctx, req),
            title: 'We could not sign you in',
            lines: [message],
            links: [{ href: '/signin', label: 'Try again' }],
            alert: 'error',
          }),
          400,
        );
      if (!unsigned?.valid || !unsigned.value) return fail('Your sign-in took too long or was started in another browser. Start again.');
      let email: string;
      try {
        email = await finishOidc(oidc, new URL(baseUrl(ctx) + req.url), JSON.parse(unsigned.value) as OidcPending);
      } catch (err) {
        if (!(err instanceof OidcError)) throw err;
        return fail(err.message);
      }
      const pending = JSON.parse(unsigned.value) as OidcPending;
      const { rows } = await ctx.pool.query<{ id: number }>(
        `select m.id from members m where lower(m.email) = lower($1)
            and (m.site_admin or exists (select 1 from memberships s where s.member_id = m.id and s.status = 'active'))`,
        [email],
      );
      if (rows[0]) {
        await signIn(reply, req, Number(rows[0].id));
        await recordAudit(ctx.pool, { name: email, source: req.ip }, { action: 'member.sign-in-oidc', subjectType: 'member', subjectId: String(rows[0].id) });
        return reply.redirect(pending.next ?? '/account', 303);
      }
      // Not a member: the verified address goes through the same rules as joining.
      const decision = await decide(ctx.pool, email, {
        allowDomains: ctx.config.eligibleDomains,
        denyDomains: ctx.config.blockedDomains,
        eligibleLevels: 'all',
        allowExceptions: true,
      });
      const lines = [`${email} is not a member of any community here yet.`];
      if (decision.outcome === 'eligible') lines.push('Your address can join right away: choose a community and select its Join button.');
      else if (decision.outcome === 'needs-approval') lines.push('You can ask to join: a coordinator will review your request.');
      else lines.push(decision.message);
      return sendPage(
        reply,
        MessagePage({
          site: siteFor(ctx, req),
          title: 'You are not a member yet',
          lines,
          links: [{ href: '/communities', label: 'Communities you can join' }],
          alert: 'info',
        }),
      );
    });
  };
}
