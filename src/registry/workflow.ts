/**
 * The registry's use cases: create and edit a record, and move it through
 * draft → submitted → published → archive requested → archived. Each runs in one transaction
 * with the record row locked, writes an audit row (the record's change history), and queues the
 * mail to contacts or reviewers in the same transaction (queueMail), so mail goes exactly when
 * the change commits.
 */
import type pg from 'pg';
import { recordAudit, type Actor } from '../platform/audit.ts';
import { inTransaction, type Queryable } from '../platform/db/queryable.ts';
import { queueMail } from '../platform/mail/queued.ts';
import type { OutgoingMail } from '../platform/mail/transport.ts';
import type { Queue } from '../platform/queue.ts';
import type { FieldErrors } from '../web/forms.tsx';
import { canEdit, reviewerAddresses, type RegistryViewer } from './access.ts';
import { listAgencies } from './agencies.ts';
import { archivedMail, archiveRequestedMail, publishedMail, rejectedMail, waitingForReviewMail } from './mails.ts';
import { listPlatforms } from './platform-store.ts';
import { checkRecordInput, type CleanRecord, type RecordInput } from './record-input.ts';
import { getRecord, type RecordStatus, type RegistryRecord } from './records.ts';

export interface WorkflowDeps {
  queue: Queue;
  /** The site's address, for links in mail. */
  baseUrl: string;
}

export type WorkflowErrorCode = 'NOT_FOUND' | 'FORBIDDEN' | 'WRONG_STATE' | 'REASON_REQUIRED';

export class WorkflowError extends Error {
  constructor(
    readonly code: WorkflowErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export type SaveResult = { ok: true; record: RegistryRecord } | { ok: false; errors: FieldErrors };

export function recordLink(deps: WorkflowDeps, id: number): string {
  return `${deps.baseUrl}/registry/records/${id}`;
}

async function mailAll(tx: Queryable, deps: WorkflowDeps, to: string[], make: (to: string) => OutgoingMail, key: string): Promise<void> {
  for (const address of new Set(to)) await queueMail(tx, deps.queue, make(address), { key: `${key}:${address.toLowerCase()}` });
}

/** What an audit row keeps of a record: everything a person could change. */
function snapshot(r: RegistryRecord): Record<string, unknown> {
  return {
    status: r.status,
    name: r.name,
    platform: r.platformKey,
    account: r.account,
    accountKey: r.accountKey,
    platformUserId: r.platformUserId,
    url: r.url,
    domain: r.domain,
    appStores: r.appStores,
    appVersions: r.appVersions,
    language: r.language,
    shortDescription: r.shortDescription,
    longDescription: r.longDescription,
    categoryTags: r.categoryTags,
    geoTags: r.geoTags,
    agencies: r.agencies.map((a) => a.name),
    contacts: r.contacts.map((c) => c.email),
    rejectionReason: r.rejectionReason,
    archiveReason: r.archiveReason,
  };
}

function uniqueViolation(err: unknown): string | undefined {
  const e = err as { code?: string; constraint?: string };
  return e.code === '23505' ? e.constraint : undefined;
}

async function writeLinks(tx: Queryable, id: number, c: CleanRecord): Promise<void> {
  await tx.query('delete from registry_record_agencies where record_id = $1', [id]);
  await tx.query('insert into registry_record_agencies (record_id, agency_id) select $1, unnest($2::bigint[])', [id, c.agencyIds]);
  await tx.query('delete from registry_record_contacts where record_id = $1', [id]);
  await tx.query('insert into registry_record_contacts (record_id, member_id) select $1, unnest($2::bigint[])', [id, c.contactIds]);
}

async function duplicateOf(db: Queryable, c: CleanRecord, except?: number): Promise<number | undefined> {
  const { rows } =
    c.kind === 'account'
      ? await db.query<{ id: number }>(
          `select id from registry_records where kind = 'account' and status <> 'archived' and platform_key = $1 and account_key = $2 and id <> $3`,
          [c.platformKey, c.accountKey, except ?? 0],
        )
      : c.kind === 'website'
        ? await db.query<{ id: number }>(`select id from registry_records where kind = 'website' and status <> 'archived' and domain = $1 and id <> $2`, [
            c.domain,
            except ?? 0,
          ])
        : { rows: [] };
  return rows[0] ? Number(rows[0].id) : undefined;
}

function duplicateError(id: number): FieldErrors {
  return { address: `This is already in the registry (record ${id}). Open /registry/records/${id} to change that record instead.` };
}

/** Check the input, then store a new record as a draft, or submit it for review at once. */
export async function createRecord(
  pool: pg.Pool,
  deps: WorkflowDeps,
  actor: Actor,
  viewer: RegistryViewer,
  input: RecordInput,
  opts: { submit: boolean; status?: RecordStatus; notify?: boolean } = { submit: false },
): Promise<SaveResult> {
  const agencies = await listAgencies(pool);
  const checked = await checkRecordInput(pool, input, await listPlatforms(pool), agencies, viewer.reviewer ? 'detailed' : 'uniform');
  if (!checked.ok) return checked;
  const c = checked.record;
  if (!viewer.reviewer && !c.agencyIds.some((id) => viewer.agencyIds.has(id))) {
    return { ok: false, errors: { agencyIds: 'You can register records only for the agency your email address belongs to. Choose your agency as a sponsor.' } };
  }
  const dup = await duplicateOf(pool, c);
  if (dup) return { ok: false, errors: duplicateError(dup) };
  // Only reviewers (and the CLI import, which runs as one) may create a record already published.
  const status: RecordStatus = opts.status && viewer.reviewer ? opts.status : opts.submit ? 'submitted' : 'draft';
  try {
    return await inTransaction(pool, async (tx) => {
      const { rows } = await tx.query<{ id: number }>(
        `insert into registry_records (kind, status, name, platform_key, account, account_key, platform_user_id, url, domain, app_stores, app_versions,
           language, short_description, long_description, category_tags, geo_tags, created_by, submitted_at, published_at, last_reviewed_at, archived_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
           case when $2 <> 'draft' then now() end, case when $2 in ('published', 'archived') then now() end,
           case when $2 in ('published', 'archived') then now() end, case when $2 = 'archived' then now() end)
         returning id`,
        [
          c.kind,
          status,
          c.name,
          c.platformKey,
          c.account,
          c.accountKey,
          c.platformUserId || null,
          c.url,
          c.domain,
          JSON.stringify(c.appStores),
          JSON.stringify(c.appVersions),
          c.language,
          c.shortDescription,
          c.longDescription,
          c.categoryTags,
          c.geoTags,
          actor.name,
        ],
      );
      const id = Number(rows[0]!.id);
      await writeLinks(tx, id, c);
      const record = (await getRecord(tx, id))!;
      await recordAudit(tx, actor, { action: 'registry.record.create', subjectType: 'registry-record', subjectId: String(id), after: snapshot(record) });
      if (status === 'submitted' && opts.notify !== false) {
        await mailAll(
          tx,
          deps,
          await reviewerAddresses(tx),
          (to) => waitingForReviewMail(to, record, actor.name, recordLink(deps, id)),
          `registry:${id}:submitted:${record.updatedAt.toISOString()}`,
        );
      }
      return { ok: true as const, record };
    });
  } catch (err) {
    if (uniqueViolation(err)) {
      const again = await duplicateOf(pool, c);
      if (again) return { ok: false, errors: duplicateError(again) };
    }
    throw err;
  }
}

/**
 * Change a record. When a member who is not a reviewer changes what a published record
 * identifies (address, platform user id, domain, sponsors), it goes back to review, so nobody can
 * point a verified record at another account without a reviewer. A changed handle is kept as a
 * former handle, so whoever takes the old one over is not verified.
 */
export async function updateRecord(
  pool: pg.Pool,
  deps: WorkflowDeps,
  actor: Actor,
  viewer: RegistryViewer,
  id: number,
  input: RecordInput,
): Promise<SaveResult> {
  const agencies = await listAgencies(pool);
  const checked = await checkRecordInput(pool, input, await listPlatforms(pool), agencies, viewer.reviewer ? 'detailed' : 'uniform');
  if (!checked.ok) return checked;
  const c = checked.record;
  try {
    return await inTransaction(pool, async (tx) => {
      await tx.query('select id from registry_records where id = $1 for update', [id]);
      const before = await getRecord(tx, id);
      if (!before) throw new WorkflowError('NOT_FOUND', `There is no registry record ${id}.`);
      if (!canEdit(viewer, before))
        throw new WorkflowError('FORBIDDEN', 'Only members of the sponsoring agency and registry reviewers can change this record.');
      if (!viewer.reviewer && !c.agencyIds.some((a) => viewer.agencyIds.has(a))) {
        return { ok: false as const, errors: { agencyIds: 'Keep your own agency among the sponsors; otherwise you could no longer change this record.' } };
      }
      if (c.kind !== before.kind)
        return { ok: false as const, errors: { kind: 'A record can’t change from one kind to another. Archive it and register the new one.' } };
      const dup = await duplicateOf(tx, c, id);
      if (dup) return { ok: false as const, errors: duplicateError(dup) };
      const identityChanged =
        c.url !== before.url ||
        c.accountKey !== before.accountKey ||
        (c.platformUserId || null) !== before.platformUserId ||
        c.domain !== before.domain ||
        [...c.agencyIds].sort().join() !==
          before.agencies
            .map((a) => a.id)
            .sort()
            .join();
      const backToReview = !viewer.reviewer && identityChanged && (before.status === 'published' || before.status === 'archive-requested');
      await tx.query(
        `update registry_records set name = $2, platform_key = $3, account = $4, account_key = $5, platform_user_id = $6, url = $7, domain = $8,
           app_stores = $9, app_versions = $10, language = $11, short_description = $12, long_description = $13, category_tags = $14, geo_tags = $15,
           status = case when $16 then 'submitted' else status end, submitted_at = case when $16 then now() else submitted_at end, updated_at = now()
         where id = $1`,
        [
          id,
          c.name,
          c.platformKey,
          c.account,
          c.accountKey,
          c.platformUserId || null,
          c.url,
          c.domain,
          JSON.stringify(c.appStores),
          JSON.stringify(c.appVersions),
          c.language,
          c.shortDescription,
          c.longDescription,
          c.categoryTags,
          c.geoTags,
          backToReview,
        ],
      );
      if (before.kind === 'account' && before.accountKey && before.accountKey !== c.accountKey && before.publishedAt) {
        await tx.query('insert into registry_former_handles (platform_key, account_key, record_id) values ($1, $2, $3) on conflict do nothing', [
          before.platformKey,
          before.accountKey,
          id,
        ]);
      }
      await writeLinks(tx, id, c);
      const after = (await getRecord(tx, id))!;
      await recordAudit(tx, actor, {
        action: 'registry.record.edit',
        subjectType: 'registry-record',
        subjectId: String(id),
        before: snapshot(before),
        after: snapshot(after),
      });
      if (backToReview) {
        await mailAll(
          tx,
          deps,
          await reviewerAddresses(tx),
          (to) => waitingForReviewMail(to, after, actor.name, recordLink(deps, id)),
          `registry:${id}:submitted:${after.updatedAt.toISOString()}`,
        );
      }
      return { ok: true as const, record: after };
    });
  } catch (err) {
    if (uniqueViolation(err)) {
      const again = await duplicateOf(pool, c, id);
      if (again) return { ok: false, errors: duplicateError(again) };
    }
    throw err;
  }
}

export type RecordAction = 'submit' | 'publish' | 'reject' | 'request-archive' | 'archive' | 'review';
export const RECORD_ACTIONS: RecordAction[] = ['submit', 'publish', 'reject', 'request-archive', 'archive', 'review'];

interface Transition {
  from: RecordStatus[];
  to: RecordStatus;
  /** Only reviewers; otherwise members of the sponsoring agency too. */
  reviewerOnly: boolean;
  reason: 'required' | 'optional' | 'none';
  label: string;
}

export const TRANSITIONS: Record<RecordAction, Transition> = {
  submit: { from: ['draft'], to: 'submitted', reviewerOnly: false, reason: 'none', label: 'Submit for review' },
  publish: { from: ['submitted'], to: 'published', reviewerOnly: true, reason: 'none', label: 'Publish' },
  reject: { from: ['submitted'], to: 'draft', reviewerOnly: true, reason: 'required', label: 'Reject' },
  'request-archive': { from: ['published'], to: 'archive-requested', reviewerOnly: false, reason: 'optional', label: 'Ask to archive' },
  archive: { from: ['published', 'archive-requested'], to: 'archived', reviewerOnly: true, reason: 'required', label: 'Archive' },
  review: { from: ['published'], to: 'published', reviewerOnly: true, reason: 'none', label: 'Mark as reviewed' },
};

/** The actions `viewer` may take on `record` now. */
export function allowedActions(viewer: RegistryViewer | undefined, record: RegistryRecord): RecordAction[] {
  if (!viewer || !canEdit(viewer, record)) return [];
  // Reviewers archive directly; asking them to ask themselves would be noise.
  return RECORD_ACTIONS.filter(
    (a) => TRANSITIONS[a].from.includes(record.status) && (viewer.reviewer ? a !== 'request-archive' : !TRANSITIONS[a].reviewerOnly),
  );
}

/** Move a record to its next state. */
export async function changeStatus(
  pool: pg.Pool,
  deps: WorkflowDeps,
  actor: Actor,
  viewer: RegistryViewer,
  id: number,
  action: RecordAction,
  reasonText = '',
): Promise<RegistryRecord> {
  const t = TRANSITIONS[action];
  const reason = reasonText.trim().slice(0, 2000);
  if (t.reason === 'required' && !reason)
    throw new WorkflowError(
      'REASON_REQUIRED',
      `Give a reason: the contacts read it. For example, “${action === 'reject' ? 'The address is a personal account, not the agency’s.' : 'The account was closed on 1 March.'}”`,
    );
  return inTransaction(pool, async (tx) => {
    await tx.query('select id from registry_records where id = $1 for update', [id]);
    const before = await getRecord(tx, id);
    if (!before) throw new WorkflowError('NOT_FOUND', `There is no registry record ${id}.`);
    if (!canEdit(viewer, before) || (t.reviewerOnly && !viewer.reviewer)) {
      throw new WorkflowError(
        'FORBIDDEN',
        t.reviewerOnly ? 'Only registry reviewers can do this.' : 'Only members of the sponsoring agency and registry reviewers can do this.',
      );
    }
    if (!t.from.includes(before.status)) {
      throw new WorkflowError(
        'WRONG_STATE',
        `This record is “${before.status}”; “${t.label}” works only on records that are ${t.from.join(' or ')}. Reload the page to see its current state.`,
      );
    }
    const sets: Record<RecordAction, string> = {
      submit: `submitted_at = now(), rejection_reason = null`,
      publish: `published_at = now(), last_reviewed_at = now(), review_due_at = null, review_reminded_at = null, rejection_reason = null`,
      reject: `rejection_reason = $3`,
      'request-archive': `archive_reason = nullif($3, '')`,
      archive: `archived_at = now(), archive_reason = $3`,
      review: `last_reviewed_at = now(), review_due_at = null, review_reminded_at = null`,
    };
    const usesReason = t.reason !== 'none';
    await tx.query(`update registry_records set status = $2, ${sets[action]}, updated_at = now() where id = $1`, usesReason ? [id, t.to, reason] : [id, t.to]);
    const after = (await getRecord(tx, id))!;
    await recordAudit(tx, actor, {
      action: `registry.record.${action}`,
      subjectType: 'registry-record',
      subjectId: String(id),
      before: { status: before.status },
      after: { status: after.status, ...(reason ? { reason } : {}) },
    });
    const link = recordLink(deps, id);
    const contacts = after.contacts.map((c) => c.email);
    const key = `registry:${id}:${action}:${after.updatedAt.toISOString()}`;
    if (action === 'submit') await mailAll(tx, deps, await reviewerAddresses(tx), (to) => waitingForReviewMail(to, after, actor.name, link), key);
    if (action === 'publish') await mailAll(tx, deps, contacts, (to) => publishedMail(to, after, link), key);
    if (action === 'reject') await mailAll(tx, deps, contacts, (to) => rejectedMail(to, after, reason, link), key);
    if (action === 'request-archive')
      await mailAll(tx, deps, await reviewerAddresses(tx), (to) => archiveRequestedMail(to, after, actor.name, reason, link), key);
    if (action === 'archive') await mailAll(tx, deps, contacts, (to) => archivedMail(to, after, reason, link), key);
    return after;
  });
}
