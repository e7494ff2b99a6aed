/**
 * "Page reviewed/updated": a published article whose last review is older than the configured
 * period gets one reminder mail to its content lead per review cycle. Marking the page reviewed
 * starts a new cycle (the once-only key includes the review date).
 */
import { DateTime } from '../platform/luxon.ts';
import type { Queryable } from '../platform/db/queryable.ts';
import { queueMail } from '../platform/mail/queued.ts';
import type { Queue } from '../platform/queue.ts';

export const REVIEW_JOB = 'library.review-reminders';

export interface DueReview {
  articleId: number;
  slug: string;
  title: string;
  reviewedAt: Date;
  leadEmail: string;
  leadName: string | null;
}

/** Published articles with a content lead, last reviewed more than `months` before `now`. */
export async function dueReviews(db: Queryable, now: Date, months: number): Promise<DueReview[]> {
  const cutoff = DateTime.fromJSDate(now, { zone: 'utc' }).minus({ months }).toJSDate();
  const { rows } = await db.query(
    `select a.id, a.slug, a.title, coalesce(a.reviewed_at, a.published_at) as reviewed_at, m.email, m.name
       from library_articles a join members m on m.id = a.content_lead_id
      where a.status = 'published' and coalesce(a.reviewed_at, a.published_at) < $1 order by reviewed_at`,
    [cutoff],
  );
  return rows.map((r) => ({ articleId: Number(r.id), slug: r.slug, title: r.title, reviewedAt: r.reviewed_at, leadEmail: r.email, leadName: r.name }));
}

/** Queue a reminder for every page due; returns how many were queued now (earlier ones are not sent again). */
export async function sendReviewReminders(
  db: Queryable,
  queue: Queue,
  opts: { now: Date; months: number; baseUrl: string; siteName: string },
): Promise<number> {
  let queued = 0;
  for (const d of await dueReviews(db, opts.now, opts.months)) {
    const reviewed = DateTime.fromJSDate(d.reviewedAt, { zone: 'utc' }).toFormat('LLLL d, yyyy');
    const link = `${opts.baseUrl}/library/articles/${d.slug}`;
    const sent = await queueMail(
      db,
      queue,
      {
        to: d.leadEmail,
        subject: `Please review “${d.title}”`,
        text: [
          `Hello${d.leadName ? ` ${d.leadName}` : ''},`,
          '',
          `You are the content lead of “${d.title}” on ${opts.siteName}. It was last reviewed on ${reviewed}, more than ${opts.months} months ago.`,
          '',
          'Please read it and check that it is still correct. If it is, sign in and select “Mark as reviewed” on the page. If it is out of date, edit it, or ask an editor to archive it.',
          '',
          link,
        ].join('\n'),
      },
      { key: `library-review:${d.articleId}:${d.reviewedAt.toISOString()}` },
    );
    if (sent) queued++;
  }
  return queued;
}
