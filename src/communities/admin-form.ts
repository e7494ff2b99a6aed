/**
 * The coordinators' page editor: form fields ↔ a community page. Validation is the import's own
 * (the page is written in the digital.gov format and read back), so the web and the CLI accept
 * exactly the same pages and report problems in the same words.
 */
import { AUDIENCES, parseCommunityFile, PLATFORMS, serializeCommunityFile, type CommunityPage, type JoinChannel } from './community-file.ts';
import type { CommunityDetail } from './store.ts';

export const LEVELS = ['federal', 'state', 'local', 'tribal', 'territorial', 'military', 'other'] as const;

export interface PageForm {
  title: string;
  shortName: string;
  acronym: string;
  kicker: string;
  deck: string;
  summary: string;
  body: string;
  topics: string;
  authors: string;
  weight: string;
  highlight: boolean;
  channels: Array<{
    platform: string;
    audience: string;
    subscribeEmail: string;
    subscribeSubject: string;
    subscribeBody: string;
    terms: string;
    joinButton: string;
    remove: boolean;
  }>;
  eligibleLevels: string[];
  allowExceptions: boolean;
  guidelines: string;
}

/** Channel rows shown: every existing one plus one empty row for adding. */
export function formFromCommunity(c: CommunityDetail, settings: { eligibleLevels?: string[]; allowExceptions: boolean; guidelines: string }): PageForm {
  return {
    title: c.title,
    shortName: c.shortName ?? '',
    acronym: c.acronym ?? '',
    kicker: c.kicker ?? '',
    deck: c.deck ?? '',
    summary: c.summary ?? '',
    body: c.body,
    topics: c.topics.join(', '),
    authors: c.authors.join(', '),
    weight: String(c.weight),
    highlight: c.highlight,
    channels: [
      ...c.channels.map((ch) => ({
        platform: ch.platform,
        audience: ch.audience,
        subscribeEmail: ch.subscribeEmail ?? '',
        subscribeSubject: ch.subscribeSubject ?? '',
        subscribeBody: ch.subscribeBody ?? '',
        terms: ch.terms ?? '',
        joinButton: ch.joinButton ?? '',
        remove: false,
      })),
      { platform: '', audience: 'government', subscribeEmail: '', subscribeSubject: '', subscribeBody: '', terms: '', joinButton: '', remove: false },
    ],
    eligibleLevels: settings.eligibleLevels ?? [...LEVELS],
    allowExceptions: settings.allowExceptions,
    guidelines: settings.guidelines,
  };
}

function str(body: Record<string, unknown>, name: string, max = 5000): string {
  const v = body[name];
  return typeof v === 'string' ? v.replace(/\r\n/g, '\n').trim().slice(0, max) : '';
}

function list(body: Record<string, unknown>, name: string): string[] {
  const v = body[name];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string');
}

export function formFromBody(raw: unknown, channelRows: number): PageForm {
  const body = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const channels: PageForm['channels'] = [];
  for (let i = 0; i < Math.min(channelRows, 10); i++) {
    channels.push({
      platform: str(body, `ch${i}_platform`, 40),
      audience: str(body, `ch${i}_audience`, 40),
      subscribeEmail: str(body, `ch${i}_email`, 320),
      subscribeSubject: str(body, `ch${i}_subject`, 300),
      subscribeBody: str(body, `ch${i}_body`, 1000),
      terms: str(body, `ch${i}_terms`, 1000),
      joinButton: str(body, `ch${i}_button`, 200),
      remove: str(body, `ch${i}_remove`) === 'yes',
    });
  }
  return {
    title: str(body, 'title', 300),
    shortName: str(body, 'shortName', 100),
    acronym: str(body, 'acronym', 20),
    kicker: str(body, 'kicker', 300),
    deck: str(body, 'deck', 500),
    summary: str(body, 'summary', 1000),
    body: str(body, 'body', 100_000),
    topics: str(body, 'topics', 1000),
    authors: str(body, 'authors', 1000),
    weight: str(body, 'weight', 2),
    highlight: str(body, 'highlight') === 'yes',
    channels,
    eligibleLevels: list(body, 'levels').filter((l) => (LEVELS as readonly string[]).includes(l)),
    allowExceptions: str(body, 'allowExceptions') === 'yes',
    guidelines: str(body, 'guidelines', 5000),
  };
}

const split = (s: string) => [
  ...new Set(
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  ),
];

/** Where each problem the import reports belongs on the form. */
function formField(field: string): string {
  const ch = /^community_list\[(\d+)\]\.(\w+)$/.exec(field);
  if (ch) {
    const names: Record<string, string> = {
      platform: 'platform',
      type: 'audience',
      subscribe_email: 'email',
      subscribe_email_subject: 'subject',
      subscribe_email_body: 'body',
      terms: 'terms',
      join_cop_button: 'button',
    };
    return `ch${Number(ch[1]) - 1}_${names[ch[2]!] ?? 'platform'}`;
  }
  return ({ dg_shortname: 'shortName', dg_acronym: 'acronym', dg_highlight: 'highlight' } as Record<string, string>)[field] ?? field;
}

/** The page the form describes (unchanged fields kept from `current`), or the problems by form field. */
export function pageFromForm(f: PageForm, current: CommunityDetail): { ok: true; page: CommunityPage } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  if (!f.title) errors.title = 'Enter a title.';
  if (!['0', '1', '2'].includes(f.weight)) errors.weight = 'Choose how the page is shown.';
  const kept = f.channels.filter((ch) => !ch.remove && (ch.platform || ch.subscribeEmail));
  const channels: JoinChannel[] = [];
  kept.forEach((ch) => {
    const i = f.channels.indexOf(ch);
    if (!(PLATFORMS as readonly string[]).includes(ch.platform)) errors[`ch${i}_platform`] = 'Choose the kind of channel.';
    if (!(AUDIENCES as readonly string[]).includes(ch.audience)) errors[`ch${i}_audience`] = 'Choose who may join.';
    const out = { platform: ch.platform, audience: ch.audience, extra: {} } as JoinChannel;
    const previous = current.channels.find((c) => c.platform === ch.platform && c.subscribeEmail === (ch.subscribeEmail || undefined));
    if (previous?.reportedMembersText) {
      out.reportedMembersText = previous.reportedMembersText;
      if (previous.reportedMembers !== undefined) out.reportedMembers = previous.reportedMembers;
    }
    if (ch.subscribeEmail) out.subscribeEmail = ch.subscribeEmail;
    if (ch.subscribeSubject) out.subscribeSubject = ch.subscribeSubject;
    if (ch.subscribeBody) out.subscribeBody = ch.subscribeBody;
    if (ch.terms) out.terms = ch.terms;
    if (ch.joinButton) out.joinButton = ch.joinButton;
    channels.push(out);
  });
  if (Object.keys(errors).length) return { ok: false, errors };
  const page: CommunityPage = {
    slug: current.slug,
    title: f.title,
    body: f.body ? `${f.body}\n` : '',
    authors: split(f.authors),
    topics: split(f.topics).map((t) => t.toLowerCase().replace(/\s+/g, '-')),
    eventCop: current.eventCop,
    weight: Number(f.weight) as 0 | 1 | 2,
    highlight: f.highlight,
    channels,
    extra: current.extra,
    reviewedAt: new Date(),
  };
  for (const [k, v] of [
    ['shortName', f.shortName],
    ['acronym', f.acronym],
    ['kicker', f.kicker],
    ['deck', f.deck],
    ['summary', f.summary],
  ] as const)
    if (v) page[k] = v;
  for (const k of ['logo', 'primaryImage', 'redirectTo', 'publishedAt'] as const)
    if (current[k] !== undefined) (page as unknown as Record<string, unknown>)[k] = current[k];
  // Same rules as an import: write the page in the digital.gov format and read it back.
  const checked = parseCommunityFile(serializeCommunityFile(page));
  if (!checked.ok) {
    for (const e of checked.errors) errors[formField(e.field)] = `${e.field.replace(/^community_list\[(\d+)\]\./, 'Join channel $1: ')} ${e.message}`;
    return { ok: false, errors };
  }
  return { ok: true, page: { ...checked.page, reviewedAt: page.reviewedAt! } };
}
