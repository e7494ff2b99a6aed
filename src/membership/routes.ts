/** Routes for joining, signing in, the member area and the coordinators' tools. Thin: validate, call, present. */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { joinSettings, type JoinSettings } from '../communities/index.ts';
import type { Actor } from '../platform/audit.ts';
import { baseUrl, ForbiddenError, idParam, NotFoundError, sendPage, SignInRequiredError, siteFor, type AppContext } from '../platform/http/context.ts';
import { MailSendError } from '../platform/mail/transport.ts';
import { rateLimit, retryText } from '../platform/rate-limit.ts';
import { cleanToken } from '../platform/tokens.ts';
import { field, type FieldErrors } from '../web/forms.tsx';
import { recordAudit } from '../platform/audit.ts';
import { nameProblem } from '../platform/text.ts';
import { awaitingApproval, decideRequest, RequestNotFoundError } from './approvals.ts';
import { applyCoordinatorAction, directory, directoryCsv, type CoordinatorAction } from './directory.ts';
import { canonicalAddress, parseAddress } from './address.ts';
import { confirmJoin, lookupJoinLink, requestToJoin, type DeadLink } from './join.ts';
import { canCoordinate, changeMembership, DELIVERY_MODES, findMember, membershipIn, membershipsOf, type DeliveryMode } from './members.ts';
import { createSession, endAllSessions, endSession, SESSION_COOKIE } from './sessions.ts';
import { requestSignIn, signInLinkState, useSignInLink } from './sign-in.ts';
import { memberData } from './my-data.ts';
import { finishOidc, OidcError, startOidc, type OidcPending } from './oidc.ts';
import { decide } from './join.ts';
import { AccountPage, ConfirmButtonPage, DirectoryPage, ImportPage, JoinPage, MessagePage, RequestsPage, SignInPage, type JoinFormValues } from './views.tsx';
import { applyImport, ImportFileError, planImport } from './bulk-import.ts';

const OIDC_COOKIE = 'sg_oidc';
const JOIN_PER_IP = { max: 10, windowSeconds: 15 * 60 };
const JOIN_PER_ADDRESS = { max: 3, windowSeconds: 60 * 60 };
const SIGNIN_PER_IP = { max: 10, windowSeconds: 15 * 60 };
const SIGNIN_PER_ADDRESS = { max: 5, windowSeconds: 60 * 60 };

function actorOf(req: FastifyRequest): Actor {
  return { name: req.viewer?.email ?? 'anonymous', source: req.ip };
}

function requireViewer(req: FastifyRequest) {
  if (!req.viewer) throw new SignInRequiredError('Sign in to see this page.');
  return req.viewer;
}

/** Only local paths, so a sign-in link cannot send people to another site. */
function safeNext(value: string): string | undefined {
  return /^\/(?!\/)[A-Za-z0-9/_\-.?=&%]*$/.test(value) ? value : undefined;
}

export function membershipRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
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
      return sendPage(reply, MessagePage({ site: siteFor(ctx, req), title: 'Too many attempts', lines: [`You have tried this too many times. ${retryText(seconds)}`], alert: 'warning' }), 429);
    }

    // ---- Joining -------------------------------------------------------------------------

    app.get<{ Params: { slug: string } }>('/communities/:slug/join', hide, async (req, reply) => {
      const c = await community(req.params.slug);
      return sendPage(reply, JoinPage({ site: siteFor(ctx, req), c, csrf: reply.generateCsrf(), allowExceptions: c.allowExceptions }));
    });

    app.post<{ Params: { slug: string } }>('/communities/:slug/join', csrf, async (req, reply) => {
      const c = await community(req.params.slug);
      const values: JoinFormValues = {
        name: field(req.body, 'name', 200), jobTitle: field(req.body, 'jobTitle', 200), agency: field(req.body, 'agency', 200),
        email: field(req.body, 'email', 320), reason: field(req.body, 'reason', 2000), accept: field(req.body, 'accept') === 'yes',
      };
      const errors: FieldErrors = {};
      if (!values.name) errors.name = 'Enter your full name.';
      else if (nameProblem(values.name)) errors.name = nameProblem(values.name)!;
      const parsed = values.email ? parseAddress(values.email) : undefined;
      if (!parsed) errors.email = 'Enter your work email address.';
      else if (!parsed.ok) errors.email = parsed.message;
      if (!values.jobTitle) errors.jobTitle = 'Enter your job title.';
      if (!values.accept) errors.accept = 'Accept the community guidelines to join.';
      const again = (status: number) =>
        sendPage(reply, JoinPage({ site: siteFor(ctx, req), c, csrf: reply.generateCsrf(), values, errors, allowExceptions: c.allowExceptions }), status);
      if (Object.keys(errors).length || !parsed?.ok) return again(400);

      const byIp = await rateLimit(ctx.pool, `join:ip:${req.ip}`, JOIN_PER_IP.max, JOIN_PER_IP.windowSeconds);
      if (!byIp.allowed) return tooMany(reply, req, byIp.retryAfterSeconds);
      // Keyed on the canonical address, so "Pat@GSA.gov." and "pat@gsa.gov" share one limit.
      const byAddress = await rateLimit(ctx.pool, `join:address:${canonicalAddress(parsed)}`, JOIN_PER_ADDRESS.max, JOIN_PER_ADDRESS.windowSeconds);
      if (!byAddress.allowed) return tooMany(reply, req, byAddress.retryAfterSeconds);

      let result;
      try {
        result = await requestToJoin(ctx.pool, {
          community: c, email: values.email, name: values.name, jobTitle: values.jobTitle, agency: values.agency, reason: values.reason,
          ip: req.ip, operator: ctx.config, linkHours: ctx.config.joinLinkHours, baseUrl: baseUrl(ctx), mail: ctx.mail,
        });
      } catch (err) {
        if (!(err instanceof MailSendError)) throw err;
        req.log.error({ err }, 'join confirmation mail not sent');
        errors.email = 'We could not send the confirmation email just now. Try again in a few minutes.';
        return again(503);
      }
      if (result.kind === 'ineligible') {
        errors.email = result.decision.message;
        return again(400);
      }
      return sendPage(
        reply,
        MessagePage({
          site: siteFor(ctx, req), title: 'Check your email',
          lines: [
            `We sent a message to ${values.email}. Open the link in it to confirm your request to join ${c.title}.`,
            `The link expires in ${ctx.config.joinLinkHours} hours. If the message does not arrive in a few minutes, look in your junk or spam folder.`,
          ],
          alert: 'success',
        }),
      );
    });

    app.get<{ Querystring: { token?: string } }>('/join/confirm', hide, async (req, reply) => {
      const token = cleanToken(req.query.token);
      const found = token ? await lookupJoinLink(ctx.pool, token) : { state: 'invalid' as const };
      if (found.state !== 'valid') return sendPage(reply, badLink(req, found.state, 'join'), found.state === 'invalid' ? 404 : 410);
      const r = found.request;
      return sendPage(
        reply,
        ConfirmButtonPage({
          site: siteFor(ctx, req), title: `Confirm your request to join ${r.communityTitle}`,
          lines: [`This confirms that ${r.email} belongs to you, ${r.name}.`, r.needsApproval ? 'A coordinator will then review your request.' : 'You will then be a member.'],
          action: '/join/confirm', token: token!, csrf: reply.generateCsrf(), button: 'Confirm',
        }),
      );
    });

    app.post('/join/confirm', csrf, async (req, reply) => {
      const token = cleanToken(field(req.body, 'token'));
      const result = token ? await confirmJoin(ctx.pool, token, { baseUrl: baseUrl(ctx), queue: ctx.queue, operator: ctx.config }) : { kind: 'invalid' as const };
      if (result.kind === 'ineligible') {
        return sendPage(reply, MessagePage({
          site: siteFor(ctx, req), title: `You can’t join ${result.communityTitle}`, alert: 'warning',
          lines: [`Your email address is confirmed, but ${result.communityTitle} can’t take it now.`, result.message],
          links: [{ href: `/communities/${result.communitySlug}`, label: `Back to ${result.communityTitle}` }],
        }), 400);
      }
      if (!('memberId' in result)) {
        return sendPage(reply, badLink(req, result.kind, 'join'), result.kind === 'invalid' ? 404 : 410);
      }
      // The mailbox is proven: sign the person in.
      await signIn(reply, req, result.memberId);
      if (result.kind === 'joined') {
        return sendPage(reply, MessagePage({
          site: siteFor(ctx, req), title: `Welcome to ${result.communityTitle}`, alert: 'success',
          lines: [`You are now a member of ${result.communityTitle}.`],
          links: [{ href: `/communities/${result.communitySlug}`, label: `Go to ${result.communityTitle}` }, { href: '/account', label: 'Your account: choose how you get messages' }],
        }));
      }
      return sendPage(reply, MessagePage({
        site: siteFor(ctx, req), title: 'Thank you: your request is with a coordinator', alert: 'info',
        lines: [`Your email address is confirmed. A coordinator of ${result.communityTitle} will review your request, and we will email you their answer.`],
        links: [{ href: `/communities/${result.communitySlug}`, label: `Back to ${result.communityTitle}` }],
      }));
    });

    function badLink(req: FastifyRequest, state: DeadLink, kind: 'join' | 'signin'): string {
      const again = kind === 'join' ? { href: '/communities', label: 'Ask to join again' } : { href: '/signin', label: 'Get a new sign-in link' };
      const lines = {
        invalid: 'This link is not valid. Check that you copied the whole link from the email.',
        expired: 'This link has expired.',
        used: 'This link has already been used.',
        ended: kind === 'join' ? 'This link no longer works: a newer link was sent to this address, or the request was closed.' : 'This link no longer works for this address.',
      };
      return MessagePage({ site: siteFor(ctx, req), title: 'This link does not work', lines: [lines[state]], links: [again], alert: 'warning' });
    }

    // ---- Signing in ----------------------------------------------------------------------

    app.get<{ Querystring: { next?: string } }>('/signin', hide, async (req, reply) => {
      return sendPage(reply, SignInPage({ site: siteFor(ctx, req), csrf: reply.generateCsrf(), next: safeNext(req.query.next ?? ''), oidcLabel: ctx.config.oidc?.label }));
    });

    app.get<{ Querystring: { next?: string } }>('/signin/oidc', hide, async (req, reply) => {
      const oidc = ctx.config.oidc;
      if (!oidc) throw new NotFoundError('Signing in through another provider is not set up on this site.');
      let started;
      try {
        started = await startOidc(oidc, `${baseUrl(ctx)}/signin/oidc/callback`, safeNext(req.query.next ?? ''));
      } catch (err) {
        if (!(err instanceof OidcError)) throw err;
        return sendPage(reply, MessagePage({ site: siteFor(ctx, req), title: 'Sign-in is not available', lines: [err.message, 'Try again later, or sign in with a link by email.'], links: [{ href: '/signin', label: 'Sign in by email' }], alert: 'warning' }), 503);
      }
      reply.setCookie(OIDC_COOKIE, JSON.stringify(started.pending), { path: '/signin/oidc', httpOnly: true, sameSite: 'lax', secure: 'auto', signed: true, maxAge: 600 });
      return reply.redirect(started.url, 303);
    });

    app.get('/signin/oidc/callback', hide, async (req, reply) => {
      const oidc = ctx.config.oidc;
      if (!oidc) throw new NotFoundError('Signing in through another provider is not set up on this site.');
      const raw = req.cookies[OIDC_COOKIE];
      const unsigned = raw ? req.unsignCookie(raw) : undefined;
      reply.clearCookie(OIDC_COOKIE, { path: '/signin/oidc' });
      const fail = (message: string) =>
        sendPage(reply, MessagePage({ site: siteFor(ctx, req), title: 'We could not sign you in', lines: [message], links: [{ href: '/signin', label: 'Try again' }], alert: 'error' }), 400);
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
      const decision = await decide(ctx.pool, email, { allowDomains: ctx.config.eligibleDomains, denyDomains: ctx.config.blockedDomains, eligibleLevels: 'all', allowExceptions: true });
      const lines = [`${email} is not a member of any community here yet.`];
      if (decision.outcome === 'eligible') lines.push('Your address can join right away: choose a community and select its Join button.');
      else if (decision.outcome === 'needs-approval') lines.push('You can ask to join: a coordinator will review your request.');
      else lines.push(decision.message);
      return sendPage(reply, MessagePage({ site: siteFor(ctx, req), title: 'You are not a member yet', lines, links: [{ href: '/communities', label: 'Communities you can join' }], alert: 'info' }));
    });

    app.post('/signin', csrf, async (req, reply) => {
      const email = field(req.body, 'email', 320);
      const next = safeNext(field(req.body, 'next', 500));
      const parsed = email ? parseAddress(email) : undefined;
      if (!parsed || !parsed.ok) {
        const error = !email ? 'Enter your work email address.' : parsed && !parsed.ok ? parsed.message : 'Enter a valid email address.';
        return sendPage(reply, SignInPage({ site: siteFor(ctx, req), csrf: reply.generateCsrf(), email, error, next, oidcLabel: ctx.config.oidc?.label }), 400);
      }
      const byIp = await rateLimit(ctx.pool, `signin:ip:${req.ip}`, SIGNIN_PER_IP.max, SIGNIN_PER_IP.windowSeconds);
      if (!byIp.allowed) return tooMany(reply, req, byIp.retryAfterSeconds);
      const byAddress = await rateLimit(ctx.pool, `signin:address:${canonicalAddress(parsed)}`, SIGNIN_PER_ADDRESS.max, SIGNIN_PER_ADDRESS.windowSeconds);
      if (!byAddress.allowed) return tooMany(reply, req, byAddress.retryAfterSeconds);
      try {
        const base = baseUrl(ctx);
        await requestSignIn(ctx.pool, { email: parsed.address, minutes: ctx.config.signInLinkMinutes, baseUrl: base, siteName: ctx.config.siteName, mail: ctx.mail, next });
      } catch (err) {
        if (!(err instanceof MailSendError)) throw err;
        req.log.error({ err }, 'sign-in mail not sent');
        return sendPage(reply, SignInPage({ site: siteFor(ctx, req), csrf: reply.generateCsrf(), email, error: 'We could not send the email just now. Try again in a few minutes.', next, oidcLabel: ctx.config.oidc?.label }), 503);
      }
      return sendPage(reply, MessagePage({
        site: siteFor(ctx, req), title: 'Check your email', alert: 'success',
        lines: [
          `If ${parsed.address} belongs to a member, we have sent it a sign-in link. It expires in ${ctx.config.signInLinkMinutes} minutes.`,
          'If nothing arrives, check your junk folder, or join a community first.',
        ],
      }));
    });

    app.get<{ Querystring: { token?: string; next?: string } }>('/signin/confirm', hide, async (req, reply) => {
      const token = cleanToken(req.query.token);
      const state = token ? await signInLinkState(ctx.pool, token) : 'invalid';
      if (state !== 'valid') return sendPage(reply, badLink(req, state, 'signin'), state === 'invalid' ? 404 : 410);
      return sendPage(reply, ConfirmButtonPage({
        site: siteFor(ctx, req), title: 'Sign in', lines: ['Select the button to finish signing in on this device.'],
        action: '/signin/confirm', token: token!, csrf: reply.generateCsrf(), button: 'Sign in', next: safeNext(req.query.next ?? ''),
      }));
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

    // ---- The member area -----------------------------------------------------------------

    async function accountPage(req: FastifyRequest, reply: FastifyReply, extra: { saved?: string; errors?: FieldErrors } = {}, status = 200) {
      const viewer = requireViewer(req);
      const member = (await findMember(ctx.pool, viewer.memberId))!;
      const memberships = await membershipsOf(ctx.pool, viewer.memberId);
      return sendPage(reply, AccountPage({ site: siteFor(ctx, req), csrf: reply.generateCsrf(), member, memberships, siteAdmin: viewer.siteAdmin, ...extra }), status);
    }

    app.get<{ Querystring: { saved?: string } }>('/account', hide, async (req, reply) => {
      const saved = { profile: 'Your profile is saved.', delivery: 'Your delivery choice is saved.', left: 'You have left the community.' }[req.query.saved ?? ''];
      return accountPage(req, reply, saved ? { saved } : {});
    });

    app.post('/account/profile', csrf, async (req, reply) => {
      const viewer = requireViewer(req);
      const name = field(req.body, 'name', 200);
      const errors: FieldErrors = {};
      if (!name) errors.name = 'Enter your full name.';
      else if (nameProblem(name)) errors.name = nameProblem(name)!;
      const bio = field(req.body, 'bio', 1000);
      if (Object.keys(errors).length) return accountPage(req, reply, { errors }, 400);
      const expertise = [...new Set(field(req.body, 'expertise', 1000).split(',').map((t) => t.trim().toLowerCase()).filter(Boolean))].slice(0, 30);
      const before = await findMember(ctx.pool, viewer.memberId);
      await ctx.pool.query(
        `update members set name = $2, job_title = nullif($3, ''), agency = nullif($4, ''), expertise = $5, bio = nullif($6, ''), bio_public = $7, updated_at = now() where id = $1`,
        [viewer.memberId, name, field(req.body, 'jobTitle', 200), field(req.body, 'agency', 200), expertise, bio, field(req.body, 'bioPublic') === 'yes'],
      );
      await recordAudit(ctx.pool, actorOf(req), { action: 'member.profile', subjectType: 'member', subjectId: String(viewer.memberId), before, after: await findMember(ctx.pool, viewer.memberId) });
      return reply.redirect('/account?saved=profile', 303);
    });

    app.post<{ Params: { slug: string } }>('/account/memberships/:slug', csrf, async (req, reply) => {
      const viewer = requireViewer(req);
      const c = await community(req.params.slug);
      const mode = field(req.body, 'deliveryMode') as DeliveryMode;
      if (!DELIVERY_MODES.includes(mode)) return accountPage(req, reply, { errors: { deliveryMode: 'Choose how you want to get messages.' } }, 400);
      const m = await membershipIn(ctx.pool, viewer.memberId, c.id);
      if (m?.status !== 'active') throw new NotFoundError(`You are not a member of ${c.title}.`);
      await changeMembership(ctx.pool, actorOf(req), { communityId: c.id, memberId: viewer.memberId, deliveryMode: mode, source: 'web', action: 'membership.delivery' });
      return reply.redirect('/account?saved=delivery', 303);
    });

    app.post<{ Params: { slug: string } }>('/account/memberships/:slug/leave', csrf, async (req, reply) => {
      const viewer = requireViewer(req);
      const c = await community(req.params.slug);
      const m = await membershipIn(ctx.pool, viewer.memberId, c.id);
      if (m?.status === 'active') {
        await changeMembership(ctx.pool, actorOf(req), { communityId: c.id, memberId: viewer.memberId, status: 'left', source: 'web', action: 'membership.leave' });
      }
      return reply.redirect('/account?saved=left', 303);
    });

    app.get('/account/data.json', hide, async (req, reply) => {
      const viewer = requireViewer(req);
      reply.header('content-disposition', 'attachment; filename="my-socialgov-data.json"');
      return reply.type('application/json; charset=utf-8').send(JSON.stringify(await memberData(ctx.pool, viewer.memberId), null, 2));
    });

    // ---- Coordinators --------------------------------------------------------------------

    app.get<{ Params: { slug: string }; Querystring: { done?: string } }>('/communities/:slug/admin/requests', hide, async (req, reply) => {
      const c = await coordinatorOf(req, req.params.slug);
      const notice = { approved: 'Approved: the applicant is now a member and has been told.', denied: 'Denied: the applicant has been told why.' }[req.query.done ?? ''];
      return sendPage(reply, RequestsPage({ site: siteFor(ctx, req), c, csrf: reply.generateCsrf(), requests: await awaitingApproval(ctx.pool, c.id), ...(notice ? { notice } : {}) }));
    });

    app.post<{ Params: { slug: string; id: string } }>('/communities/:slug/admin/requests/:id', csrf, async (req, reply) => {
      const c = await coordinatorOf(req, req.params.slug);
      const id = idParam(req.params.id);
      const decision = field(req.body, 'decision');
      const note = field(req.body, `note-${id}`, 1000);
      if (!id || (decision !== 'approve' && decision !== 'deny')) throw new NotFoundError('That request does not exist.');
      if (decision === 'deny' && !note) {
        return sendPage(reply, RequestsPage({ site: siteFor(ctx, req), c, csrf: reply.generateCsrf(), requests: await awaitingApproval(ctx.pool, c.id), errors: { [id]: 'Give a reason: it is sent to the applicant.' } }), 400);
      }
      try {
        await decideRequest(ctx.pool, {
          communityId: c.id, community: c, requestId: id, approve: decision === 'approve', note, actor: actorOf(req), baseUrl: baseUrl(ctx), queue: ctx.queue,
        });
      } catch (err) {
        if (err instanceof RequestNotFoundError) throw new NotFoundError(err.message);
        throw err;
      }
      return reply.redirect(`/communities/${c.slug}/admin/requests?done=${decision === 'approve' ? 'approved' : 'denied'}`, 303);
    });

    app.get<{ Params: { slug: string } }>('/communities/:slug/admin/import', hide, async (req, reply) => {
      const c = await coordinatorOf(req, req.params.slug);
      return sendPage(reply, ImportPage({ site: siteFor(ctx, req), c, csrf: reply.generateCsrf() }));
    });

    app.post<{ Params: { slug: string } }>('/communities/:slug/admin/import', { ...csrf, bodyLimit: 2_500_000 }, async (req, reply) => {
      const c = await coordinatorOf(req, req.params.slug);
      const csv = field(req.body, 'csv', 2_000_000);
      const page = (status: number, extra: Parameters<typeof ImportPage>[0]['report'] | undefined, error?: string) =>
        sendPage(reply, ImportPage({ site: siteFor(ctx, req), c, csrf: reply.generateCsrf(), csv, ...(error ? { error } : {}), ...(extra ? { report: extra } : {}) }), status);
      if (!csv) return page(400, undefined, 'Paste the members to import.');
      let plan;
      try {
        plan = await planImport(ctx.pool, csv, c, ctx.config);
      } catch (err) {
        if (err instanceof ImportFileError) return page(400, undefined, err.message);
        throw err;
      }
      if (field(req.body, 'intent') !== 'import') return page(200, plan);
      const applied = await applyImport(ctx.pool, plan, { community: c, actor: actorOf(req), welcome: field(req.body, 'welcome') === 'yes', queue: ctx.queue, baseUrl: baseUrl(ctx) });
      return page(200, { ...plan, applied });
    });

    app.get<{ Params: { slug: string }; Querystring: { q?: string; done?: string } }>('/communities/:slug/members', hide, async (req, reply) => {
      const viewer = requireViewer(req);
      const c = await community(req.params.slug);
      const coordinator = await canCoordinate(ctx.pool, viewer, c.id);
      const mine = await membershipIn(ctx.pool, viewer.memberId, c.id);
      if (!coordinator && mine?.status !== 'active') throw new ForbiddenError(`The member directory of ${c.title} is for its members only.`);
      const q = (req.query.q ?? '').slice(0, 100);
      return sendPage(reply, DirectoryPage({
        site: siteFor(ctx, req), c, csrf: reply.generateCsrf(), q, entries: await directory(ctx.pool, c.id, q, coordinator), coordinator,
        ...(req.query.done ? { notice: 'The change is saved.' } : {}),
      }));
    });

    app.get<{ Params: { slug: string } }>('/communities/:slug/members.csv', hide, async (req, reply) => {
      const c = await coordinatorOf(req, req.params.slug);
      reply.header('content-disposition', `attachment; filename="${c.slug}-members.csv"`);
      await recordAudit(ctx.pool, actorOf(req), { action: 'members.export', subjectType: 'community', subjectId: c.slug });
      return reply.type('text/csv; charset=utf-8').send(directoryCsv(await directory(ctx.pool, c.id, '', true)));
    });

    app.post<{ Params: { slug: string; memberId: string } }>('/communities/:slug/members/:memberId', csrf, async (req, reply) => {
      const c = await coordinatorOf(req, req.params.slug);
      const memberId = idParam(req.params.memberId);
      const action = field(req.body, 'action') as CoordinatorAction;
      if (!['member', 'moderator', 'coordinator', 'remove', 'ban'].includes(action)) throw new NotFoundError('Choose an action from the list.');
      const m = memberId ? await membershipIn(ctx.pool, memberId, c.id) : undefined;
      if (!m) throw new NotFoundError('That person is not a member of this community.');
      await applyCoordinatorAction(ctx.pool, actorOf(req), c.id, memberId, action);
      return reply.redirect(`/communities/${c.slug}/members?done=1`, 303);
    });
  };
}
