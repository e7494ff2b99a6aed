/**
 * The registry's scheduled work: a published record nobody has reviewed for
 * REGISTRY_REVIEW_MONTHS goes back to the reviewers' queue (it stays published, so a real
 * account does not stop verifying because of paperwork), and its contacts are reminded every
 * REGISTRY_REMINDER_DAYS until someone reviews it.
 */
import { DateTime } from '../platform/luxon.ts';
import type pg from 'pg';
import { recordAudit, SYSTEM } from '../platform/audit.ts';
import { inTransaction } from '../platform/db/queryable.ts';
import type { WorkerContext } from '../platform/jobs.ts';
import { queueMail } from '../platform/mail/queued.ts';
import type { Queue } from '../platform/queue.ts';
import { reviewDueMail } from './mails.ts';
import { getRecord } from './records.ts';

export const REVIEW_JOB = 'registry.review-due';

export interface ReviewDueOptions {
  months: number;
  reminderDays: number;
  baseUrl: string;
}

/** Mark records due for review and remind their contacts. Returns how many were marked and reminded. */
export async function markDueForReview(pool: pg.Pool, queue: Queue, now: Date, opts: ReviewDueOptions): Promise<{ marked: number; reminded: number }> {
  const cutoff = DateTime.fromJSDate(now, { zone: 'utc' }).minus({ months: opts.months }).toJSDate();
  const remindBefore = DateTime.fromJSDate(now, { zone: 'utc' }).minus({ days: opts.reminderDays }).toJSDate();
  const due = await pool.query<{ id: number }>(
    `select id from registry_records where status in ('published', 'archive-requested') and review_due_at is null
       and coalesce(last_reviewed_at, published_at, created_at) <= $1 order by id`,
    [cutoff],
  );
  let marked = 0;
  for (const { id } of due.rows) {
    const changed = await inTransaction(pool, async (tx) => {
      const r = await tx.query('update registry_records set review_due_at = $2 where id = $1 and review_due_at is null', [id, now]);
      if (!r.rowCount) return false;
      await recordAudit(tx, SYSTEM, {
        action: 'registry.record.review-due',
        subjectType: 'registry-record',
        subjectId: String(id),
        after: { reviewDueAt: now.toISOString(), months: opts.months },
      });
      return true;
    });
    if (changed) marked++;
  }
  const remind = await pool.query<{ id: number; review_due_at: Date }>(
    `select id, review_due_at from registry_records where status in ('published', 'archive-requested') and review_due_at is not null
       and (review_reminded_at is null or review_reminded_at <= $1) order by id`,
    [remindBefore],
  );
  let reminded = 0;
  for (const row of remind.rows) {
    await inTransaction(pool, async (tx) => {
      const r = await getRecord(tx, Number(row.id));
      if (!r) return;
      // One reminder per record, contact and reminder period, even if the job runs twice.
      const period = Math.floor(DateTime.fromJSDate(now).diff(DateTime.fromJSDate(row.review_due_at), 'days').days / opts.reminderDays);
      for (const c of r.contacts) {
        await queueMail(tx, queue, reviewDueMail(c.email, r, opts.months, `${opts.baseUrl}/registry/records/${r.id}`), {
          key: `registry-review:${r.id}:${row.review_due_at.toISOString()}:${period}:${c.email.toLowerCase()}`,
        });
      }
      await tx.query('update registry_records set review_reminded_at = $2 where id = $1', [r.id, now]);
    });
    reminded++;
  }
  return { marked, reminded };
}

export async function registerRegistryJobs(w: WorkerContext): Promise<void> {
  await w.worker.work(REVIEW_JOB, async () => {
    const base = w.config.publicUrl ?? `http://${w.config.host}:${w.config.port}`;
    const result = await markDueForReview(w.pool, w.queue, new Date(), {
      months: w.config.registryReviewMonths,
      reminderDays: w.config.registryReminderDays,
      baseUrl: base,
    });
    if (result.marked || result.reminded) w.log('registry review check', result);
  });
  // Daily, early morning UTC.
  await w.worker.schedule(REVIEW_JOB, '17 5 * * *', { tz: 'UTC' });
}
