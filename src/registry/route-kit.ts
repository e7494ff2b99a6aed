/** What the registry's pages share: reading the record form, options, who the viewer is to the registry, the record a page is about, the record page. Every change is a POST with CSRF. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../platform/audit.ts';
import { baseUrl, NotFoundError, formToken, sendPage, SignInRequiredError, siteFor, type Alongside, type AppContext } from '../platform/http/context.ts';
import { field } from '../web/forms.tsx';
import { canEdit, canSee, registryViewer, type RegistryViewer } from './access.ts';
import { memberHomeAgency, type Agency } from './agencies.ts';
import { parseAddress } from '../membership/index.ts';
import { APP_STORES, emptyInput, splitList, type RecordInput } from './record-input.ts';
import { getRecord, recordHistory, type RecordKind, type RegistryRecord } from './records.ts';
import { RecordPage } from './record-views.tsx';
import { allowedActions, type WorkflowDeps } from './workflow.ts';

export const NOTICES: Record<string, string> = {
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

export function actorOf(req: FastifyRequest): Actor {
  return { name: req.viewer?.email ?? 'anonymous', source: req.ip };
}

export function one(body: unknown, name: string): string[] {
  const v = body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return typeof v === 'string' ? [v] : [];
}

/** The record form's fields, as typed. */
export function formInput(body: unknown, kind: RecordKind): RecordInput {
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
  input.agencyIds = one(body, 'agencyIds')
    .map(Number)
    .filter((n) => Number.isSafeInteger(n) && n > 0);
  for (const s of APP_STORES) {
    const url = field(body, `store_${s.store}`, 2000);
    if (url) input.appStores.push({ store: s.store, url });
  }
  input.appVersions = field(body, 'appVersions', 2000)
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [platform = '', version = '', released] = l.split(/\s+/);
      return released ? { platform, version, released } : { platform, version };
    });
  return input;
}

export function inputOf(r: RegistryRecord): RecordInput {
  return {
    kind: r.kind,
    name: r.name,
    address: r.kind === 'account' ? (r.url ?? '') : (r.url ?? r.domain ?? ''),
    platformUserId: r.platformUserId ?? '',
    appStores: r.appStores,
    appVersions: r.appVersions,
    language: r.language,
    shortDescription: r.shortDescription,
    longDescription: r.longDescription,
    categoryTags: r.categoryTags,
    geoTags: r.geoTags,
    agencyIds: r.agencies.map((a) => a.id),
    contacts: r.contacts.map((c) => c.email),
  };
}

/** The route options and helpers every registry page plugin uses, bound to the platform's context. */
export function registryRouteKit(ctx: AppContext, app: FastifyInstance) {
  const hide = { schema: { hide: true } };
  // the same for every signed-out visitor: may be kept a few seconds (platform/http/page-cache.ts)
  const publicPage = { ...hide, config: { pageCache: true } };
  // Whether the signed-in member reviews, read in the same query as their session (config.alongside).
  const reviewerQuery: Alongside = {
    name: 'registry-reviewer-alongside',
    sql: 'select exists (select 1 from registry_reviewers r where r.member_id = v.member_id) as reviewer',
    values: [],
  };
  const reviewerPage = { ...hide, config: { pageCache: true, alongside: () => reviewerQuery } };
  /** What a member's home agency comes from: their address's domain (memberHomeAgency). */
  const homeAgencyKey = (req: FastifyRequest) => {
    const a = parseAddress(req.viewer?.email ?? '');
    return a.ok ? a.domain.toLowerCase() : '';
  };
  // The registry's home: for a member it depends on their standing, whether they review and their
  // address's domain (their home agency): kept for members with the same (page-cache.ts).
  const homePage = { ...hide, config: { ...reviewerPage.config, memberPageCache: homeAgencyKey } };
  const csrf = { preHandler: app.csrfProtection, schema: { hide: true } };
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
  async function showRecord(
    req: FastifyRequest,
    reply: FastifyReply,
    r: RegistryRecord,
    v: RegistryViewer | undefined,
    extra: { notice?: string; error?: string } = {},
    status = 200,
  ) {
    const editor = v ? canEdit(v, r) : false;
    return sendPage(
      reply,
      RecordPage({
        site: siteFor(ctx, req),
        r,
        actions: allowedActions(v, r),
        canEdit: editor && r.status !== 'archived',
        showContacts: Boolean(v),
        history: editor ? await recordHistory(ctx.pool, r.id) : undefined,
        csrf: formToken(reply),
        ...extra,
      }),
      status,
    );
  }

  return { hide, publicPage, reviewerPage, homePage, csrf, deps, viewerOf, requireViewer, choosable, recordFor, showRecord };
}
