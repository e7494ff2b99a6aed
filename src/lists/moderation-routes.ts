/** The moderation queue of a community's or a group's list, and the one-click links in a moderator's notice. Thin: check who asks, validate, call, present. */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { NotFoundError, formToken, sendPage, siteFor, type AppContext } from '../platform/http/context.ts';
import { listDomainOf } from '../platform/config.ts';
import { MessagePage } from '../web/pages.tsx';
import { field } from '../web/forms.tsx';
import { heldDetail, heldMessages, lookupHoldToken, moderate, MODERATION_ACTIONS, type ModerationAction } from './moderation.ts';
import { listById } from './store.ts';
import { HeldDetailPage, HeldQueuePage, ModerateLinkPage } from './views.tsx';
import { ADMIN_PATHS, listRouteKit, type AdminParams } from './route-kit.ts';

function ids(body: unknown): number[] {
  const v = body && typeof body === 'object' ? (body as Record<string, unknown>).id : undefined;
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return [...new Set(list.filter((x): x is string => typeof x === 'string' && /^\d{1,12}$/.test(x)).map(Number))].slice(0, 500);
}

export function moderationRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const { hide, csrf, listContext, moderated } = listRouteKit(ctx, app);

    // ---- Held messages -------------------------------------------------------------------

    for (const base of ADMIN_PATHS) {
      app.get<{ Params: AdminParams; Querystring: { done?: string } }>(`${base}/held`, hide, async (req, reply) => {
        const { c, list } = await moderated(req, req.params, true);
        const done = /^\d{1,4}$/.test(req.query.done ?? '') ? `Done: ${req.query.done} ${req.query.done === '1' ? 'message' : 'messages'}.` : undefined;
        return sendPage(
          reply,
          HeldQueuePage({
            site: siteFor(ctx, req),
            c,
            listAddress: `${list.localPart}@${listDomainOf(ctx.config)}`,
            held: await heldMessages(ctx.pool, list.id),
            csrf: formToken(reply),
            done,
          }),
        );
      });

      app.get<{ Params: AdminParams & { id: string } }>(`${base}/held/:id`, hide, async (req, reply) => {
        const { c, list } = await moderated(req, req.params, true);
        const h = /^\d{1,12}$/.test(req.params.id) ? await heldDetail(ctx.pool, list.id, Number(req.params.id)) : undefined;
        if (!h) throw new NotFoundError('This message is not waiting any more: a moderator decided on it, or it expired.');
        return sendPage(reply, HeldDetailPage({ site: siteFor(ctx, req), c, h, csrf: formToken(reply) }));
      });

      app.post<{ Params: AdminParams }>(`${base}/held`, csrf, async (req, reply) => {
        const { c, list, admin } = await moderated(req, req.params, true);
        const action = field(req.body, 'action') as ModerationAction;
        const chosen = ids(req.body);
        const again = async (error: string, status = 400) =>
          sendPage(
            reply,
            HeldQueuePage({
              site: siteFor(ctx, req),
              c,
              listAddress: `${list.localPart}@${listDomainOf(ctx.config)}`,
              held: await heldMessages(ctx.pool, list.id),
              csrf: formToken(reply),
              error,
            }),
            status,
          );
        if (!MODERATION_ACTIONS.includes(action)) return again('Choose an action: approve, reject, discard or ban.');
        if (!chosen.length) return again('Select at least one message first.');
        const decisions = await moderate(await listContext(req), {
          list,
          ids: chosen,
          action,
          reason: field(req.body, 'reason', 1000),
          actor: { name: req.viewer!.email, source: req.ip },
        });
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
        return sendPage(
          reply,
          MessagePage({
            site: siteFor(ctx, req),
            title: 'Nothing to decide',
            lines: ['This link was used already, has expired, or the message was decided by another moderator.'],
            alert: 'info',
          }),
          404,
        );
      }
      return sendPage(reply, ModerateLinkPage({ site: siteFor(ctx, req), listName: list.name, h, csrf: formToken(reply), token: req.params.token }));
    });

    app.post<{ Params: { token: string } }>('/moderate/:token', csrf, async (req, reply) => {
      const t = await lookupHoldToken(ctx.pool, req.params.token);
      const list = t ? await listById(ctx.pool, t.listId) : undefined;
      const action = field(req.body, 'action');
      if (!t || !list || (action !== 'approve' && action !== 'discard')) {
        return sendPage(
          reply,
          MessagePage({
            site: siteFor(ctx, req),
            title: 'Nothing to decide',
            lines: ['This link was used already, has expired, or the message was decided by another moderator.'],
            alert: 'info',
          }),
          404,
        );
      }
      const [d] = await moderate(await listContext(req), { list, ids: [t.incomingId], action, actor: { name: t.moderator, source: req.ip } });
      const text =
        d!.outcome === 'approved'
          ? 'The message is approved and goes to the list now.'
          : d!.outcome === 'discarded'
            ? 'The message is discarded.'
            : 'Another moderator decided on this message first.';
      return sendPage(reply, MessagePage({ site: siteFor(ctx, req), title: 'Done', lines: [text], alert: 'success' }));
    });
  };
}
