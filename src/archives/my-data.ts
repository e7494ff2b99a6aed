/** The archives' part of "Download my data": the threads a member muted and the files kept from their unfinished web posts. */
import type { MyDataSource } from '../platform/contributions.ts';

export const threadMutesData: MyDataSource = {
  key: 'mutedThreads',
  async collect(db, member) {
    const { rows } = await db.query(
      `select l.local_part as list, t.id as thread, t.subject, m.muted_at
         from thread_mutes m join archive_threads t on t.id = m.thread_id join lists l on l.id = m.list_id
        where m.member_id = $1 order by m.muted_at`,
      [member.id],
    );
    return rows;
  },
};

export const keptUploadsData: MyDataSource = {
  key: 'filesKeptForWebPosts',
  async collect(db, member) {
    // the files' names and sizes; their bytes are the member's own upload, kept at most a day
    const { rows } = await db.query(
      `select l.local_part as list, u.filename, u.content_type, octet_length(u.content) as bytes, u.created_at
         from web_post_uploads u join lists l on l.id = u.list_id
        where u.member_id = $1 order by u.created_at`,
      [member.id],
    );
    return rows;
  },
};
