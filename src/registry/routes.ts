/** Registry web pages. Thin: read the form, call a use case, render. Every change is a POST with CSRF. */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../platform/audit.ts';
import { baseUrl, ForbiddenError, NotFoundError, sendPage, SignInRequiredError, siteFor, type Alongside, type AppContext } from '../platform/http/context.ts';
import { field, type FieldErrors } from '../web/forms.tsx';
import { canEdit, canSee, registryViewer, type RegistryViewer } from './access.ts';
import { listAgencies, memberHomeAgency, type Agency } from './agencies.ts';
import { parseAddress } from '../membership/index.ts';
import { PlatformCache } from './platform-store.ts';
import { APP_STORES, emptyInput, splitList, type RecordInput } from './record-input.ts';
import { getRecord, RECORD_KINDS, recordHistory, type RecordKind, type RegistryRecord } from './records.ts';
import { publicTags, searchRecords } from './search.ts';
import { verifyAccount } from './verify.ts';
import { RegistryHomePage, VerifyPage, type SearchValues } from './views.tsx';
import { RecordFormPage, RecordListPage, RecordPage } from './record-views.tsx';
import { allowedActions, changeStatus, createRecord, RECORD_ACTIONS, updateRecord, WorkflowError, type RecordAction, type WorkflowDeps } from './workflow.ts';

const NOTICES: Record<string, string> = {
  created: 'Saved as a draft. Submit it for review when it is ready.',
  submitted: 'Submitted. A registry reviewer will publish it or send it back; its contacts get an email either way.',
  saved: 'Your changes are saved.',
  'back-to-review': 'Your changes are saved. Because the address, user id or sponsors changed, the record is back with the reviewers.',
  publish: 'Published. The verification API now calls this account official.',
  reject: 'Sent back to its contacts with your reason.',
  'request-archive': 'Your request to archive this record is with the reviewers.',
  archive: 'Archived.',
  review: 'Marked as reviewed today.',
  submit: 'Submitted for review.',
};

function actorOf(req: FastifyRequest): Actor {
  return { name: req.viewer?.email ?? 'anonymous', source: req.ip };
}

function one(body: unknown, name: string): string[] {
  const v = body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return typeof v === 'string' ? [v] : [];
}

/** The record form's fields, as typed. */
function formInput(body: unknown, kind: RecordKind): RecordInput {
  const input = emptyInput(kind);
  input.name = field(body, 'name', 300);
  input.address = field(body, 'address', 2000);
  input.platformUserId = field(body, 'platformUserId', 100);
  input.language = field(body, 'language', 20);
  input.shortDescription = field(body, 'shortDescription', 400);
  input.longDescription = field(body, 'longDescription', 6000);
  input.categoryTags = splitList(field(body, 'categoryTags', 1300));
  input.geoTags = splitList(field(body, 'geoTags', 1300));
  input.contacts = splitList(field(body, 'contacts', 3000));
  input.agencyIds = one(body, 'agencyIds').map(Number).filter((n) => Number.isSafeInteger(n) && n > 0);
  for (const s of APP_STORES) {
    const url = field(body, `store_${s.store}`, 2000);
    if (url) input.appStores.push({ store: s.store, url });
  }
  input.appVersions = field(body, 'appVersions', 2000).split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
    const [platform = '', version = '', released] = l.split(/\s+/);
    return released ? { platform, version, released } : { platform, version };
  });
  return input;
}

function inputOf(r: RegistryRecord): RecordInput {
  return {
    kind: r.kind, name: r.name, address: r.kind === 'account' ? (r.url ?? '') : (r.url ?? r.domain ?? ''), platformUserId: r.platformUserId ?? '', appStores: r.appStores,
    appVersions: r.appVersions, language: r.language, shortDescription: r.shortDescription, longDescription: r.longDescription, categoryTags: r.categoryTags,
    geoTags: r.geoTags, agencyIds: r.agencies.map((a) => a.id), contacts: r.contacts.map((c) => c.email),
  };
}

export function registryRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    const hide = { schema: { hide: true } };
    // the same for every signed-out visitor: may be kept a few seconds (platform/http/page-cache.ts)
    const publicPage = { ...hide, config: { pageCache: true } };
    // Whether the signed-in member reviews, read in the same query as their session (config.alongside).
    const reviewerQuery: Alongside = { name: 'registry-reviewer-alongside', sql: 'select exists (select 1 from registry_reviewers r where r.member_id = v.member_id) as reviewer', values: [] };
    const reviewerPage = { ...hide, config: { pageCache: true, alongside: () => reviewerQuery } };
    const csrf = { preHandler: app.csrfProtection, schema: { hide: true } };
    const platforms = new PlatformCache(ctx.pool);
    const deps = (): WorkflowDeps => ({ queue: ctx.queue, baseUrl: baseUrl(ctx) });

    /**
     * The home agency of an address's domain, from the .gov registry and the agency list: the same
     * for everyone at that domain, so kept a few seconds (ctx.recent) under the domain alone.
     */
    const homeAgencyOf = (email: string, agencies: Agency[]) => {
      const parsed = parseAddress(email);
      if (!parsed.ok) return Promise.resolve(undefined);
      return ctx.recent(`registry-home-agency:${parsed.domain}`, () => memberHomeAgency(ctx.pool, email, agencies));
    };
    async function viewerOf(req: FastifyRequest, agencies?: Agency[]): Promise<RegistryViewer | undefined> {
      if (!req.viewer) return undefined;
      // read with the session on pages that ask (reviewerPage); a site admin always reviews
      const reviewer = req.alongside !== undefined ? req.viewer.siteAdmin || req.alongside?.reviewer === true : undefined;
      return registryViewer(ctx.pool, req.viewer, agencies, homeAgencyOf, reviewer);
    }
    async function requireViewer(req: FastifyRequest, agencies?: Agency[]): Promise<RegistryViewer> {
      if (!req.viewer) throw new SignInRequiredError('Sign in to register or change records.');
      return registryViewer(ctx.pool, req.viewer, agencies);
    }
    /** The agencies a viewer may choose as sponsors: their own (and those under it), or all for reviewers. */
    function choosable(all: Agency[], v: RegistryViewer, extra: number[] = []): Agency[] {
      return v.reviewer ? all : all.filter((a) => v.agencyIds.has(a.id) || extra.includes(a.id));
    }
    async function recordFor(req: FastifyRequest, id: string, v: RegistryViewer | undefined): Promise<RegistryRecord> {
      const r = await getRecord(ctx.pool, Number(id));
      if (!r || !canSee(v, r)) throw new NotFoundError('There is no registry record at this address. It may not be published yet.');
      return r;
    }
    async function showRecord(req: FastifyRequest, reply: FastifyReply, r: RegistryRecord, v: RegistryViewer | undefined, extra: { notice?: string; error?: string } = {}, status = 200) {
      const editor = v ? canEdit(v, r) : false;
      return sendPage(reply, RecordPage({
        site: siteFor(ctx, req), r, actions: allowedActions(v, r), canEdit: editor && r.status !== 'archived', showContacts: Boolean(v),
        history: editor ? await recordHistory(ctx.pool, r.id) : undefined, csrf: reply.generateCsrf(), ...extra,
      }), status);
    }

    app.get<{ Querystring: Record<string, string | undefined> }>('/registry', reviewerPage, async (req, reply) => {
      const q = req.query;
      const values: SearchValues = { q: (q.q ?? '').slice(0, 200), agency: q.agency ?? '', platform: q.platform ?? '', tag: q.tag ?? '', language: (q.language ?? '').slice(0, 20) };
      const page = Math.max(1, Math.min(100_000, Number.parseInt(q.page ?? '1', 10) || 1));
      // Published records and the choices are the same for every visitor: a few seconds old at most.
      const { all, found, tags } = await ctx.recent(`registry-home:${JSON.stringify([values, page])}`, async () => ({
        all: await listAgencies(ctx.pool),
        found: await searchRecords(ctx.pool, {
          q: values.q, page, pageSize: 20,
          ...(values.agency ? { agencies: [values.agency] } : {}), ...(values.platform ? { platforms: [values.platform] } : {}),
          ...(values.tag ? { tags: [values.tag] } : {}), ...(values.language ? { language: values.language } : {}),
        }),
        tags: await publicTags(ctx.pool),
      }));
      const v = await viewerOf(req, all);
      const pageLink = (n: number) => `/registry?${new URLSearchParams({ ...Object.fromEntries(Object.entries(values).filter(([, x]) => x)), page: String(n) }).toString()}`;
      return sendPage(reply, RegistryHomePage({
        site: siteFor(ctx, req), values, agencies: all, platforms: await platforms.get(), tags, records: found.records,
        total: found.total, page: found.page, pageSize: found.pageSize, pageLink, canRegister: Boolean(v && (v.agencyIds.size || v.reviewer)), reviewer: Boolean(v?.reviewer),
      }));
    });

    app.get<{ Querystring: { url?: string } }>('/registry/verify', publicPage, async (req, reply) => {
      const url = (req.query.url ?? '').trim().slice(0, 2000);
      if (!url) return sendPage(reply, VerifyPage({ site: siteFor(ctx, req), url, error: 'Enter the address of the account, such as https://x.com/USAGov.' }), 400);
      const result = await verifyAccount(ctx.pool, await platforms.get(), url);
      if (!result.ok) return sendPage(reply, VerifyPage({ site: siteFor(ctx, req), url, error: result.message }), 400);
      return sendPage(reply, VerifyPage({ site: siteFor(ctx, req), url, answer: result.answer }));
    });

    app.get<{ Params: { id: string }; Querystring: { done?: string } }>('/registry/records/:id', reviewerPage, async (req, reply) => {
      const v = await viewerOf(req);
      const r = await recordFor(req, req.params.id, v);
      const notice = req.query.done ? NOTICES[req.query.done] : undefined;
      return showRecord(req, reply, r, v, notice ? { notice } : {});
    });

    app.get<{ Querystring: { kind?: string } }>('/registry/new', hide, async (req, reply) => {
      const all = await listAgencies(ctx.pool);
      const v = await requireViewer(req, all);
      if (!v.reviewer && !v.agencyIds.size) throw new ForbiddenError('Only members whose email address belongs to a government agency the registry lists can register records. If your agency is missing, ask a registry reviewer to add it.');
      const kind = RECORD_KINDS.includes(req.query.kind as RecordKind) ? (req.query.kind as RecordKind) : 'account';
      const values = { ...emptyInput(kind), contacts: [v.email], agencyIds: v.homeAgencyId ? [v.homeAgencyId] : [] };
      return sendPage(reply, RecordFormPage({ site: siteFor(ctx, req), kind, values, errors: {}, agencies: choosable(all, v), csrf: reply.generateCsrf(), action: '/registry/new' }));
    });

    app.post('/registry/new', csrf, async (req, reply) => {
      const all = await listAgencies(ctx.pool);
      const v = await requireViewer(req, all);
      const kindField = field(req.body, 'kind');
      const kind = RECORD_KINDS.includes(kindField as RecordKind) ? (kindField as RecordKind) : 'account';
      const input = formInput(req.body, kind);
      const submit = field(req.body, 'intent') !== 'draft';
      const saved = await createRecord(ctx.pool, deps(), actorOf(req), v, input, { submit });
      if (!saved.ok) {
        return sendPage(reply, RecordFormPage({ site: siteFor(ctx, req), kind, values: input, errors: saved.errors, agencies: choosable(all, v), csrf: reply.generateCsrf(), action: '/registry/new' }), 400);
      }
      return reply.redirect(`/registry/records/${saved.record.id}?done=${submit ? 'submitted' : 'created'}`, 303);
    });

    app.get<{ Params: { id: string } }>('/registry/records/:id/edit', hide, async (req, reply) => {
      const all = await listAgencies(ctx.pool);
      const v = await requireViewer(req, all);
      const r = await recordFor(req, req.params.id, v);
      if (!canEdit(v, r)) throw new ForbiddenError('Only members of the sponsoring agency and registry reviewers can change this record.');
      return sendPage(reply, RecordFormPage({ site: siteFor(ctx, req), kind: r.kind, values: inputOf(r), errors: {}, agencies: choosable(all, v, r.agencies.map((a) => a.id)), csrf: reply.generateCsrf(), action: `/registry/records/${r.id}/edit`, editing: r }));
    });

    app.post<{ Params: { id: string } }>('/registry/records/:id/edit', csrf, async (req, reply) => {
      const all = await listAgencies(ctx.pool);
      const v = await requireViewer(req, all);
      const r = await recordFor(req, req.params.id, v);
      const input = formInput(req.body, r.kind);
      let saved;
      try {
        saved = await updateRecord(ctx.pool, deps(), actorOf(req), v, r.id, input);
      } catch (err) {
        if (err instanceof WorkflowError && err.code === 'FORBIDDEN') throw new ForbiddenError(err.message);
        throw err;
      }
      if (!saved.ok) {
        return sendPage(reply, RecordFormPage({ site: siteFor(ctx, req), kind: r.kind, values: input, errors: saved.errors as FieldErrors, agencies: choosable(all, v, r.agencies.map((a) => a.id)), csrf: reply.generateCsrf(), action: `/registry/records/${r.id}/edit`, editing: r }), 400);
      }
      const back = saved.record.status === 'submitted' && r.status !== 'submitted';
      return reply.redirect(`/registry/records/${r.id}?done=${back ? 'back-to-review' : 'saved'}`, 303);
    });

    app.post<{ Params: { id: string; action: string } }>('/registry/records/:id/:action', csrf, async (req, reply) => {
      const v = await requireViewer(req);
      const r = await recordFor(req, req.params.id, v);
      const action = req.params.action as RecordAction;
      if (!RECORD_ACTIONS.includes(action)) throw new NotFoundError('There is no such action on a registry record.');
      try {
        await changeStatus(ctx.pool, deps(), actorOf(req), v, r.id, action, field(req.body, 'reason', 2000));
      } catch (err) {
        if (!(err instanceof WorkflowError)) throw err;
        if (err.code === 'FORBIDDEN') throw new ForbiddenError(err.message);
        return showRecord(req, reply, r, v, { error: err.message }, err.code === 'REASON_REQUIRED' ? 400 : 409);
      }
      return reply.redirect(`/registry/records/${r.id}?done=${action}`, 303);
    });

    app.get('/registry/manage', hide, async (req, reply) => {
      const all = await listAgencies(ctx.pool);
      const v = await requireViewer(req, all);
      const ids = [...v.agencyIds];
      const statuses = ['draft', 'submitted', 'published', 'archive-requested'] as const;
      const found = ids.length ? await searchRecords(ctx.pool, { sponsoredBy: ids, statuses: [...statuses], pageSize: 500 }) : { records: [] };
      const home = all.find((a) => a.id === v.homeAgencyId);
      return sendPage(reply, RecordListPage({
        site: siteFor(ctx, req), title: 'Your agency’s records',
        intro: home ? `Records sponsored by ${home.path} and the offices under it. You can register new ones and change these.` : 'Your email address does not belong to an agency the registry lists, so you can’t register records. Ask a registry reviewer if your agency is missing.',
        links: home ? [{ href: '/registry/new?kind=account', label: 'Register an account' }, { href: '/registry/new?kind=app', label: 'Register a mobile app' }, { href: '/registry/new?kind=website', label: 'Register a website' }] : [],
        sections: statuses.map((s) => ({ heading: { draft: 'Drafts', submitted: 'Waiting for review', published: 'Published', 'archive-requested': 'Archive requested' }[s], records: found.records.filter((r) => r.status === s), empty: 'None.' })),
      }));
    });

    app.get('/registry/review', hide, async (req, reply) => {
      const v = await requireViewer(req);
      if (!v.reviewer) throw new ForbiddenError('Only registry reviewers can see the review queue.');
      const [submitted, archive, due] = await Promise.all([
        searchRecords(ctx.pool, { statuses: ['submitted'], pageSize: 500 }),
        searchRecords(ctx.pool, { statuses: ['archive-requested'], pageSize: 500 }),
        searchRecords(ctx.pool, { statuses: ['published', 'archive-requested'], reviewDue: true, pageSize: 500 }),
      ]);
      return sendPage(reply, RecordListPage({
        site: siteFor(ctx, req), title: 'Review queue', intro: 'Records waiting for a reviewer: publish or reject new ones, archive on request, and confirm the ones due for their regular review.',
        links: [{ href: '/registry/new?kind=account', label: 'Register an account' }],
        sections: [
          { heading: 'Waiting for review', records: submitted.records, empty: 'Nothing is waiting.' },
          { heading: 'Archive requested', records: archive.records, empty: 'No requests.' },
          { heading: 'Due for regular review', records: due.records, empty: 'Every published record was reviewed recently.' },
        ],
      }));
    });
  };
}
