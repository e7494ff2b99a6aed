/**
 * One-click unsubscribe (RFC 8058). Every list copy carries a personal link `/u/<token>`; the token
 * is signed (HMAC with the site key) and scoped to one member on one list, so it cannot be forged
 * or reused for anyone else. GET shows a page with one button (link scanners follow GETs, so a
 * GET changes nothing); POST leaves at once, without signing in. The POST is exempt from the CSRF
 * check on purpose: mail programs send it from their own servers, and the signed token in the
 * address is itself the proof that this member asked.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { joinSettings } from '../communities/index.ts';
import { canCoordinate } from '../membership/index.ts';
import { baseUrl, ForbiddenError, NotFoundError, sendPage, SignInRequiredError, siteFor, type AppContext } from '../platform/http/context.ts';
import { cookieSecret } from '../platform/secret.ts';
import { listDomainOf } from '../platform/config.ts';
import { ConfirmButtonPage, MessagePage } from '../web/pages.tsx';
import { switchToEachMessage } from './digests/each-message.ts';
import { field, type FieldErrors } from '../web/forms.tsx';
import { dnsResolver } from './authenticate.ts';
import type { ListContext } from './context.ts';
import { unsubscribe } from './incoming.ts';
import { heldDetail, heldMessages, lookupHoldToken, moderate, MODERATION_ACTIONS, saveListSettings, type ListSettings, type ModerationAction } from './moderation.ts';
import { listAdminPath, listById, listHomePath, listOfGroup, listsOfCommunity, type List } from './store.ts';
import { canModerateList } from './sub-lists.ts';
import { readUnsubscribeToken } from './tokens.ts';
import { formFromSettings, HeldDetailPage, HeldQueuePage, ListSettingsPage, ModerateLinkPage, type ListRef, type ListSettingsForm } from './views.tsx';

const ADDRESS_ENTRY = /^(@|[^@\s]+@)[a-z0-9.-]+\.[a-z]{2,}$/i;

/** The list settings form, checked: settings to save, or errors next to the fields. */
export function settingsFromForm(body: unknown): { ok: true; settings: ListSettings } | { ok: false; form: ListSettingsForm; errors: FieldErrors } {
  const on = (name: string) => field(body, name) !== '';
  const form: ListSettingsForm = {
    subjectPrefix: field(body, 'subjectPrefix', 60), footer: field(body, 'footer', 2000), replyTo: field(body, 'replyTo'), dmarcMitigation: field(body, 'dmarcMitigation'),
    moderated: on('moderated'), emergency: on('emergency'), maxKb: field(body, 'maxKb'), maxRecipients: field(body, 'maxRecipients'),
    acceptFrom: field(body, 'acceptFrom', 20000), banned: field(body, 'banned', 20000), administrivia: on('administrivia'), spfFail: field(body, 'spfFail') || 'hold', whoByMail: on('whoByMail'), sendToPoster: on('sendToPoster'), archivePublic: on('archivePublic'),
  };
  const errors: FieldErrors = {};
  const addresses = (name: 'acceptFrom' | 'banned') => {
    const items = form[name].split(/[\s,;]+/).map((a) => a.trim().toLowerCase()).filter(Boolean);
    const bad = items.filter((a) => !ADDRESS_ENTRY.test(a));
    if (bad.length) errors[name] = `These are not addresses or @domains: ${bad.slice(0, 3).join(', ')}. Write one a line, like pat@agency.gov or @agency.gov.`;
    return [...new Set(items)];
  };
  const acceptFrom = addresses('acceptFrom');
  const banned = addresses('banned');
  const maxKb = /^\d{1,6}$/.test(form.maxKb) ? Number(form.maxKb) : NaN;
  if (!(maxKb >= 1 && maxKb <= 100_000)) errors.maxKb = 'Enter a whole number of KB from 1 to 100000, such as 5120 for 5 MB.';
  const maxRecipients = /^\d{1,4}$/.test(form.maxRecipients) ? Number(form.maxRecipients) : NaN;
  if (!(maxRecipients >= 1 && maxRecipients <= 1000)) errors.maxRecipients = 'Enter a whole number from 1 to 1000.';
  if (!['poster', 'list'].includes(form.replyTo)) errors.replyTo = 'Choose where replies go.';
  if (!['hold', 'accept'].includes(form.spfFail)) errors.spfFail = 'Choose what happens to a post that fails SPF.';
  if (!['auto', 'always', 'never'].includes(form.dmarcMitigation)) errors.dmarcMitigation = 'Choose when posts show as from the list.';
  if (/[\r\n]/.test(form.subjectPrefix)) errors.subjectPrefix = 'The prefix must be on one line.';
  if (Object.keys(errors).length) return { ok: false, form, errors };
  const prefix = form.subjectPrefix.trim();
  return {
    ok: true,
    settings: {
      subjectPrefix: prefix === '' ? null : prefix.toLowerCase() === 'none' ? '' : prefix, footer: form.footer, replyTo: form.replyTo as 'poster' | 'list',
      dmarcMitigation: form.dmarcMitigation as 'auto' | 'always' | 'never', moderated: form.moderated, emergency: form.emergency, maxBytes: maxKb * 1024, maxRecipients,
      acceptFrom, banned, administrivia: form.administrivia, spfFail: form.spfFail as 'hold' | 'accept', whoByMail: form.whoByMail, sendToPoster: form.sendToPoster, archivePublic: form.archivePublic,
    },
  };
}

function ids(body: unknown): number[] {
  const v = body && typeof body === 'object' ? (body as Record<string, unknown>).id : undefined;
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return [...new Set(list.filter((x): x is string => typeof x === 'string' && /^\d{1,12}$/.test(x)).map(Number))].slice(0, 500);
}

export function listRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    let secret: Promise<string> | undefined;
    const key = () => (secret ??= cookieSecret(ctx.pool, ctx.config.secret));
    const hide = { schema: { hide: true } };
    const csrf = { preHandler: app.csrfProtection, ...hide };
    const resolve = dnsResolver(ctx.config);

    async function listContext(req: FastifyRequest): Promise<ListContext> {
      return {
        pool: ctx.pool, config: ctx.config, queue: ctx.queue, mail: ctx.mail, resolve, secret: await key(), baseUrl: baseUrl(ctx),
        domain: listDomainOf(ctx.config), dkim: [], log: (msg, extra) => req.log.info(extra ?? {}, msg),
      };
    }

    /**
     * The list a moderation page is about: the community's own list (for its moderators, when
     * moderatorOk, and coordinators), or a working group's list (for those and the group's leads).
     */
    async function moderated(req: FastifyRequest, params: { slug: string; group?: string }, moderatorOk: boolean): Promise<{ c: ListRef; list: List; admin: string }> {
      if (!req.viewer) throw new SignInRequiredError('Sign in to moderate the list.');
      const c = await joinSettings(ctx.pool, params.slug);
      if (!c) throw new NotFoundError(`There is no community called “${params.slug}”.`);
      if (params.group !== undefined) {
        const found = await ctx.pool.query<{ id: string }>('select id from working_groups where community_id = $1 and slug = $2', [c.id, params.group]);
        const list = found.rows[0] ? await listOfGroup(ctx.pool, Number(found.rows[0].id)) : undefined;
        if (!list) throw new NotFoundError(`There is no working group “${params.group}” in ${c.title}.`);
        if (!(await canModerateList(ctx.pool, req.viewer, list, moderatorOk))) throw new ForbiddenError(`Only the leads of ${list.name} and the ${moderatorOk ? 'moderators and coordinators' : 'coordinators'} of ${c.title} can use this page.`);
        return { c: { slug: c.slug, title: list.name, group: { communityTitle: c.title, href: listHomePath(list) } }, list, admin: listAdminPath(list) };
      }
      if (!(await canCoordinate(ctx.pool, req.viewer, c.id, moderatorOk))) throw new ForbiddenError(`Only the ${moderatorOk ? 'moderators and coordinators' : 'coordinators'} of ${c.title} can use this page.`);
      const list = (await listsOfCommunity(ctx.pool, c.id))[0];
      if (!list) throw new NotFoundError(`${c.title} has no list.`);
      return { c: { slug: c.slug, title: c.title }, list, admin: listAdminPath(list) };
    }

    // The community's list pages live under /communities/:slug/admin, a group list's under the group's page.
    const ADMIN_PATHS = ['/communities/:slug/admin', '/communities/:slug/groups/:group/admin'];
    type AdminParams = { slug: string; group?: string };

    // ---- Held messages -------------------------------------------------------------------

    for (const base of ADMIN_PATHS) {
      app.get<{ Params: AdminParams; Querystring: { done?: string } }>(`${base}/held`, hide, async (req, reply) => {
        const { c, list } = await moderated(req, req.params, true);
        const done = /^\d{1,4}$/.test(req.query.done ?? '') ? `Done: ${req.query.done} ${req.query.done === '1' ? 'message' : 'messages'}.` : undefined;
        return sendPage(reply, HeldQueuePage({ site: siteFor(ctx, req), c, listAddress: `${list.localPart}@${listDomainOf(ctx.config)}`, held: await heldMessages(ctx.pool, list.id), csrf: reply.generateCsrf(), done }));
      });

      app.get<{ Params: AdminParams & { id: string } }>(`${base}/held/:id`, hide, async (req, reply) => {
        const { c, list } = await moderated(req, req.params, true);
        const h = /^\d{1,12}$/.test(req.params.id) ? await heldDetail(ctx.pool, list.id, Number(req.params.id)) : undefined;
        if (!h) throw new NotFoundError('This message is not waiting any more: a moderator decided on it, or it expired.');
        return sendPage(reply, HeldDetailPage({ site: siteFor(ctx, req), c, h, csrf: reply.generateCsrf() }));
      });

      app.post<{ Params: AdminParams }>(`${base}/held`, csrf, async (req, reply) => {
        const { c, list, admin } = await moderated(req, req.params, true);
        const action = field(req.body, 'action') as ModerationAction;
        const chosen = ids(req.body);
        const again = async (error: string, status = 400) =>
          sendPage(reply, HeldQueuePage({ site: siteFor(ctx, req), c, listAddress: `${list.localPart}@${listDomainOf(ctx.config)}`, held: await heldMessages(ctx.pool, list.id), csrf: reply.generateCsrf(), error }), status);
        if (!MODERATION_ACTIONS.includes(action)) return again('Choose an action: approve, reject, discard or ban.');
        if (!chosen.length) return again('Select at least one message first.');
        const decisions = await moderate(await listContext(req), { list, ids: chosen, action, reason: field(req.body, 'reason', 1000), actor: { name: req.viewer!.email, source: req.ip } });
        const notBanned = decisions.filter((d) => d.outcome === 'not-banned');
        if (notBanned.length) {
          const who = [...new Set(notBanned.map((d) => d.from))].join(', ');
          const banned = decisions.filter((d) => d.outcome === 'banned').length;
          return again(
            `Not banned: ${who}. The From address of ${notBanned.length === 1 ? 'this message is' : 'these messages is'} not verified (it may be forged), so banning it could shut out someone who never sent it. Discard ${notBanned.length === 1 ? 'it' : 'them'} instead.${banned ? ` The other ${banned === 1 ? 'sender was' : `${banned} senders were`} banned.` : ''}`,
            409,
          );
        }
        return reply.redirect(`${admin}/held?done=${decisions.filter((d) => d.outcome !== 'already-decided').length}`, 303);
      });
    }

    app.get<{ Params: { token: string } }>('/moderate/:token', hide, async (req, reply) => {
      const t = await lookupHoldToken(ctx.pool, req.params.token);
      const list = t ? await listById(ctx.pool, t.listId) : undefined;
      const h = t && list ? await heldDetail(ctx.pool, list.id, t.incomingId) : undefined;
      if (!t || !list || !h) {
        return sendPage(reply, MessagePage({ site: siteFor(ctx, req), title: 'Nothing to decide', lines: ['This link was used already, has expired, or the message was decided by another moderator.'], alert: 'info' }), 404);
      }
      return sendPage(reply, ModerateLinkPage({ site: siteFor(ctx, req), listName: list.name, h, csrf: reply.generateCsrf(), token: req.params.token }));
    });

    app.post<{ Params: { token: string } }>('/moderate/:token', csrf, async (req, reply) => {
      const t = await lookupHoldToken(ctx.pool, req.params.token);
      const list = t ? await listById(ctx.pool, t.listId) : undefined;
      const action = field(req.body, 'action');
      if (!t || !list || (action !== 'approve' && action !== 'discard')) {
        return sendPage(reply, MessagePage({ site: siteFor(ctx, req), title: 'Nothing to decide', lines: ['This link was used already, has expired, or the message was decided by another moderator.'], alert: 'info' }), 404);
      }
      const [d] = await moderate(await listContext(req), { list, ids: [t.incomingId], action, actor: { name: t.moderator, source: req.ip } });
      const text = d!.outcome === 'approved' ? 'The message is approved and goes to the list now.' : d!.outcome === 'discarded' ? 'The message is discarded.' : 'Another moderator decided on this message first.';
      return sendPage(reply, MessagePage({ site: siteFor(ctx, req), title: 'Done', lines: [text], alert: 'success' }));
    });

    // ---- List settings -------------------------------------------------------------------

    for (const base of ADMIN_PATHS) {
      app.get<{ Params: AdminParams; Querystring: { saved?: string } }>(`${base}/list`, hide, async (req, reply) => {
        const { c, list } = await moderated(req, req.params, false);
        return sendPage(reply, ListSettingsPage({ site: siteFor(ctx, req), c, listName: list.name, form: formFromSettings(list), csrf: reply.generateCsrf(), saved: req.query.saved === '1' }));
      });

      app.post<{ Params: AdminParams }>(`${base}/list`, csrf, async (req, reply) => {
        const { c, list, admin } = await moderated(req, req.params, false);
        const result = settingsFromForm(req.body);
        if (!result.ok) return sendPage(reply, ListSettingsPage({ site: siteFor(ctx, req), c, listName: list.name, form: result.form, errors: result.errors, csrf: reply.generateCsrf() }), 400);
        await saveListSettings(ctx.pool, { name: req.viewer!.email, source: req.ip }, list, result.settings);
        return reply.redirect(`${admin}/list?saved=1`, 303);
      });
    }

    // ---- One-click unsubscribe ---------------------------------------------------------

    // RFC 8058 clients POST "List-Unsubscribe=One-Click" as multipart/form-data or urlencoded:
    // in this scope any body is read as text and only looked at for that marker.
    await app.register(async (scope: FastifyInstance) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, raw, done) => done(null, raw));
    async function scoped(token: string) {
      const t = readUnsubscribeToken(await key(), token);
      if (!t) return undefined;
      const list = await listById(ctx.pool, t.listId);
      const member = await ctx.pool.query<{ email: string }>('select email from members where id = $1', [t.memberId]);
      return list && member.rows[0] ? { list, memberId: t.memberId, email: member.rows[0].email } : undefined;
    }

    const invalid = (req: Parameters<typeof siteFor>[1]) =>
      MessagePage({ site: siteFor(ctx, req), title: 'This link does not work', lines: ['This unsubscribe link is not valid. It may have been cut off by your mail program: open it from the message again, or sign in and leave from your account page.'], links: [{ href: '/account', label: 'Your account' }], alert: 'warning' });

    scope.get<{ Params: { token: string } }>('/u/:token', hide, async (req, reply) => {
      const s = await scoped(req.params.token);
      if (!s) return sendPage(reply, invalid(req), 404);
      return sendPage(
        reply,
        ConfirmButtonPage({
          site: siteFor(ctx, req),
          title: `Leave ${s.list.name}`,
          lines: [
            s.list.groupId === null
              ? `Press the button to stop getting messages from ${s.list.name} at ${s.email}. You can join again at any time.`
              : `${s.list.name} is a working group’s list: press the button to leave the working group and stop getting its messages at ${s.email}. You stay a member of the community, and can join the group again on its page.`,
          ],
          action: `/u/${req.params.token}`,
          token: req.params.token,
          csrf: reply.generateCsrf(),
          button: s.list.groupId === null ? 'Leave the list' : 'Leave the working group',
        }),
      );
    });

    scope.post<{ Params: { token: string } }>('/u/:token', hide, async (req, reply) => {
      const s = await scoped(req.params.token);
      const body = typeof req.body === 'string' ? req.body : '';
      const oneClick = /List-Unsubscribe(=|"\s*\r?\n\r?\n)One-Click/.test(body);
      if (!s) {
        if (oneClick) return reply.code(404).type('text/plain; charset=utf-8').send('This unsubscribe link is not valid.\n');
        return sendPage(reply, invalid(req), 404);
      }
      await unsubscribe(ctx, s.list, s.memberId, oneClick ? 'one-click' : 'web', { name: s.email, source: req.ip });
      if (oneClick) return reply.type('text/plain; charset=utf-8').send(`Unsubscribed ${s.email} from ${s.list.name}.\n`);
      return sendPage(
        reply,
        MessagePage({
          site: siteFor(ctx, req),
          title: `You have left ${s.list.name}`,
          lines: [`${s.email} will get no more messages from ${s.list.name}.`],
          links: [{ href: listHomePath(s.list), label: `Back to ${s.list.name}` }],
          alert: 'success',
        }),
      );
    });

    // Digests (src/lists/digests): "get each message instead", linked from each member's digest
    // with the same signed token. GET only shows the button; POST switches. No CSRF check, for
    // the reason above: the signed, member-scoped token in the address is the proof.
    scope.get<{ Params: { token: string } }>('/u/:token/each', hide, async (req, reply) => {
      const s = await scoped(req.params.token);
      if (!s) return sendPage(reply, invalid(req), 404);
      return sendPage(
        reply,
        ConfirmButtonPage({
          site: siteFor(ctx, req),
          title: `Get each message from ${s.list.name}`,
          lines: [`Press the button to get every message from ${s.list.name} at ${s.email} as it is sent, instead of a digest. You can go back to digests on your account page.`],
          action: `/u/${req.params.token}/each`,
          token: req.params.token,
          csrf: reply.generateCsrf(),
          button: 'Get each message',
        }),
      );
    });

    scope.post<{ Params: { token: string } }>('/u/:token/each', hide, async (req, reply) => {
      const s = await scoped(req.params.token);
      if (!s) return sendPage(reply, invalid(req), 404);
      const result = await switchToEachMessage(ctx.pool, { communityId: s.list.communityId, memberId: s.memberId, actor: { name: s.email, source: req.ip } });
      const back = [{ href: '/account', label: 'Your account' }];
      if (result === 'not-a-member') {
        return sendPage(reply, MessagePage({ site: siteFor(ctx, req), title: `You are not a member of ${s.list.name}`, lines: [`${s.email} is not a member of ${s.list.name} now, so there is nothing to change. To join again, visit the community's page.`], links: [{ href: listHomePath(s.list), label: s.list.name }], alert: 'warning' }), 409);
      }
      return sendPage(
        reply,
        MessagePage({
          site: siteFor(ctx, req),
          title: `You will get each message from ${s.list.name}`,
          lines: [result === 'switched' ? `${s.email} will get every new message from ${s.list.name} as it is sent, and no more digests.` : `${s.email} already gets each message from ${s.list.name}.`],
          links: back,
          alert: 'success',
        }),
      );
    });
    });
  };
}
