/**
 * Is this address an official government account? Only a published record that matches after
 * canonicalisation says yes. Unpublished records are invisible here; archived ones and handles an
 * agency gave up say no, with why; a handle whose platform user id differs from the one recorded
 * (a renamed handle taken over by someone else) says no.
 */
import type { Queryable } from '../platform/db/queryable.ts';
import { parseAccountAddress, type AccountKind, type ParseErrorCode, type Platform } from './platforms.ts';
import { RECORD_SELECT, toRecord, type RecordRow, type RegistryRecord } from './records.ts';

export type VerifyReason = 'registered' | 'not-registered' | 'archived' | 'former-handle' | 'user-id-mismatch';

export interface VerifyAnswer {
  verified: boolean;
  reason: VerifyReason;
  message: string;
  platform: { key: string; name: string };
  kind: AccountKind;
  account: string;
  canonicalUrl: string;
  /** published, or archived (when the account was registered and is archived). */
  status?: 'published' | 'archived';
  archivedAt?: Date;
  /** The matching record: the published one, the archived one, or the one that now holds the account under another handle. */
  record?: RegistryRecord;
}

export type VerifyResult = { ok: true; answer: VerifyAnswer } | { ok: false; code: ParseErrorCode | 'BAD_USER_ID'; message: string };

const LIVE = `('published', 'archive-requested')`;

/** `name` makes it a prepared statement: PostgreSQL plans the lookup once per connection, not per request. */
async function findOne(db: Queryable, name: string, where: string, params: unknown[]): Promise<RegistryRecord | undefined> {
  const { rows } = await db.query<RecordRow>({
    name: `registry-verify-${name}`,
    text: `${RECORD_SELECT} where ${where} order by (r.status = 'archived'), r.archived_at desc nulls last limit 1`,
    values: params,
  });
  return rows[0] ? toRecord(rows[0]) : undefined;
}

export async function verifyAccount(
  db: Queryable,
  platforms: Platform[],
  url: string,
  opts: { platformUserId?: string | undefined } = {},
): Promise<VerifyResult> {
  const parsed = parseAccountAddress(url, platforms);
  if (!parsed.ok) return { ok: false, code: parsed.code, message: parsed.message };
  const p = parsed.parsed;
  const claimedId = opts.platformUserId?.trim();
  if (claimedId !== undefined && !/^[A-Za-z0-9:._@-]{1,100}$/.test(claimedId)) {
    return {
      ok: false,
      code: 'BAD_USER_ID',
      message: 'user_id must be the platform’s user id for the account: letters, digits and : . _ @ - (at most 100), such as 1234567890.',
    };
  }
  const base = { platform: { key: p.platform.key, name: p.platform.name }, kind: p.kind, account: p.display, canonicalUrl: p.canonicalUrl };
  const statuses = `r.status in ('published', 'archive-requested', 'archived')`;
  const record =
    p.kind === 'user-id'
      ? await findOne(db, 'user-id', `r.kind = 'account' and r.platform_key = $1 and (r.platform_user_id = $2 or r.account_key = $3) and ${statuses}`, [
          p.platform.key,
          p.key,
          `id:${p.key}`,
        ])
      : await findOne(db, 'handle', `r.kind = 'account' and r.platform_key = $1 and r.account_key = $2 and ${statuses}`, [p.platform.key, p.key]);

  if (record && record.status !== 'archived') {
    if (claimedId && record.platformUserId && claimedId !== record.platformUserId) {
      return {
        ok: true,
        answer: {
          ...base,
          verified: false,
          reason: 'user-id-mismatch',
          status: 'published',
          record,
          message: `The handle ${p.display} is registered, but to the account with user id ${record.platformUserId}, not ${claimedId}. The agency may have renamed its account and someone else taken the handle: treat this account as unofficial.`,
        },
      };
    }
    return {
      ok: true,
      answer: {
        ...base,
        verified: true,
        reason: 'registered',
        status: 'published',
        record,
        message: `${p.display} on ${p.platform.name} is an official account of ${record.agencies.map((a) => a.name).join(', ')}.`,
      },
    };
  }
  if (record) {
    return {
      ok: true,
      answer: {
        ...base,
        verified: false,
        reason: 'archived',
        status: 'archived',
        archivedAt: record.archivedAt ?? record.updatedAt,
        record,
        message: `${p.display} on ${p.platform.name} was an official account of ${record.agencies.map((a) => a.name).join(', ')}, but it was archived${record.archivedAt ? ` on ${record.archivedAt.toISOString().slice(0, 10)}` : ''}. Treat it as unofficial now.`,
      },
    };
  }
  if (p.kind === 'handle') {
    const { rows } = await db.query<{ record_id: number }>({
      name: 'registry-verify-former',
      text: 'select record_id from registry_former_handles where platform_key = $1 and account_key = $2 order by replaced_at desc limit 1',
      values: [p.platform.key, p.key],
    });
    const current = rows[0] ? await findOne(db, 'by-id', `r.id = $1 and r.status in ${LIVE}`, [rows[0].record_id]) : undefined;
    if (current) {
      return {
        ok: true,
        answer: {
          ...base,
          verified: false,
          reason: 'former-handle',
          record: current,
          message: `${p.display} used to be an official account; the agency renamed it to ${current.account} (${current.url}). Whoever uses ${p.display} now is not verified.`,
        },
      };
    }
  }
  return {
    ok: true,
    answer: { ...base, verified: false, reason: 'not-registered', message: `${p.display} on ${p.platform.name} is not in the registry of official accounts.` },
  };
}
