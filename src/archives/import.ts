/**
 * Importing an existing archive (an mbox from LISTSERV, Mailman or a mail program) into a list:
 * all or nothing (one transaction), and idempotent by Message-ID — importing the same file again,
 * or a file that overlaps what the list already has, adds only the messages that are new.
 */
import type pg from 'pg';
import type { Actor } from '../platform/audit.ts';
import { recordAudit } from '../platform/audit.ts';
import { inTransaction } from '../platform/db/queryable.ts';
import type { List } from '../lists/index.ts';
import { archivePosts } from './archiver.ts';
import { mboxBytes, splitMbox } from './mbox.ts';
import { parseMessage, type ParsedMessage } from './message.ts';

export interface ImportReport {
  /** Messages in the file. */
  found: number;
  imported: number;
  /** Already in the list (or twice in the file): skipped. */
  duplicates: number;
  /** Messages with no usable date, dated by their "From " line or the import time. */
  undated: number;
  firstNumber: number | null;
  lastNumber: number | null;
}

export type ImportProgress = (stage: 'reading' | 'saving' | 'threading', done: number, total: number) => void;

interface Incoming {
  raw: Buffer;
  parsed: ParsedMessage;
  messageId: string;
  inReplyTo: string | null;
  references: string[];
  subject: string;
  fromAddress: string;
  fromName: string | null;
  sentAt: Date;
}

/** Import the messages of an mbox (plain or gzip) file's bytes into a list. */
export async function importMbox(
  pool: pg.Pool,
  list: List,
  data: Buffer,
  actor: Actor,
  progress: ImportProgress = () => undefined,
  label = 'mbox',
): Promise<ImportReport> {
  const messages = splitMbox(mboxBytes(data));
  const now = new Date();
  let undated = 0;
  const parsed: Incoming[] = [];
  for (const [i, m] of messages.entries()) {
    const p = await parseMessage(m.raw);
    const sentAt = p.date ?? m.separatorDate ?? now;
    if (!p.date) undated++;
    parsed.push({
      raw: m.raw,
      parsed: p,
      messageId: p.messageId,
      inReplyTo: p.inReplyTo,
      references: p.references,
      subject: p.subject,
      fromAddress: p.fromAddress,
      fromName: p.fromName,
      sentAt,
    });
    if (i % 25 === 0 || i === messages.length - 1) progress('reading', i + 1, messages.length);
  }
  return importParsed(pool, list, parsed, actor, progress, { label, undated });
}

async function importParsed(
  pool: pg.Pool,
  list: List,
  parsed: Incoming[],
  actor: Actor,
  progress: ImportProgress,
  info: { label: string; undated: number },
): Promise<ImportReport> {
  return inTransaction(pool, async (tx) => {
    // Locks the list row: numbering cannot interleave with posts accepted meanwhile.
    await tx.query('select 1 from lists where id = $1 for update', [list.id]);
    const ids = [...new Set(parsed.map((p) => p.messageId))];
    const existing = new Set<string>();
    for (let i = 0; i < ids.length; i += 5000) {
      const { rows } = await tx.query<{ message_id: string }>('select message_id from posts where list_id = $1 and message_id = any($2::text[])', [
        list.id,
        ids.slice(i, i + 5000),
      ]);
      for (const r of rows) existing.add(r.message_id);
    }
    const fresh: Incoming[] = [];
    for (const p of parsed) {
      if (existing.has(p.messageId)) continue;
      existing.add(p.messageId);
      fresh.push(p);
    }
    fresh.sort((a, b) => a.sentAt.getTime() - b.sentAt.getTime());
    const report: ImportReport = {
      found: parsed.length,
      imported: fresh.length,
      duplicates: parsed.length - fresh.length,
      undated: info.undated,
      firstNumber: null,
      lastNumber: null,
    };
    if (!fresh.length) return report;

    const { rows } = await tx.query<{ post_count: number }>(
      'update lists set post_count = post_count + $2, updated_at = now() where id = $1 returning post_count',
      [list.id, fresh.length],
    );
    const first = Number(rows[0]!.post_count) - fresh.length + 1;
    const postIds: number[] = [];
    const parsedById = new Map<number, ParsedMessage>();
    const BATCH = 200;
    for (let i = 0; i < fresh.length; i += BATCH) {
      const chunk = fresh.slice(i, i + BATCH);
      const values: unknown[] = [];
      const tuples = chunk.map((p, j) => {
        const raw = p.raw;
        values.push(first + i + j, p.messageId, p.inReplyTo, p.references, p.subject, p.fromAddress, p.fromName, p.sentAt, raw, raw.length);
        const b = j * 10;
        return `($${b + 1}::int, $${b + 2}::text, $${b + 3}::text, $${b + 4}::text[], $${b + 5}::text, $${b + 6}::text, $${b + 7}::text, $${b + 8}::timestamptz, $${b + 9}::bytea, $${b + 10}::int)`;
      });
      const inserted = await tx.query<{ id: number; number: number }>(
        `insert into posts (list_id, number, message_id, in_reply_to, refs, subject, from_address, from_name, member_id, sent_at, raw, decorated, size)
         select ${list.id}, v.n, v.mid, v.irt, v.refs, v.subject, v.addr, v.name,
                (select m.id from members m join memberships ms on ms.member_id = m.id and ms.community_id = ${list.communityId} where lower(m.email) = v.addr limit 1),
                v.sent, v.raw, v.raw, v.size
         from (values ${tuples.join(', ')}) as v (n, mid, irt, refs, subject, addr, name, sent, raw, size)
         order by v.n returning id, number`,
        values,
      );
      for (const r of inserted.rows) {
        postIds.push(Number(r.id));
        parsedById.set(Number(r.id), chunk[Number(r.number) - first - i]!.parsed);
      }
      progress('saving', Math.min(fresh.length, i + BATCH), fresh.length);
    }
    for (let i = 0; i < postIds.length; i += 100) {
      await archivePosts(tx, postIds.slice(i, i + 100), parsedById);
      progress('threading', Math.min(postIds.length, i + 100), postIds.length);
    }
    report.firstNumber = first;
    report.lastNumber = first + fresh.length - 1;
    await recordAudit(tx, actor, { action: 'archives.import', subjectType: 'list', subjectId: String(list.id), after: { file: info.label, ...report } });
    return report;
  });
}
