/**
 * digital.gov event pages (Hugo front matter + Markdown, as in GSA/digitalgov.gov
 * `content/events/YYYY/MM/*.md`) read into events, with every problem reported with its line.
 * digital.gov writes Eastern wall-clock times, often with "-0500" even in summer; the wall-clock
 * time is kept in the event's zone and a wrong offset is reported as a warning.
 */
import { DateTime } from '../platform/luxon.ts';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type YAMLMap } from 'yaml';
import type { FileProblem } from '../communities/index.ts';
import { SLUG, slugify, type EventFormat, type EventInput, type EventKind, type OnlinePlatform, type Presenter, type Venue } from './model.ts';
import { unsafeCharacter } from '../platform/text.ts';
import { convertShortcodes, decodeEntities } from '../library/index.ts';

export type { FileProblem };

export type EventParseResult =
  { ok: true; event: EventInput; eventCop: string[]; warnings: FileProblem[] } | { ok: false; errors: FileProblem[]; warnings: FileProblem[] };

export interface AuthorInfo {
  name: string;
  agency?: string;
  title?: string;
}

export interface ImportOptions {
  /** Zone the page's wall-clock times are in (digital.gov: America/New_York). */
  zone: string;
  /** Presenter names from digital.gov author profiles, by slug. */
  authors?: Map<string, AuthorInfo>;
  /** Slug to use when the page has none (the file name). */
  fallbackSlug?: string;
}

const KNOWN = new Set([
  'title',
  'summary',
  'deck',
  'kicker',
  'slug',
  'date',
  'end_date',
  'host',
  'event_organizer',
  'registration_url',
  'captions',
  'youtube_id',
  'youtube_title',
  'event_platform',
  'event_type',
  'venue',
  'venue_name',
  'room',
  'address',
  'city',
  'state',
  'zip',
  'country',
  'map',
  'topics',
  'authors',
  'draft',
  'event_cop',
  'cop_events',
]);
const PLATFORMS: Record<string, { platform: OnlinePlatform; other?: string }> = {
  zoom: { platform: 'zoom-gov' },
  zoomgov: { platform: 'zoom-gov' },
  'zoom-gov': { platform: 'zoom-gov' },
  youtube_live: { platform: 'youtube-live' },
  'youtube-live': { platform: 'youtube-live' },
  adobe_connect: { platform: 'other', other: 'Adobe Connect' },
  google: { platform: 'other', other: 'Google Meet' },
  teams: { platform: 'teams' },
};
const EVENT_TYPES: Record<string, EventFormat> = { online: 'online', 'in-person': 'in-person', 'youtube-live': 'online', zoom: 'online', hybrid: 'hybrid' };

class Collector {
  errors: FileProblem[] = [];
  warnings: FileProblem[] = [];
  /** `open`: the 1-based line of the opening "---". */
  constructor(
    private lc: LineCounter,
    private open = 1,
  ) {}
  line(node: Node | null | undefined): number {
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    return range ? this.lc.linePos(range[0]).line + this.open : this.open;
  }
  error(node: Node | null | undefined, field: string, message: string) {
    this.errors.push({ line: this.line(node), field, message });
  }
  warn(node: Node | null | undefined, field: string, message: string) {
    this.warnings.push({ line: this.line(node), field, message });
  }
}

function text(c: Collector, node: Node | null | undefined, field: string): string | undefined {
  if (node === null || node === undefined) return undefined;
  if (!isScalar(node)) {
    c.error(node, field, 'must be a single value, not a list or map');
    return undefined;
  }
  if (node.value === null || node.value === undefined) return undefined;
  // Character references (&#8211;, &rsquo;) in plain-text fields are decoded once, here.
  const s = node.value instanceof Date ? node.value.toISOString() : decodeEntities(String(node.value)).trim();
  return s === '' ? undefined : s;
}

function list(c: Collector, node: Node | null | undefined, field: string): string[] {
  if (node === null || node === undefined) return [];
  if (isScalar(node)) {
    const one = text(c, node, field);
    return one ? [one] : [];
  }
  if (!isSeq(node)) {
    c.error(node, field, 'must be a list, one item per line starting with "- "');
    return [];
  }
  return (node.items as Node[]).map((i) => text(c, i, field)).filter((v): v is string => Boolean(v));
}

function url(c: Collector, node: Node | null | undefined, field: string): string | undefined {
  const v = text(c, node, field);
  if (!v) return undefined;
  if (!/^https?:\/\/\S+$/i.test(v)) {
    c.warn(node, field, `"${v}" is not a web address starting with https://; left out`);
    return undefined;
  }
  return v;
}

/** "2024-03-21 14:00:00 -0500" → the wall-clock time in `zone`, warning when the written offset disagrees. */
function when(c: Collector, node: Node | null | undefined, field: string, zone: string): Date | undefined {
  const raw = text(c, node, field);
  if (!raw) return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/.exec(raw);
  if (!m) {
    c.error(node, field, `"${raw}" is not a date and time; write it as 2024-03-21 14:00:00 -0500`);
    return undefined;
  }
  const local = DateTime.fromISO(`${m[1]}T${(m[2] ?? '00').padStart(2, '0')}:${m[3] ?? '00'}:${m[4] ?? '00'}`, { zone });
  if (!local.isValid) {
    c.error(node, field, `"${raw}" is not a real date and time`);
    return undefined;
  }
  if (m[5] && m[5] !== 'Z') {
    const written = m[5].replace(':', '');
    const actual = local.toFormat('ZZZ');
    if (written !== actual)
      c.warn(
        node,
        field,
        `offset ${written} is not ${zone} time on ${m[1]} (${actual}); read as ${local.toFormat('HH:mm')} ${local.toFormat('ZZZZ')}, as digital.gov shows it`,
      );
  } else if (!m[5]) c.warn(node, field, `has no UTC offset; read as ${zone} time`);
  return local.toJSDate();
}

function guessKind(title: string): EventKind {
  if (/summit/i.test(title)) return 'summit';
  if (/office hours/i.test(title)) return 'office-hours';
  if (/training|workshop|course|bootcamp|foundations|\b101\b|university/i.test(title)) return 'training';
  if (/meeting|monthly call|community call|quarterly|check-in|roundtable/i.test(title)) return 'meeting';
  return 'webinar';
}

/** Read one event page. Nothing is changed; the result lists every error and warning with its line. */
export function parseEventFile(source: string, opts: ImportOptions): EventParseResult {
  const lines = source.replace(/^\uFEFF/, '').split(/\r?\n/);
  // Blank lines before the opening "---": Hugo reads the page anyway, and so does the library importer.
  let open = 0;
  while (open < lines.length - 1 && lines[open]!.trim() === '') open++;
  const lead: FileProblem[] = open ? [{ line: 1, field: 'front matter', message: `${open} blank line(s) before the opening "---" were ignored` }] : [];
  if (lines[open]?.trim() !== '---')
    return { ok: false, errors: [{ line: open + 1, field: 'front matter', message: 'must start with a line "---" (Hugo front matter)' }], warnings: lead };
  const end = lines.findIndex((l, i) => i > open && l.trim() === '---');
  if (end < 0) return { ok: false, errors: [{ line: open + 1, field: 'front matter', message: 'has no closing "---" line' }], warnings: lead };
  const lc = new LineCounter();
  // Repeated fields: like Hugo (and the library importer), the last one wins, with a warning.
  const doc = parseDocument(lines.slice(open + 1, end).join('\n'), { lineCounter: lc, keepSourceTokens: false, uniqueKeys: false });
  const c = new Collector(lc, open + 1);
  c.warnings.push(...lead);
  for (const e of doc.errors)
    c.errors.push({
      line: e.linePos?.[0]?.line ? e.linePos[0].line + open + 1 : open + 1,
      field: 'front matter',
      message: `is not valid YAML: ${e.message.split('\n')[0]}`,
    });
  if (c.errors.length) return { ok: false, errors: c.errors, warnings: c.warnings };
  const root = doc.contents as Node | null;
  if (!root || !isMap(root))
    return { ok: false, errors: [{ line: open + 2, field: 'front matter', message: 'must be a set of "name: value" lines' }], warnings: c.warnings };
  const f = new Map<string, Node | null>();
  const extra: Record<string, unknown> = {};
  const firstLine = new Map<string, number>();
  for (const pair of (root as YAMLMap).items) {
    const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
    const at = c.line(pair.key as Node);
    if (firstLine.has(key)) c.warnings.push({ line: at, field: key, message: `appears twice (first on line ${firstLine.get(key)}); the last one is used` });
    else firstLine.set(key, at);
    f.set(key, pair.value as Node | null);
    if (!KNOWN.has(key)) extra[key] = pair.value && 'toJSON' in (pair.value as object) ? (pair.value as { toJSON(): unknown }).toJSON() : null;
  }

  const title = text(c, f.get('title'), 'title');
  if (!title) c.error(f.get('title') ?? root, 'title', 'is required');
  let slug = text(c, f.get('slug'), 'slug') ?? opts.fallbackSlug?.replace(/^\d{4}-\d{2}-\d{2}-/, '');
  if (!slug && title) slug = slugify(title);
  if (slug && !SLUG.test(slug)) {
    const fixed = slugify(slug);
    c.warn(f.get('slug'), 'slug', `"${slug}" read as "${fixed}" (lower-case letters, digits and hyphens)`);
    slug = fixed;
  }
  const startsAt = when(c, f.get('date'), 'date', opts.zone);
  if (!f.get('date')) c.error(root, 'date', 'is required: the start, e.g. 2024-03-21 14:00:00 -0500');
  let endsAt = when(c, f.get('end_date'), 'end_date', opts.zone);
  if (startsAt && !endsAt) {
    endsAt = DateTime.fromJSDate(startsAt).plus({ hours: 1 }).toJSDate();
    c.warn(f.get('end_date') ?? root, 'end_date', 'is missing; the event is read as one hour long');
  }
  if (startsAt && endsAt && endsAt <= startsAt) {
    if (endsAt.getTime() === startsAt.getTime()) {
      endsAt = DateTime.fromJSDate(startsAt).plus({ hours: 1 }).toJSDate();
      c.warn(f.get('end_date'), 'end_date', 'is the same as date; the event is read as one hour long');
    } else c.error(f.get('end_date'), 'end_date', 'is before the start (date); fix one of them');
  }

  const venue: Venue = {};
  const venueNode = f.get('venue');
  const venueFields = new Map<string, Node | null>();
  if (venueNode && isMap(venueNode))
    for (const p of (venueNode as YAMLMap).items) venueFields.set(String(isScalar(p.key) ? p.key.value : p.key), p.value as Node | null);
  else if (venueNode && !(isScalar(venueNode) && (venueNode.value === null || venueNode.value === '')))
    c.error(venueNode, 'venue', 'must be a set of fields (venue_name, room, address, city, state, zip, map)');
  for (const k of ['venue_name', 'room', 'address', 'city', 'state', 'zip', 'map']) if (!venueFields.has(k) && f.has(k)) venueFields.set(k, f.get(k) ?? null);
  const vset = (k: keyof Venue, key: string) => {
    const v = key === 'map' ? url(c, venueFields.get(key), `venue.${key}`) : text(c, venueFields.get(key), `venue.${key}`);
    if (v) venue[k] = v;
  };
  vset('name', 'venue_name');
  vset('room', 'room');
  vset('address', 'address');
  vset('city', 'city');
  vset('state', 'state');
  vset('zip', 'zip');
  vset('map', 'map');
  const hasVenue = Boolean(venue.name || venue.address);

  let platform: { platform: OnlinePlatform; other?: string } | undefined;
  const rawPlatform = text(c, f.get('event_platform'), 'event_platform');
  if (rawPlatform) {
    platform = PLATFORMS[rawPlatform.toLowerCase()];
    if (!platform) c.error(f.get('event_platform'), 'event_platform', `"${rawPlatform}" is not known; use zoom, youtube_live, adobe_connect, google or teams`);
  }
  let format: EventFormat = hasVenue ? (platform ? 'hybrid' : 'in-person') : 'online';
  // digital.gov writes event_type as one value or as a list (online and in-person: hybrid).
  const types = new Set<EventFormat>();
  for (const rawType of list(c, f.get('event_type'), 'event_type')) {
    const t = EVENT_TYPES[rawType.toLowerCase()];
    if (t) types.add(t);
    else c.error(f.get('event_type'), 'event_type', `"${rawType}" is not known; use online, in-person, youtube-live or zoom`);
  }
  if (types.size === 1) format = [...types][0]!;
  else if (types.size > 1) format = 'hybrid';

  const authorSlugs = list(c, f.get('authors'), 'authors');
  const presenters: Presenter[] = authorSlugs.map((a) => {
    const info = opts.authors?.get(a);
    const p: Presenter = {
      authorSlug: a,
      name:
        info?.name ??
        a
          .split('-')
          .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
          .join(' '),
    };
    if (info?.agency) p.agency = info.agency;
    if (info?.title) p.title = info.title;
    return p;
  });

  const registrationUrl = url(c, f.get('registration_url'), 'registration_url');
  const draftNode = f.get('draft');
  const draft = draftNode && isScalar(draftNode) ? draftNode.value === true || draftNode.value === 'true' : false;
  // Hugo shortcodes become Markdown (slides and transcripts as links, accordion titles as headings), as in the library import.
  const converted = convertShortcodes(lines.slice(end + 1).join('\n'), end + 2);
  const body = converted.body.trim();
  for (const w of converted.warnings) c.warnings.push({ line: w.line, field: 'body', message: w.message });

  if (c.errors.length || !title || !slug || !startsAt || !endsAt) return { ok: false, errors: c.errors.sort((a, b) => a.line - b.line), warnings: c.warnings };

  const event: EventInput = {
    slug,
    kind: guessKind(title),
    status: draft ? 'draft' : 'published',
    title,
    body,
    timeZone: opts.zone,
    startsAt,
    endsAt,
    topics: list(c, f.get('topics'), 'topics'),
    format,
    venue,
    registration: registrationUrl ? 'external' : 'none',
    recorded: false,
    questions: [],
    communityIds: [],
    presenters,
    extra,
  };
  const set = <K extends keyof EventInput>(k: K, v: EventInput[K] | undefined) => {
    if (v !== undefined) event[k] = v;
  };
  set('deck', text(c, f.get('deck'), 'deck'));
  set('summary', text(c, f.get('summary'), 'summary'));
  set('kicker', text(c, f.get('kicker'), 'kicker'));
  set('host', text(c, f.get('host'), 'host'));
  set('organizer', text(c, f.get('event_organizer'), 'event_organizer'));
  set('externalRegistrationUrl', registrationUrl);
  set('captionsUrl', url(c, f.get('captions'), 'captions'));
  if (platform) {
    event.platform = platform.platform;
    if (platform.other) event.platformOther = platform.other;
  }
  const youtubeId = text(c, f.get('youtube_id'), 'youtube_id');
  if (youtubeId && !/^[A-Za-z0-9_-]{6,20}$/.test(youtubeId))
    c.warn(f.get('youtube_id'), 'youtube_id', `"${youtubeId}" does not look like a YouTube video id; left out`);
  else if (youtubeId) {
    event.recording = { youtubeId };
    const t = text(c, f.get('youtube_title'), 'youtube_title');
    if (t) event.recording.title = t;
  }
  const eventCop = [...list(c, f.get('event_cop'), 'event_cop'), ...list(c, f.get('cop_events'), 'cop_events')];
  return { ok: true, event, eventCop, warnings: c.warnings.sort((a, b) => a.line - b.line) };
}

/** An author profile (content/authors/<slug>/_index.md): display name, agency and title. */
export function parseAuthorFile(source: string): AuthorInfo | undefined {
  const lines = source.split(/\r?\n/);
  const end = lines.findIndex((l, i) => i > 0 && l.trim() === '---');
  if (lines[0]?.trim() !== '---' || end < 0) return undefined;
  const doc = parseDocument(lines.slice(1, end).join('\n'));
  if (doc.errors.length) return undefined;
  const v = doc.toJSON() as Record<string, unknown> | null;
  if (!v) return undefined;
  const str = (x: unknown) => (typeof x === 'string' && x.trim() ? decodeEntities(x).trim() : undefined);
  const name = str(v.display_name) ?? [str(v.first_name), str(v.last_name)].filter(Boolean).join(' ');
  // A name with control characters or bidi overrides is not a name: the presenter is shown by slug instead.
  if (!name || unsafeCharacter(name)) return undefined;
  const info: AuthorInfo = { name };
  const agency = str(v.agency_full_name) ?? str(v.agency);
  if (agency) info.agency = agency;
  const title = str(v.bio_title) ?? str(v.title);
  if (title) info.title = title;
  return info;
}
