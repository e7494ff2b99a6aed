/**
 * Mail queued with the change that asked for it: the message row and its delivery job are
 * written in one transaction, so a crash can neither lose the mail of a committed change nor
 * send mail for a change that rolled back. A `key` makes a message once-only across restarts.
 */
import type pg from 'pg';
import { inTransaction, type Queryable } from '../db/queryable.ts';
import type { Queue } from '../queue.ts';
import { MailSendError, type MailTransport, type OutgoingMail } from './transport.ts';

export const MAIL_JOB = 'mail.send';

function isPool(db: Queryable): db is pg.Pool {
  return typeof (db as pg.Pool).connect === 'function' && typeof (db as pg.Pool).totalCount === 'number';
}

/**
 * Queue `mail`. Returns false when a message with this `key` was queued before (nothing is
 * queued again). Pass a transaction client to tie the mail to that transaction.
 */
export async function queueMail(db: Queryable, queue: Queue, mail: OutgoingMail, opts: { key?: string } = {}): Promise<boolean> {
  if (isPool(db)) return inTransaction(db, (tx) => queueMail(tx, queue, mail, opts));
  const { rows } = await db.query<{ id: number }>('insert into mail_queue (key, message) values ($1, $2) on conflict (key) do nothing returning id', [
    opts.key ?? null,
    JSON.stringify(mail),
  ]);
  if (!rows[0]) return false;
  await queue.send(MAIL_JOB, { id: rows[0].id }, { db, retryLimit: 12, retryDelay: 60, retryBackoff: true });
  return true;
}

/** The worker's side: send one queued message unless it was sent already. */
export async function deliverQueuedMail(pool: pg.Pool, mail: MailTransport, id: number): Promise<'sent' | 'already-sent' | 'gone' | 'refused'> {
  const { rows } = await pool.query<{ message: OutgoingMail; sent_at: Date | null; failed_at: Date | null }>(
    'select message, sent_at, failed_at from mail_queue where id = $1',
    [id],
  );
  const row = rows[0];
  if (!row) return 'gone';
  if (row.sent_at || row.failed_at) return 'already-sent';
  try {
    await mail.send(row.message);
  } catch (err) {
    const permanent = err instanceof MailSendError && /\b5\d\d\b/.test(err.message);
    await pool.query(`update mail_queue set attempts = attempts + 1, last_error = $2, failed_at = case when $3 then now() else null end where id = $1`, [
      id,
      (err as Error).message.slice(0, 2000),
      permanent,
    ]);
    if (permanent) return 'refused';
    throw err; // the queue retries with backoff
  }
  await pool.query('update mail_queue set attempts = attempts + 1, sent_at = now(), last_error = null where id = $1', [id]);
  return 'sent';
}
