/** The speakers bureau's part of "Download my data": a member's speaker profile and expert questions. */
import type { MyDataSource } from '../platform/contributions.ts';

export const speakerProfileData: MyDataSource = {
  key: 'speakerProfile',
  async collect(db, member) {
    const { rows } = await db.query('select formats, availability, active, created_at, updated_at from speakers where member_id = $1', [member.id]);
    return rows[0] ?? null;
  },
};

export const expertQuestionsData: MyDataSource = {
  key: 'expertQuestions',
  async collect(db, member) {
    const { rows } = await db.query(
      `select c.slug as community, q.topic, q.question, q.status, q.answer, q.created_at from consultations q join communities c on c.id = q.community_id
        where q.asker_id = $1 or q.expert_id = $1 order by q.created_at`,
      [member.id],
    );
    return rows;
  },
};
