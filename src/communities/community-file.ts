/**
 * digital.gov community pages: Hugo front matter (YAML between `---` lines) and a Markdown body,
 * as in GSA/digitalgov.gov `content/communities/*.md`. Parsing reports every problem with the
 * line it is on and changes nothing; serializing writes the same format back.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, stringify, type Node, type Pair, type YAMLMap } from 'yaml';
import { convertShortcodes, decodeEntities } from '../library/index.ts';

export { mergeCommunityPages, type MergeReport } from './community-file-merge.ts';

export const PLATFORMS = ['listserv', 'google-group', 'slack'] as const;
export const AUDIENCES = ['government', 'government_only', 'public'] as const;
export type Platform = (typeof PLATFORMS)[number];
export type Audience = (typeof AUDIENCES)[number];

export interface JoinChannel {
  platform: Platform;
  /** digital.gov's `type`: who may join. */
  audience: Audience;
  subscribeEmail?: string;
  subscribeSubject?: string;
  subscribeBody?: string;
  terms?: string;
  joinButton?: string;
  /** A hand-typed member figure from the page, as a number when it reads as one. */
  reportedMembers?: number;
  /** The same figure exactly as typed (e.g. "1,462"). */
  reportedMembersText?: string;
  emailsPerWeekText?: string;
  extra: Record<string, unknown>;
}

export interface CommunityPage {
  slug: string;
  title: string;
  deck?: string;
  summary?: string;
  kicker?: string;
  body: string;
  authors: string[];
  topics: string[];
  eventCop: string[];
  /** 0 hidden from listings, 1 visible, 2 featured. */
  weight: 0 | 1 | 2;
  highlight: boolean;
  shortName?: string;
  acronym?: string;
  logo?: string;
  primaryImage?: string;
  redirectTo?: string;
  publishedAt?: Date;
  /** Hugo's `lastmod`: when the page was last reviewed or updated. */
  reviewedAt?: Date;
  channels: JoinChannel[];
  extra: Record<string, unknown>;
}

export interface FileProblem {
  line: number;
  field: string;
  message: string;
}

export type ParseResult = { ok: true; page: CommunityPage; warnings: FileProblem[] } | { ok: false; errors: FileProblem[]; warnings: FileProblem[] };

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const EMAIL = /^[^\s@<>()",;:]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

/** Spellings seen in real pages, and what they mean. */
const AUDIENCE_ALIASES: Record<string, Audience> = {
  'government only': 'government_only',
  'government-only': 'government_only',
  governmentonly: 'government_only',
  gov: 'government',
  'gov only': 'government_only',
};
const PLATFORM_ALIASES: Record<string, Platform> = {
  'google group': 'google-group',
  'google groups': 'google-group',
  'google-groups': 'google-group',
  googlegroup: 'google-group',
  googlegroups: 'google-group',
  listserve: 'listserv',
};

const PAGE_KEYS = new Set([
  'slug',
  'title',
  'summary',
  'deck',
  'kicker',
  'authors',
  'topics',
  'event_cop',
  'weight',
  'dg_highlight',
  'dg_shortname',
  'dg_acronym',
  'dg_logo',
  'primary_image',
  'redirectto',
  'date',
  'lastmod',
  'community_list',
]);
const CHANNEL_KEYS = new Set([
  'platform',
  'type',
  'subscribe_email',
  'subscribe_email_subject',
  'subscribe_email_body',
  'terms',
  'members',
  'emails_per_week',
  'join_cop_button',
]);

/** Text that was UTF-8 read as Windows-1252 (e.g. "â€“" for "–"). */
const MOJIBAKE = /\u00e2\u20ac[\u0080-\u00ff\u0152-\u0178\u2010-\u203a\u20ac\u2122]|\u00c3[\u0080-\u00bf]/; // â€ and Ã

class Collector {
  errors: FileProblem[] = [];
  warnings: FileProblem[] = [];
  /** `decode`: read HTML character references (&#8211;) in text as the characters (digital.gov pages). */
  constructor(
    private lc: LineCounter,
    private firstLine: number,
    readonly decode = false,
  ) {}
  lineOf(node: Node | Pair | null | undefined): number {
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (!range) return this.firstLine;
    return this.lc.linePos(range[0]).line + this.firstLine - 1;
  }
  error(node: Node | null | undefined, field: string, message: string) {
    this.errors.push({ line: this.lineOf(node), field, message });
  }
  warn(node: Node | null | undefined, field: string, message: string) {
    this.warnings.push({ line: this.lineOf(node), field, message });
  }
}

function text(c: Collector, node: Node | null | undefined, field: string): string | undefined {
  if (node === null || node === undefined) return undefined;
  if (!isScalar(node)) {
    c.error(node, field, `must be a single value, not a list or map`);
    return undefined;
  }
  if (node.value === null || node.value === undefined) return undefined;
  const s = (c.decode ? decodeEntities(String(node.value)) : String(node.value)).trim();
  return s === '' ? undefined : s;
}

function textList(c: Collector, node: Node | null | undefined, field: string): string[] {
  if (node === null || node === undefined) return [];
  if (isScalar(node)) {
    const one = text(c, node, field);
    return one ? [one] : [];
  }
  if (!isSeq(node)) {
    c.error(node, field, 'must be a list of names, one per line starting with "- "');
    return [];
  }
  const out: string[] = [];
  for (const item of node.items as Node[]) {
    const v = text(c, item, field);
    if (v) out.push(v);
  }
  return out;
}

function parseDate(c: Collector, node: Node | null | undefined, field: string): Date | undefined {
  const raw = text(c, node, field);
  if (!raw) return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{1,2}:\d{2})(:\d{2}(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/.exec(raw);
  let d: Date | undefined;
  if (m) {
    const zone = m[4] ? (m[4] === 'Z' ? 'Z' : m[4].replace(/^([+-]\d{2}):?(\d{2})$/, '$1:$2')) : 'Z';
    d = new Date(`${m[1]}T${(m[2] ?? '00:00').padStart(5, '0')}${m[3] ?? ':00'}${zone}`);
  }
  if (!d || Number.isNaN(d.getTime())) {
    c.error(node, field, `"${raw}" is not a date; write it as 2019-12-12 or 2019-12-12 19:00:00 -0500`);
    return undefined;
  }
  return d;
}

function plainValue(node: Node | null | undefined): unknown {
  return node && 'toJSON' in node ? (node as { toJSON(): unknown }).toJSON() : null;
}

function parseChannel(c: Collector, node: Node, index: number): JoinChannel | undefined {
  const where = `community_list[${index + 1}]`;
  if (!isMap(node)) {
    c.error(node, where, 'each entry must be a set of fields starting with "- platform: ..."');
    return undefined;
  }
  const fields = new Map<string, Node | null>();
  const extra: Record<string, unknown> = {};
  for (const pair of (node as YAMLMap).items) {
    const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
    fields.set(key, pair.value as Node | null);
    if (!CHANNEL_KEYS.has(key)) extra[key] = plainValue(pair.value as Node | null);
  }

  let platform: Platform | undefined;
  const rawPlatform = text(c, fields.get('platform'), `${where}.platform`);
  if (!rawPlatform) {
    c.error(node, `${where}.platform`, `is required; use one of ${PLATFORMS.join(', ')}`);
  } else {
    const p = rawPlatform.toLowerCase();
    if ((PLATFORMS as readonly string[]).includes(p)) platform = p as Platform;
    else if (PLATFORM_ALIASES[p]) {
      platform = PLATFORM_ALIASES[p];
      c.warn(fields.get('platform'), `${where}.platform`, `"${rawPlatform}" read as "${platform}"`);
    } else c.error(fields.get('platform'), `${where}.platform`, `"${rawPlatform}" is not a known platform; use one of ${PLATFORMS.join(', ')}`);
  }

  let audience: Audience | undefined;
  const rawType = text(c, fields.get('type'), `${where}.type`);
  if (!rawType) {
    audience = 'government';
    c.warn(node, `${where}.type`, 'is missing; read as "government" (government employees and contractors)');
  } else {
    const t = rawType.toLowerCase();
    if ((AUDIENCES as readonly string[]).includes(t)) audience = t as Audience;
    else if (AUDIENCE_ALIASES[t]) {
      audience = AUDIENCE_ALIASES[t];
      c.warn(fields.get('type'), `${where}.type`, `"${rawType}" read as "${audience}"; write "${audience}" to silence this warning`);
    } else c.error(fields.get('type'), `${where}.type`, `"${rawType}" is not a known type; use one of ${AUDIENCES.join(', ')}`);
  }

  const subscribeEmail = text(c, fields.get('subscribe_email'), `${where}.subscribe_email`);
  if (subscribeEmail && !EMAIL.test(subscribeEmail)) {
    c.error(fields.get('subscribe_email'), `${where}.subscribe_email`, `"${subscribeEmail}" is not an e-mail address`);
  }

  const reportedMembersText = text(c, fields.get('members'), `${where}.members`);
  let reportedMembers: number | undefined;
  if (reportedMembersText) {
    const digits = reportedMembersText.replace(/[,\s]/g, '');
    if (/^\d+$/.test(digits)) reportedMembers = Number(digits);
    else c.warn(fields.get('members'), `${where}.members`, `"${reportedMembersText}" is not a number; kept as text only`);
  }

  if (!platform || !audience) return undefined;
  const channel: JoinChannel = { platform, audience, extra };
  const set = <K extends keyof JoinChannel>(k: K, v: JoinChannel[K] | undefined) => {
    if (v !== undefined) channel[k] = v;
  };
  set('subscribeEmail', subscribeEmail);
  set('subscribeSubject', text(c, fields.get('subscribe_email_subject'), `${where}.subscribe_email_subject`));
  set('subscribeBody', text(c, fields.get('subscribe_email_body'), `${where}.subscribe_email_body`));
  set('terms', text(c, fields.get('terms'), `${where}.terms`));
  set('joinButton', text(c, fields.get('join_cop_button'), `${where}.join_cop_button`));
  set('reportedMembers', reportedMembers);
  set('reportedMembersText', reportedMembersText);
  set('emailsPerWeekText', text(c, fields.get('emails_per_week'), `${where}.emails_per_week`));
  return channel;
}

export interface ParseOptions {
  /**
   * The page is a digital.gov Hugo page (an import or the seed): HTML character references in its
   * text fields (&#8211;, &amp;) are decoded once, so the database holds the characters, and Hugo
   * shortcodes in the body become Markdown (links, quotes), so no page shows `{{< ... >}}`. The
   * page editor leaves this off: what a coordinator types is kept as typed.
   */
  digitalGov?: boolean;
}

/**
 * Parse a community page. `fallbackSlug` (usually the file name) is used when the front matter
 * has no slug, with a warning.
 */
export function parseCommunityFile(source: string, fallbackSlug?: string, opts: ParseOptions = {}): ParseResult {
  const lines = source.replace(/^\uFEFF/, '').split(/\r?\n/);
  let start = 0;
  while (start < lines.length && lines[start]!.trim() === '') start++;
  if (lines[start]?.trim() !== '---') {
    return {
      ok: false,
      errors: [{ line: start + 1, field: 'front matter', message: 'the file must start with a line "---", then the fields, then another "---"' }],
      warnings: [],
    };
  }
  let end = start + 1;
  while (end < lines.length && lines[end]!.trim() !== '---') end++;
  if (end >= lines.length) {
    return { ok: false, errors: [{ line: start + 1, field: 'front matter', message: 'no closing "---" line after the fields' }], warnings: [] };
  }
  const firstLine = start + 2;
  const yamlText = lines.slice(start + 1, end).join('\n');
  const rawBody = lines
    .slice(end + 1)
    .join('\n')
    .replace(/^\n+/, '')
    .replace(/\s+$/, '');
  const body = rawBody ? rawBody + '\n' : '';

  const lc = new LineCounter();
  // A field written twice: Hugo (and so digital.gov) uses the last one; an import does too, with a warning.
  const doc = parseDocument(yamlText, { lineCounter: lc, uniqueKeys: !opts.digitalGov, prettyErrors: false, strict: true });
  const c = new Collector(lc, firstLine, opts.digitalGov ?? false);
  if (doc.errors.length) {
    for (const e of doc.errors) {
      c.errors.push({
        line: lc.linePos(e.pos[0]).line + firstLine - 1,
        field: 'front matter',
        message: e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''),
      });
    }
    return { ok: false, errors: c.errors, warnings: [] };
  }
  if (!isMap(doc.contents)) {
    return { ok: false, errors: [{ line: firstLine, field: 'front matter', message: 'the fields must be "name: value" lines' }], warnings: [] };
  }

  const fields = new Map<string, Node | null>();
  const extra: Record<string, unknown> = {};
  const seen = new Map<string, number>();
  for (const pair of (doc.contents as YAMLMap).items) {
    const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
    const at = c.lineOf(pair.key as Node);
    if (seen.has(key)) c.warnings.push({ line: at, field: key, message: `appears twice (first on line ${seen.get(key)}); the last one is used` });
    else seen.set(key, at);
    fields.set(key, pair.value as Node | null);
    if (!PAGE_KEYS.has(key)) extra[key] = plainValue(pair.value as Node | null);
  }

  let slug = text(c, fields.get('slug'), 'slug');
  if (!slug && fallbackSlug) {
    slug = fallbackSlug;
    c.warn(null, 'slug', `is missing; using "${fallbackSlug}" from the file name`);
  }
  if (!slug) c.error(null, 'slug', 'is required (lower-case words joined by hyphens, e.g. social-media)');
  else if (!SLUG.test(slug)) c.error(fields.get('slug'), 'slug', `"${slug}" must be lower-case letters, digits and single hyphens, e.g. social-media`);

  const title = text(c, fields.get('title'), 'title');
  if (!title) c.error(fields.get('title') ?? null, 'title', 'is required');

  let weight: 0 | 1 | 2 = 1;
  const weightNode = fields.get('weight');
  if (weightNode !== undefined && weightNode !== null) {
    const w = isScalar(weightNode) ? Number(weightNode.value) : NaN;
    if (w === 0 || w === 1 || w === 2) weight = w;
    else c.error(weightNode, 'weight', 'must be 0 (hidden), 1 (visible) or 2 (featured)');
  }

  let highlight = false;
  const hl = fields.get('dg_highlight');
  if (hl !== undefined && hl !== null) {
    const v = isScalar(hl) ? hl.value : undefined;
    if (v === true || v === 'true') highlight = true;
    else if (v === false || v === 'false' || v === null) highlight = false;
    else c.error(hl, 'dg_highlight', 'must be true or false');
  }

  const channels: JoinChannel[] = [];
  const list = fields.get('community_list');
  if (list !== undefined && list !== null) {
    if (!isSeq(list)) c.error(list, 'community_list', 'must be a list of join channels, each starting with "- platform: ..."');
    else
      (list.items as Node[]).forEach((item, i) => {
        const ch = parseChannel(c, item, i);
        if (ch) channels.push(ch);
      });
  }

  const redirectTo = text(c, fields.get('redirectto'), 'redirectto');
  if (redirectTo && !/^https?:\/\/\S+$/i.test(redirectTo))
    c.error(fields.get('redirectto'), 'redirectto', `"${redirectTo}" must be a web address starting with https://`);

  let pageBody = body;
  if (opts.digitalGov && /\{\{[<%]/.test(body)) {
    const converted = convertShortcodes(body, end + 2 + (rawBody.length ? lines.slice(end + 1).findIndex((l) => l.trim() !== '') : 0));
    pageBody = converted.body.replace(/\s+$/, '') + '\n';
    for (const w of converted.warnings) c.warnings.push({ line: w.line, field: 'body', message: w.message });
  }

  const page: CommunityPage = {
    slug: slug ?? '',
    title: title ?? '',
    body: pageBody,
    authors: textList(c, fields.get('authors'), 'authors'),
    topics: textList(c, fields.get('topics'), 'topics'),
    eventCop: textList(c, fields.get('event_cop'), 'event_cop'),
    weight,
    highlight,
    channels,
    extra,
  };
  const set = <K extends keyof CommunityPage>(k: K, v: CommunityPage[K] | undefined) => {
    if (v !== undefined) page[k] = v;
  };
  set('deck', text(c, fields.get('deck'), 'deck'));
  set('summary', text(c, fields.get('summary'), 'summary'));
  set('kicker', text(c, fields.get('kicker'), 'kicker'));
  set('shortName', text(c, fields.get('dg_shortname'), 'dg_shortname'));
  set('acronym', text(c, fields.get('dg_acronym'), 'dg_acronym'));
  set('logo', text(c, fields.get('dg_logo'), 'dg_logo'));
  set('primaryImage', text(c, fields.get('primary_image'), 'primary_image'));
  set('redirectTo', redirectTo);
  set('publishedAt', parseDate(c, fields.get('date'), 'date'));
  set('reviewedAt', parseDate(c, fields.get('lastmod'), 'lastmod'));

  lines.forEach((l, i) => {
    if (MOJIBAKE.test(l))
      c.warnings.push({
        line: i + 1,
        field: i < end ? 'front matter' : 'body',
        message: `"${MOJIBAKE.exec(l)![0]}" looks like text saved in the wrong encoding (UTF-8 read as Windows-1252); fix it in the file`,
      });
  });

  const byLine = (a: FileProblem, b: FileProblem) => a.line - b.line;
  if (c.errors.length) return { ok: false, errors: c.errors.sort(byLine), warnings: c.warnings.sort(byLine) };
  return { ok: true, page, warnings: c.warnings.sort(byLine) };
}

function scalar(v: string | number | boolean): string {
  return stringify(v, { lineWidth: 0 }).trimEnd();
}

function formatDate(d: Date): string {
  return d
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, ' +0000');
}

function extraLines(extra: Record<string, unknown>, indent: string): string[] {
  if (!Object.keys(extra).length) return [];
  return stringify(extra, { lineWidth: 0 })
    .trimEnd()
    .split('\n')
    .map((l) => indent + l);
}

/** Write a community page in the digital.gov format, with the comments editors expect. */
export function serializeCommunityFile(p: CommunityPage): string {
  const out: string[] = ['---', `# View this page at /communities/${p.slug}`, '', `slug: ${scalar(p.slug)}`];
  const opt = (key: string, v: string | undefined) => {
    if (v !== undefined) out.push(`${key}: ${scalar(v)}`);
  };
  if (p.publishedAt) out.push(`date: ${formatDate(p.publishedAt)}`);
  if (p.reviewedAt) out.push(`lastmod: ${formatDate(p.reviewedAt)}`);
  out.push(`title: ${scalar(p.title)}`);
  opt('summary', p.summary);
  opt('deck', p.deck);
  const list = (key: string, items: string[], comment?: string) => {
    if (!items.length) return;
    out.push('');
    if (comment) out.push(comment);
    out.push(`${key}:`, ...items.map((i) => `  - ${scalar(i)}`));
  };
  list('authors', p.authors, '# community leads (digital.gov author slugs)');
  list('topics', p.topics);
  list('event_cop', p.eventCop);
  out.push('', '# Page weight: 0 -- hidden, 1 -- visible, 2 -- featured', `weight: ${p.weight}`);
  out.push('', '# Spotlight this community at the top of /communities', `dg_highlight: ${p.highlight}`);
  opt('dg_shortname', p.shortName);
  opt('dg_acronym', p.acronym);
  opt('dg_logo', p.logo);
  opt('redirectto', p.redirectTo);
  if (p.channels.length) {
    out.push('', 'community_list:');
    for (const ch of p.channels) {
      const fields: Array<[string, string | undefined]> = [
        ['platform', ch.platform],
        ['type', ch.audience],
        ['subscribe_email', ch.subscribeEmail],
        ['subscribe_email_subject', ch.subscribeSubject],
        ['subscribe_email_body', ch.subscribeBody],
        ['terms', ch.terms],
        ['members', ch.reportedMembersText],
        ['emails_per_week', ch.emailsPerWeekText],
        ['join_cop_button', ch.joinButton],
      ];
      let first = true;
      for (const [k, v] of fields) {
        if (v === undefined) continue;
        out.push(`${first ? '  - ' : '    '}${k}: ${scalar(v)}`);
        first = false;
      }
      out.push(...extraLines(ch.extra, '    '));
    }
  }
  out.push('');
  opt('kicker', p.kicker);
  opt('primary_image', p.primaryImage);
  out.push(...extraLines(p.extra, ''));
  out.push('---', '', p.body.replace(/\s+$/, ''), '');
  return out.join('\n');
}

/** A problem list as lines a person can act on: "file:12: field: message". */
export function formatProblems(file: string, problems: FileProblem[], kind: 'error' | 'warning'): string[] {
  return problems.map((p) => `${file}:${p.line}: ${kind}: ${p.field} ${p.message}`);
}
