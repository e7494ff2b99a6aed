/** Signing in by a link in an email, and signing out. Thin: validate, call, present. */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { baseUrl, formToken, sendPage, siteFor, type AppContext } from '../platform/http/context.ts';
import { MailSendError } from '../platform/mail/transport.ts';
import { rateLimit } from '../platform/rate-limit.ts';
import { cleanToken } from '../platform/tokens.ts';
import { field } from '../web/forms.tsx';
import { recordAudit } from '../platform/audit.ts';
import { canonicalAddress, parseAddress } from './address.ts';
import { endAllSessions, endSession, SESSION_COOKIE } from './sessions.ts';
import { requestSignIn, signInLinkState, useSignInLink } from './sign-in.ts';
import { ConfirmButtonPage, MessagePage, SignInPage } from './views.tsx';
import { actorOf, membershipRouteKit, requireViewer, safeNext, SIGNIN_PER_ADDRESS, SIGNIN_PER_IP } from './route-kit.ts';

export function signInRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const { csrf, hide, signIn, tooMany, badLink } = membershipRouteKit(ctx, app);

    app.get<{ Querystring: { next?: string } }>('/signin', hide, async (req, reply) => {
      return sendPage(
        reply,
        SignInPage({ site: siteFor(ctx, req), csrf: formToken(reply), next: safeNext(req.query.next ?? ''), oidcLabel: ctx.config.oidc?.label }),
      );
    });

    app.post('/signin', csrf, async (req, reply) => {
      const email = field(req.body, 'email', 320);
      const next = safeNext(field(req.body, 'next', 500));
      const parsed = email ? parseAddress(email) : undefined;
      if (!parsed || !parsed.ok) {
        const error = !email ? 'Enter your work email address.' : parsed && !parsed.ok ? parsed.message : 'Enter a valid email address.';
        return sendPage(reply, SignInPage({ site: siteFor(ctx, req), csrf: formToken(reply), email, error, next, oidcLabel: ctx.config.oidc?.label }), 400);
      }
      const byIp = await rateLimit(ctx.pool, `signin:ip:${req.ip}`, SIGNIN_PER_IP.max, SIGNIN_PER_IP.windowSeconds);
      if (!byIp.allowed) return tooMany(reply, req, byIp.retryAfterSeconds);
      const byAddress = await rateLimit(ctx.pool, `signin:address:${canonicalAddress(parsed)}`, SIGNIN_PER_ADDRESS.max, SIGNIN_PER_ADDRESS.windowSeconds);
      if (!byAddress.allowed) return tooMany(reply, req, byAddress.retryAfterSeconds);
      try {
        const base = baseUrl(ctx);
        await requestSignIn(ctx.pool, {
          email: parsed.address,
          minutes: ctx.config.signInLinkMinutes,
          baseUrl: base,
          siteName: ctx.config.siteName,
          mail: ctx.mail,
          next,
        });
      } catch (err) {
        if (!(err instanceof MailSendError)) throw err;
        req.log.error({ err }, 'sign-in mail not sent');
        return sendPage(
          reply,
          SignInPage({
            site: siteFor(ctx, req),
            csrf: formToken(reply),
            email,
            error: 'We could not send the email just now. Try again in a few minutes.',
            next,
            oidcLabel: ctx.config.oidc?.label,
          }),
          503,
        );
      }
      return sendPage(
        reply,
        MessagePage({
          site: siteFor(ctx, req),
          title: 'Check your email',
          alert: 'success',
          lines: [
            `If ${parsed.address} belongs to a member, we have sent it a sign-in link. It expires in ${ctx.config.signInLinkMinutes} minutes.`,
            'If nothing arrives, check your junk folder, or join a community first.',
          ],
        }),
      );
    });

    app.get<{ Querystring: { token?: string; next?: string } }>('/signin/confirm', hide, async (req, reply) => {
      const token = cleanToken(req.query.token);
      const state = token ? await signInLinkState(ctx.pool, token) : 'invalid';
      if (state !== 'valid') return sendPage(reply, badLink(req, state, 'signin'), state === 'invalid' ? 404 : 410);
      return sendPage(
        reply,
        ConfirmButtonPage({
          site: siteFor(ctx, req),
          title: 'Sign in',
          lines: ['Select the button to finish signing in on this device.'],
          action: '/signin/confirm',
          token: token!,
          csrf: formToken(reply),
          button: 'Sign in',
          next: safeNext(req.query.next ?? ''),
        }),
      );
    });

    app.post('/signin/confirm', csrf, async (req, reply) => {
      const token = cleanToken(field(req.body, 'token'));
      const used = token ? await useSignInLink(ctx.pool, token) : { ok: false as const, why: 'invalid' as const };
      if (!used.ok) return sendPage(reply, badLink(req, used.why, 'signin'), used.why === 'invalid' ? 404 : 410);
      await signIn(reply, req, used.memberId);
      return reply.redirect(safeNext(field(req.body, 'next', 500)) ?? '/account', 303);
    });

    app.post('/signout', csrf, async (req, reply) => {
      const raw = req.cookies[SESSION_COOKIE];
      if (raw) await endSession(ctx.pool, raw);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.redirect('/', 303);
    });

    app.post('/signout/everywhere', csrf, async (req, reply) => {
      const viewer = requireViewer(req);
      await endAllSessions(ctx.pool, viewer.memberId);
      await recordAudit(ctx.pool, actorOf(req), { action: 'member.sign-out-everywhere', subjectType: 'member', subjectId: String(viewer.memberId) });
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.redirect('/', 303);
    });
  };
}
