/** What the organizers' pages share: the event form's values, presenters, which communities and events the viewer organizes. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor } from '../platform/audit.ts';
import type { Queryable } from '../platform/db/queryable.ts';
import { ForbiddenError, NotFoundError, SignInRequiredError, type AppContext } from '../platform/http/context.ts';
import { cookieSecret } from '../platform/secret.ts';
import { field } from '../web/forms.tsx';
import { findMemberByEmail } from '../membership/index.ts';
import { FORM_FIELDS, type EventFormValues } from './event-form.ts';
import { canOrganize, eventsDeps } from './route-kit.ts';
import { findEvent, findOccurrence } from './store.ts';
import type { EventInput, StoredEvent } from './model.ts';

export function actorOf(req: FastifyRequest): Actor {
  return { name: req.viewer?.email ?? 'anonymous', source: req.ip };
}

/** The event form's raw values from a posted body (also the group meeting form, src/groups). */
export function formValues(body: unknown): EventFormValues {
  const v: EventFormValues = {};
  for (const k of FORM_FIELDS) v[k] = field(body, k, k === 'body' ? 50000 : 2000);
  return v;
}

export function checkedCommunities(body: unknown): number[] {
  const raw = body && typeof body === 'object' ? (body as Record<string, unknown>).communities : undefined;
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return list.filter((x): x is string => typeof x === 'string' && /^\d{1,12}$/.test(x)).map(Number);
}

/** Presenters named by address are members: link them, or say which address is unknown. */
export async function linkPresenters(db: Queryable, input: EventInput): Promise<string | undefined> {
  for (const pr of input.presenters) {
    if (!pr.email) continue;
    const m = await findMemberByEmail(db, pr.email);
    if (!m) return `No member has the address ${pr.email}. Check it, or leave it out for a guest presenter.`;
    pr.memberId = m.id;
  }
  return undefined;
}

/** The route options and helpers every organizer plugin uses, bound to the platform's context and the link-signing key. */
export async function organizerRouteKit(ctx: AppContext, app: FastifyInstance) {
  const secret = await cookieSecret(ctx.pool, ctx.config.secret);
  const hide = { schema: { hide: true } };
  const csrf = { preHandler: app.csrfProtection, schema: { hide: true } };

  /** Communities the viewer may put events in. */
  async function coordinated(req: FastifyRequest): Promise<Array<{ id: number; title: string }>> {
    const v = req.viewer;
    if (!v) throw new SignInRequiredError('Sign in to create events.');
    const { rows } = await ctx.pool.query<{ id: string; title: string }>(
      v.siteAdmin
        ? `select id, coalesce(short_name, title) as title from communities order by 2`
        : `select c.id, coalesce(c.short_name, c.title) as title from communities c join memberships m on m.community_id = c.id
              where m.member_id = $1 and m.status = 'active' and m.role = 'coordinator' order by 2`,
      v.siteAdmin ? [] : [v.memberId],
    );
    if (!rows.length) throw new ForbiddenError('Only community coordinators can create events. Ask a coordinator of your community.');
    return rows.map((r) => ({ id: Number(r.id), title: r.title }));
  }

  async function organizedEvent(req: FastifyRequest, slug: string): Promise<StoredEvent> {
    if (!req.viewer) throw new SignInRequiredError('Sign in to manage events.');
    const e = await findEvent(ctx.pool, slug);
    if (!e) throw new NotFoundError(`There is no event called “${slug}”.`);
    if (!(await canOrganize(ctx, req, e))) throw new ForbiddenError(`Only the organizers of ${e.title} can use this page.`);
    return e;
  }

  /** One session of the event, from the address. */
  async function sessionOf(e: StoredEvent, id: string) {
    const o = /^\d{1,12}$/.test(id) ? await findOccurrence(ctx.pool, Number(id)) : undefined;
    if (!o || o.eventId !== e.id) throw new NotFoundError('That session does not exist. See the sessions on the event’s manage page.');
    return o;
  }

  const deps = () => eventsDeps(ctx, secret);

  return { hide, csrf, coordinated, organizedEvent, sessionOf, deps };
}
