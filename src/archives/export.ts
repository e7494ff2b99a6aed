/** Exporting a list's archive as mboxrd (gzip-compressed by the caller), oldest first. */
import type { Queryable } from '../platform/db/queryable.ts';
import { mboxrdEntry } from './mbox.ts';

export interface ExportRange {
  listId: number;
  from?: Date;
  to?: Date;
}

/** How many posts a range holds (so an empty export can be refused with a clear message). */
export async function countPosts(db: Queryable, r: ExportRange): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'select count(*)::int as n from posts where list_id = $1 and ($2::timestamptz is null or sent_at >= $2) and ($3::timestamptz is null or sent_at < $3)',
    [r.listId, r.from ?? null, r.to ?? null],
  );
  return rows[0]!.n;
}

/** The posts of a range as mboxrd entries, as received (before list decoration), in batches. */
export async function* mboxrdChunks(db: Queryable, r: ExportRange): AsyncGenerator<Buffer> {
  let after: { sentAt: Date; id: number } | null = null;
  for (;;) {
    const result: { rows: Array<{ id: number; sent_at: Date; from_address: string; raw: Buffer }> } = await db.query(
      `select id, sent_at, from_address, raw from posts
       where list_id = $1 and ($2::timestamptz is null or sent_at >= $2) and ($3::timestamptz is null or sent_at < $3)
         and ($4::timestamptz is null or (sent_at, id) > ($4, $5))
       order by sent_at, id limit 200`,
      [r.listId, r.from ?? null, r.to ?? null, after?.sentAt ?? null, after?.id ?? 0],
    );
    const rows = result.rows;
    if (!rows.length) return;
    yield Buffer.concat(rows.map((p) => mboxrdEntry(p.raw, p.from_address, p.sent_at)));
    const last: { id: number; sent_at: Date } = rows[rows.length - 1]!;
    after = { sentAt: last.sent_at, id: Number(last.id) };
  }
}
