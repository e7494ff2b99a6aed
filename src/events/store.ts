/**
 * Events in the database: save (create or change, audited), read, list, and keep each event's
 * occurrences in step with its rule. A series' sessions are stored ahead up to a horizon so each
 * has its own registrations and recording; a daily job moves the horizon on.
 */
import { randomUUID } from 'node:crypto';
import { DateTime } from '../platform/luxon.ts';
import { recordAudit, type Actor } from '../platform/audit.ts';
import type { Queryable } from '../platform/db/queryable.ts';
import type { EventFormat, EventInput, EventKind, Occurrence, Presenter, Question, StoredEvent } from './model.ts';
import { expandRule, parseRule } from './recurrence.ts';

/** How far ahead a series' sessions exist as rows (registrations need a row). */
export const SERIES_HORIZON_MONTHS = 12;

export class EventExistsError extends Error {
  readonly code = 'EVENT_EXISTS';
  constructor(readonly slug: string) {
    super(`An event with the web address name "${slug}" already exists. Choose another.`);
  }
}

const COLUMNS = `e.id, e.slug, e.uid, e.sequence, e.kind, e.status, e.title, e.deck, e.summary, e.kicker, e.body_md, e.time_zone,
  e.starts_at, e.ends_at, e.rrule, e.host, e.organizer, e.topics, e.format, e.venue_name, e.venue_room, e.venue_address,
  e.venue_city, e.venue_state, e.venue_zip, e.venue_map, e.platform, e.platform_other, e.join_url, e.captions_url,
  e.registration, e.external_registration_url, e.capacity, e.offer_hours, e.conduct_url, e.recorded, e.evaluation_url,
  e.questions, e.source, e.extra, e.created_at, e.updated_at,
  coalesce((select json_agg(json_build_object('id', c.id, 'slug', c.slug, 'title', coalesce(c.short_name, c.title)) order by c.title)
     from event_communities ec join communities c on c.id = ec.community_id where ec.event_id = e.id), '[]') as communities,
  (select json_build_object('id', g.id, 'slug', g.slug, 'name', g.name, 'communitySlug', gc.slug)
     from working_groups g join communities gc on gc.id = g.community_id where g.id = e.group_id) as group_info,
  coalesce((select json_agg(json_build_object('memberId', p.member_id, 'email', (select m.email from members m where m.id = p.member_id), 'authorSlug', p.author_slug, 'name', p.name, 'title', p.title, 'agency', p.agency) order by p.position)
     from event_presenters p where p.event_id = e.id), '[]') as presenters`;

/* eslint-disable @typescript-eslint/no-explicit-any */
function toEvent(r: any): StoredEvent {
  const opt = (v: string | null) => v ?? undefined;
  const presenters: Presenter[] = (r.presenters as any[]).map((p) => {
    const out: Presenter = { name: p.name };
    if (p.memberId) out.memberId = Number(p.memberId);
    if (p.email) out.email = p.email;
    if (p.authorSlug) out.authorSlug = p.authorSlug;
    if (p.title) out.title = p.title;
    if (p.agency) out.agency = p.agency;
    return out;
  });
  const communities = (r.communities as any[]).map((c) => ({ id: Number(c.id), slug: c.slug as string, title: c.title as string }));
  const e: StoredEvent = {
    id: Number(r.id),
    slug: r.slug,
    uid: r.uid,
    sequence: r.sequence,
    kind: r.kind as EventKind,
    status: r.status,
    title: r.title,
    body: r.body_md,
    timeZone: r.time_zone,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    topics: r.topics,
    format: r.format as EventFormat,
    venue: {},
    registration: r.registration,
    recorded: r.recorded,
    questions: r.questions as Question[],
    communityIds: communities.map((c) => c.id),
    communities,
    presenters,
    extra: r.extra,
    source: r.source,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
  const set = <K extends keyof StoredEvent>(k: K, v: StoredEvent[K] | undefined | null) => {
    if (v !== undefined && v !== null) e[k] = v;
  };
  set('deck', opt(r.deck));
  set('summary', opt(r.summary));
  set('kicker', opt(r.kicker));
  set('rrule', opt(r.rrule));
  set('host', opt(r.host));
  set('organizer', opt(r.organizer));
  set('platform', r.platform ?? undefined);
  set('platformOther', opt(r.platform_other));
  set('joinUrl', opt(r.join_url));
  set('captionsUrl', opt(r.captions_url));
  set('externalRegistrationUrl', opt(r.external_registration_url));
  set('capacity', r.capacity ?? undefined);
  set('offerHours', r.offer_hours ?? undefined);
  set('conductUrl', opt(r.conduct_url));
  set('evaluationUrl', opt(r.evaluation_url));
  if (r.group_info) {
    e.groupId = Number(r.group_info.id);
    e.group = { id: Number(r.group_info.id), slug: r.group_info.slug, name: r.group_info.name, communitySlug: r.group_info.communitySlug };
  }
  const venue = {
    name: r.venue_name,
    room: r.venue_room,
    address: r.venue_address,
    city: r.venue_city,
    state: r.venue_state,
    zip: r.venue_zip,
    map: r.venue_map,
  };
  for (const [k, v] of Object.entries(venue)) if (v) (e.venue as Record<string, string>)[k] = v;
  return e;
}

function toOccurrence(r: any): Occurrence {
  const recording: Occurrence['recording'] = {};
  if (r.recording_url) recording.url = r.recording_url;
  if (r.youtube_id) recording.youtubeId = r.youtube_id;
  if (r.recording_title) recording.title = r.recording_title;
  if (r.transcript_md) recording.transcript = r.transcript_md;
  if (r.slides_url) recording.slidesUrl = r.slides_url;
  const o: Occurrence = {
    id: Number(r.id),
    eventId: Number(r.event_id),
    originalStart: r.original_start,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    status: r.status,
    recording,
  };
  if (r.note) o.note = r.note;
  return o;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

export async function findEvent(db: Queryable, slug: string): Promise<StoredEvent | undefined> {
  const { rows } = await db.query(`select ${COLUMNS} from events e where e.slug = $1`, [slug]);
  return rows[0] ? toEvent(rows[0]) : undefined;
}

export async function findEventById(db: Queryable, id: number): Promise<StoredEvent | undefined> {
  const { rows } = await db.query(`select ${COLUMNS} from events e where e.id = $1`, [id]);
  return rows[0] ? toEvent(rows[0]) : undefined;
}

export async function eventSlugs(db: Queryable): Promise<Set<string>> {
  const { rows } = await db.query<{ slug: string }>('select slug from events');
  return new Set(rows.map((r) => r.slug));
}

function columnValues(input: EventInput): unknown[] {
  const v = input.venue;
  return [
    input.slug,
    input.kind,
    input.status,
    input.title,
    input.deck ?? null,
    input.summary ?? null,
    input.kicker ?? null,
    input.body,
    input.timeZone,
    input.startsAt,
    input.endsAt,
    input.rrule ?? null,
    input.host ?? null,
    input.organizer ?? null,
    input.topics,
    input.format,
    v.name ?? null,
    v.room ?? null,
    v.address ?? null,
    v.city ?? null,
    v.state ?? null,
    v.zip ?? null,
    v.map ?? null,
    input.platform ?? null,
    input.platformOther ?? null,
    input.joinUrl ?? null,
    input.captionsUrl ?? null,
    input.registration,
    input.externalRegistrationUrl ?? null,
    input.capacity ?? null,
    input.offerHours ?? null,
    input.conductUrl ?? null,
    input.recorded,
    input.evaluationUrl ?? null,
    JSON.stringify(input.questions),
    JSON.stringify(input.extra),
  ];
}

const FIELD_LIST = `slug, kind, status, title, deck, summary, kicker, body_md, time_zone, starts_at, ends_at, rrule, host, organizer, topics,
  format, venue_name, venue_room, venue_address, venue_city, venue_state, venue_zip, venue_map, platform, platform_other, join_url,
  captions_url, registration, external_registration_url, capacity, offer_hours, conduct_url, recorded, evaluation_url, questions, extra`;

async function saveLinks(db: Queryable, id: number, input: EventInput): Promise<void> {
  if (input.groupId !== undefined) await db.query('update events set group_id = $2 where id = $1', [id, input.groupId]);
  await db.query('delete from event_communities where event_id = $1', [id]);
  for (const c of new Set(input.communityIds)) await db.query('insert into event_communities (event_id, community_id) values ($1, $2)', [id, c]);
  await db.query('delete from event_presenters where event_id = $1', [id]);
  for (const [i, p] of input.presenters.entries()) {
    await db.query('insert into event_presenters (event_id, position, member_id, author_slug, name, title, agency) values ($1,$2,$3,$4,$5,$6,$7)', [
      id,
      i,
      p.memberId ?? null,
      p.authorSlug ?? null,
      p.name,
      p.title ?? null,
      p.agency ?? null,
    ]);
  }
}

/** Create an event and its occurrences (in the caller's transaction), audited. */
export async function createEvent(
  db: Queryable,
  actor: Actor,
  input: EventInput,
  opts: { source: 'web' | 'import' | 'cli'; now?: Date },
): Promise<StoredEvent> {
  const exists = await db.query('select 1 from events where slug = $1', [input.slug]);
  if (exists.rows.length) throw new EventExistsError(input.slug);
  const placeholders = columnValues(input)
    .map((_, i) => `$${i + 1}`)
    .join(', ');
  const { rows } = await db.query<{ id: string }>(`insert into events (${FIELD_LIST}, uid, source) values (${placeholders}, $37, $38) returning id`, [
    ...columnValues(input),
    `${randomUUID()}@socialgov`,
    opts.source,
  ]);
  const id = Number(rows[0]!.id);
  await saveLinks(db, id, input);
  await syncOccurrences(db, id, opts.now ?? new Date());
  if (input.recording && !input.rrule) {
    const r = input.recording;
    await db.query(
      'update event_occurrences set recording_url = $2, youtube_id = $3, recording_title = $4, transcript_md = $5, slides_url = $6 where event_id = $1',
      [id, r.url ?? null, r.youtubeId ?? null, r.title ?? null, r.transcript ?? null, r.slidesUrl ?? null],
    );
  }
  await recordAudit(db, actor, { action: `event.create.${opts.source}`, subjectType: 'event', subjectId: input.slug, after: input });
  return (await findEventById(db, id))!;
}

/** What registrants see: a change to any of these raises the iCalendar SEQUENCE and mails them. */
export function registrantsShouldKnow(before: StoredEvent, after: EventInput): string[] {
  const changed: string[] = [];
  if (before.startsAt.getTime() !== after.startsAt.getTime() || before.endsAt.getTime() !== after.endsAt.getTime() || before.timeZone !== after.timeZone)
    changed.push('time');
  if ((before.rrule ?? '') !== (after.rrule ?? '')) changed.push('schedule');
  if (JSON.stringify(before.venue) !== JSON.stringify(after.venue) || before.format !== after.format) changed.push('place');
  if ((before.joinUrl ?? '') !== (after.joinUrl ?? '') || (before.platform ?? '') !== (after.platform ?? '')) changed.push('join link');
  if (before.title !== after.title) changed.push('title');
  if (before.status !== after.status && after.status === 'cancelled') changed.push('cancelled');
  if (before.status === 'cancelled' && after.status === 'published') changed.push('status (the event is back on)');
  return changed;
}

/** Change an event (in the caller's transaction), audited; returns what registrants should hear about. */
export async function updateEvent(
  db: Queryable,
  actor: Actor,
  before: StoredEvent,
  input: EventInput,
  now = new Date(),
): Promise<{ event: StoredEvent; changes: string[] }> {
  if (input.slug !== before.slug) {
    const taken = await db.query('select 1 from events where slug = $1', [input.slug]);
    if (taken.rows.length) throw new EventExistsError(input.slug);
  }
  const changes = registrantsShouldKnow(before, input);
  const values = columnValues(input);
  const sets = FIELD_LIST.split(',')
    .map((f, i) => `${f.trim()} = $${i + 2}`)
    .join(', ');
  await db.query(`update events set ${sets}, sequence = sequence + $${values.length + 2}, updated_at = now() where id = $1`, [
    before.id,
    ...values,
    changes.length ? 1 : 0,
  ]);
  await saveLinks(db, before.id, input);
  await syncOccurrences(db, before.id, now);
  const { id: _id, uid: _uid, sequence: _seq, communities: _c, createdAt: _ca, updatedAt: _ua, source: _s, ...old } = before;
  await recordAudit(db, actor, { action: 'event.update', subjectType: 'event', subjectId: input.slug, before: old, after: input });
  return { event: (await findEventById(db, before.id))!, changes };
}

/** Raise the SEQUENCE (a session moved or was cancelled): calendars then take the new version. */
export async function bumpSequence(db: Queryable, eventId: number): Promise<void> {
  await db.query('update events set sequence = sequence + 1, updated_at = now() where id = $1', [eventId]);
}

/**
 * Bring an event's occurrence rows in line with its times and rule: add sessions up to the
 * horizon, follow a changed time of day (matching by local date, so registrations stay with
 * their session), and drop future sessions the rule no longer gives (cancelling those with
 * registrations). New sessions of a series get rows for people registered to every session.
 */
export async function syncOccurrences(db: Queryable, eventId: number, now: Date): Promise<number[]> {
  const e = await findEventById(db, eventId);
  if (!e) return [];
  const duration = e.endsAt.getTime() - e.startsAt.getTime();
  const horizon = DateTime.fromJSDate(e.startsAt > now ? e.startsAt : now)
    .plus({ months: SERIES_HORIZON_MONTHS })
    .toJSDate();
  const starts = e.rrule ? expandRule(parseRule(e.rrule, e.timeZone), e.startsAt, e.timeZone, horizon) : [e.startsAt];
  const { rows } = await db.query('select * from event_occurrences where event_id = $1 order by original_start', [eventId]);
  const existing = rows.map(toOccurrence);
  const byTime = new Map(existing.map((o) => [o.originalStart.getTime(), o]));
  const localDay = (d: Date) => DateTime.fromJSDate(d, { zone: e.timeZone }).toISODate();
  const unmatched = new Map(existing.filter((o) => !starts.some((s) => s.getTime() === o.originalStart.getTime())).map((o) => [localDay(o.originalStart), o]));
  const added: number[] = [];
  for (const start of starts) {
    const end = new Date(start.getTime() + duration);
    const same = byTime.get(start.getTime());
    if (same) {
      if (same.startsAt.getTime() === same.originalStart.getTime() && same.endsAt.getTime() !== end.getTime()) {
        await db.query('update event_occurrences set ends_at = $2, updated_at = now() where id = $1', [same.id, end]);
      }
      continue;
    }
    const sameDay = e.rrule ? unmatched.get(localDay(start)) : existing.length === 1 ? existing[0] : undefined;
    if (sameDay) {
      await db.query('update event_occurrences set original_start = $2, starts_at = $2, ends_at = $3, updated_at = now() where id = $1', [
        sameDay.id,
        start,
        end,
      ]);
      unmatched.delete(localDay(sameDay.originalStart));
      continue;
    }
    const ins = await db.query<{ id: string }>(
      `insert into event_occurrences (event_id, original_start, starts_at, ends_at) values ($1, $2, $2, $3)
       on conflict (event_id, original_start) do nothing returning id`,
      [eventId, start, end],
    );
    if (ins.rows[0]) added.push(Number(ins.rows[0].id));
  }
  for (const gone of unmatched.values()) {
    if (gone.originalStart <= now) continue;
    const regs = await db.query(`select 1 from event_registrations where occurrence_id = $1 and status not in ('cancelled', 'expired') limit 1`, [gone.id]);
    if (regs.rows.length) await db.query(`update event_occurrences set status = 'cancelled', updated_at = now() where id = $1`, [gone.id]);
    else await db.query('delete from event_occurrences where id = $1', [gone.id]);
  }
  if (added.length && e.rrule) await extendSeriesRegistrations(db, eventId, added);
  return added;
}

/** People registered to every session of a series get a row for each new session, in the same state rules. */
async function extendSeriesRegistrations(db: Queryable, eventId: number, occurrenceIds: number[]): Promise<void> {
  const groups = await db.query(
    `select distinct on (r.series_group) r.series_group, r.member_id, r.name, r.email, r.agency, r.needs_captions, r.needs_asl,
            r.accommodation_other, r.recording_consent, r.conduct_ack, r.answers
       from event_registrations r join event_occurrences o on o.id = r.occurrence_id
      where o.event_id = $1 and r.series_group is not null and r.status in ('registered', 'waitlisted', 'offered')
      order by r.series_group, r.created_at desc`,
    [eventId],
  );
  const cap = await db.query<{ capacity: number | null }>('select capacity from events where id = $1', [eventId]);
  const capacity = cap.rows[0]?.capacity ?? null;
  for (const occurrenceId of occurrenceIds) {
    for (const g of groups.rows) {
      const taken = await db.query<{ n: string }>(
        `select count(*) as n from event_registrations where occurrence_id = $1 and status in ('registered', 'offered')`,
        [occurrenceId],
      );
      const status = capacity === null || Number(taken.rows[0]!.n) < capacity ? 'registered' : 'waitlisted';
      await db.query(
        `insert into event_registrations (occurrence_id, member_id, series_group, name, email, agency, status, needs_captions, needs_asl,
           accommodation_other, recording_consent, conduct_ack, answers)
         values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) on conflict do nothing`,
        [
          occurrenceId,
          g.member_id,
          g.series_group,
          g.name,
          g.email,
          g.agency,
          status,
          g.needs_captions,
          g.needs_asl,
          g.accommodation_other,
          g.recording_consent,
          g.conduct_ack,
          g.answers,
        ],
      );
    }
  }
}

/** Move every series' horizon on (daily job). Returns how many sessions were added. */
export async function extendAllSeries(db: Queryable, now: Date): Promise<number> {
  const { rows } = await db.query<{ id: string }>(`select id from events where rrule is not null and status <> 'cancelled'`);
  let added = 0;
  for (const r of rows) added += (await syncOccurrences(db, Number(r.id), now)).length;
  return added;
}

export async function occurrencesOf(db: Queryable, eventId: number): Promise<Occurrence[]> {
  const { rows } = await db.query('select * from event_occurrences where event_id = $1 order by starts_at', [eventId]);
  return rows.map(toOccurrence);
}

export async function findOccurrence(db: Queryable, id: number): Promise<Occurrence | undefined> {
  const { rows } = await db.query('select * from event_occurrences where id = $1', [id]);
  return rows[0] ? toOccurrence(rows[0]) : undefined;
}

export interface ListedOccurrence {
  event: StoredEvent;
  occurrence: Occurrence;
}

export interface EventFilter {
  from?: Date;
  to?: Date;
  community?: string;
  kind?: EventKind;
  topic?: string;
  format?: EventFormat;
  /** Newest first (past events). */
  descending?: boolean;
  /** Only sessions that have ended by this time (past events). */
  endedBy?: Date;
  limit?: number;
  /** Sessions to skip, for paging. */
  offset?: number;
  /** Include drafts (organizers). */
  includeDrafts?: boolean;
  /** Only sessions with a recording. */
  withRecording?: boolean;
  /** Include skipped sessions. */
  includeSkipped?: boolean;
  /** Only one working group's meetings. */
  groupId?: number;
}

/** The conditions of a session filter, with their parameters. */
function occurrenceWhere(f: EventFilter): { where: string; params: unknown[]; p: (v: unknown) => string } {
  const where: string[] = [];
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  if (!f.includeDrafts) where.push(`e.status <> 'draft'`);
  if (!f.includeSkipped) where.push(`o.status <> 'skipped'`);
  if (f.from) where.push(`o.ends_at > ${p(f.from)}`);
  if (f.to) where.push(`o.starts_at < ${p(f.to)}`);
  if (f.kind) where.push(`e.kind = ${p(f.kind)}`);
  if (f.format) where.push(`e.format = ${p(f.format)}`);
  if (f.topic) where.push(`${p(f.topic)} = any(e.topics)`);
  if (f.community)
    where.push(
      `exists (select 1 from event_communities ec join communities c on c.id = ec.community_id where ec.event_id = e.id and c.slug = ${p(f.community)})`,
    );
  if (f.groupId !== undefined) where.push(`e.group_id = ${p(f.groupId)}`);
  if (f.withRecording) where.push(`(o.recording_url is not null or o.youtube_id is not null)`);
  if (f.endedBy) where.push(`o.ends_at <= ${p(f.endedBy)}`);
  return { where: where.length ? `where ${where.join(' and ')}` : '', params, p };
}

/** How many sessions a filter matches (its limit and offset aside): the API's total. */
export async function countOccurrences(db: Queryable, f: EventFilter): Promise<number> {
  const { where, params } = occurrenceWhere(f);
  const { rows } = await db.query<{ n: number }>(`select count(*)::int as n from event_occurrences o join events e on e.id = o.event_id ${where}`, params);
  return rows[0]!.n;
}

/** Sessions of published events in a time window, with their events, filtered. */
export async function listOccurrences(db: Queryable, f: EventFilter): Promise<ListedOccurrence[]> {
  const { where, params, p } = occurrenceWhere(f);
  const { rows } = await db.query(
    `select ${COLUMNS}, row_to_json(o.*) as occ from event_occurrences o join events e on e.id = o.event_id
      ${where}
      order by o.starts_at ${f.descending ? 'desc' : 'asc'}, e.title, o.id limit ${p(f.limit ?? 500)} offset ${p(f.offset ?? 0)}`,
    params,
  );
  const events = new Map<number, StoredEvent>();
  return rows.map((r) => {
    const id = Number(r.id);
    if (!events.has(id)) events.set(id, toEvent(r));
    const occ = r.occ;
    occ.original_start = new Date(occ.original_start);
    occ.starts_at = new Date(occ.starts_at);
    occ.ends_at = new Date(occ.ends_at);
    return { event: events.get(id)!, occurrence: toOccurrence(occ) };
  });
}

/** Published events (not sessions), e.g. for feeds; optionally one community's. */
export async function listEvents(db: Queryable, opts: { community?: string; ids?: number[] } = {}): Promise<StoredEvent[]> {
  const params: unknown[] = [];
  let where = `e.status <> 'draft'`;
  if (opts.community) {
    params.push(opts.community);
    where += ` and exists (select 1 from event_communities ec join communities c on c.id = ec.community_id where ec.event_id = e.id and c.slug = $1)`;
  }
  if (opts.ids) {
    params.push(opts.ids);
    where += ` and e.id = any($${params.length}::bigint[])`;
  }
  const { rows } = await db.query(`select ${COLUMNS} from events e where ${where} order by e.starts_at`, params);
  return rows.map(toEvent);
}

/** Topics and communities in use, for the filters on /events. */
export async function filterChoices(db: Queryable): Promise<{ topics: string[]; communities: Array<{ slug: string; title: string }> }> {
  const topics = await db.query<{ t: string }>(`select distinct unnest(topics) as t from events where status <> 'draft' order by 1`);
  const communities = await db.query<{ slug: string; title: string }>(
    `select distinct c.slug, coalesce(c.short_name, c.title) as title from communities c join event_communities ec on ec.community_id = c.id
       join events e on e.id = ec.event_id where e.status <> 'draft' order by 2`,
  );
  return { topics: topics.rows.map((r) => r.t), communities: communities.rows };
}

export type OccurrenceChange =
  | { kind: 'skip' }
  | { kind: 'cancel'; note?: string }
  | { kind: 'restore' }
  | { kind: 'move'; startsAt: Date; endsAt: Date }
  | { kind: 'recording'; recording: import('./model.ts').Recording };

/** Skip, cancel, restore or move one session, or record its recording (audited). */
export async function changeOccurrence(db: Queryable, actor: Actor, o: Occurrence, change: OccurrenceChange): Promise<Occurrence> {
  switch (change.kind) {
    case 'skip':
      await db.query(`update event_occurrences set status = 'skipped', updated_at = now() where id = $1`, [o.id]);
      break;
    case 'cancel':
      await db.query(`update event_occurrences set status = 'cancelled', note = $2, updated_at = now() where id = $1`, [o.id, change.note ?? null]);
      break;
    case 'restore':
      await db.query(
        `update event_occurrences set status = 'scheduled', starts_at = original_start, ends_at = original_start + (ends_at - starts_at), updated_at = now() where id = $1`,
        [o.id],
      );
      break;
    case 'move':
      await db.query(`update event_occurrences set starts_at = $2, ends_at = $3, updated_at = now() where id = $1`, [o.id, change.startsAt, change.endsAt]);
      break;
    case 'recording': {
      const r = change.recording;
      await db.query(
        'update event_occurrences set recording_url = $2, youtube_id = $3, recording_title = $4, transcript_md = $5, slides_url = $6, updated_at = now() where id = $1',
        [o.id, r.url ?? null, r.youtubeId ?? null, r.title ?? null, r.transcript ?? null, r.slidesUrl ?? null],
      );
      break;
    }
  }
  if (change.kind !== 'recording') await bumpSequence(db, o.eventId);
  const after = (await findOccurrence(db, o.id))!;
  await recordAudit(db, actor, { action: `event.occurrence.${change.kind}`, subjectType: 'event-occurrence', subjectId: String(o.id), before: o, after });
  return after;
}
