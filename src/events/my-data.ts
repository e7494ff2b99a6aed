/** The events' part of "Download my data": a member's registrations, by member or by address. */
import type { MyDataSource } from '../platform/contributions.ts';

export const eventRegistrationsData: MyDataSource = {
  key: 'eventRegistrations',
  async collect(db, member) {
    const { rows } = await db.query(
      `select e.slug as event, e.title, o.starts_at, r.name, r.email, r.agency, r.status, r.needs_captions, r.needs_asl, r.accommodation_other,
              r.recording_consent, r.answers, r.attended, r.created_at, r.cancelled_at
         from event_registrations r join event_occurrences o on o.id = r.occurrence_id join events e on e.id = o.event_id
        where r.member_id = $1 or lower(r.email) = lower($2) order by r.created_at`,
      [member.id, member.email],
    );
    return rows;
  },
};
