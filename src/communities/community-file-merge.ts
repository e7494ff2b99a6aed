/**
 * An imported community page over the current one (`communities import --update`): what the file
 * says wins, and what only the current page has is kept.
 */
import type { CommunityPage, JoinChannel } from './community-file.ts';

/** What an import kept from the current page because the file did not have it. */
export interface MergeReport {
  /** Field names as the file writes them (deck, subscribe_email_body, ...). */
  fields: string[];
  /** Headings of sections only the current page had. */
  sections: string[];
  /** Paragraphs of the introduction only the current page had. */
  paragraphs: number;
  /** Join channels only the current page had. */
  channels: number;
}

interface BodyParts {
  intro: string[];
  sections: Array<{ key: string; heading: string; text: string }>;
}

/** A Markdown body as its introduction's paragraphs and its "## " sections (fenced code is never split). */
function bodyParts(body: string): BodyParts {
  const parts: BodyParts = { intro: [], sections: [] };
  let fence = false;
  const introLines: string[] = [];
  let current: { key: string; heading: string; lines: string[] } | undefined;
  const close = () => {
    if (current) parts.sections.push({ key: current.key, heading: current.heading, text: current.lines.join('\n').trim() });
  };
  for (const line of body.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fence = !fence;
    const h = !fence && /^##\s+(.+?)\s*#*\s*$/.exec(line);
    if (h) {
      close();
      current = { key: h[1]!.toLowerCase().replace(/\s+/g, ' '), heading: h[1]!, lines: [line] };
    } else if (current) current.lines.push(line);
    else introLines.push(line);
  }
  close();
  parts.intro = introLines
    .join('\n')
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
  return parts;
}

const sameText = (a: string) => a.replace(/\s+/g, ' ').trim().toLowerCase();

/**
 * An imported page over the community's current one (`communities import --update`): what the
 * file says wins, and what only the current page has is kept, so importing digital.gov's short
 * page over the seeded one keeps its history, What We Do, Who We Are and Related Resources.
 * The body is merged by "## " section (the file's version of a section replaces the current one,
 * sections only the current page has stay where they were) and introduction paragraph; fields the
 * file leaves out keep their current value; join channels are matched by platform and address.
 */
export function mergeCommunityPages(current: CommunityPage, incoming: CommunityPage): { page: CommunityPage; kept: MergeReport } {
  const kept: MergeReport = { fields: [], sections: [], paragraphs: 0, channels: 0 };
  const page: CommunityPage = { ...incoming, extra: { ...current.extra, ...incoming.extra } };
  const scalar: Array<[keyof CommunityPage, string]> = [
    ['deck', 'deck'],
    ['summary', 'summary'],
    ['kicker', 'kicker'],
    ['shortName', 'dg_shortname'],
    ['acronym', 'dg_acronym'],
    ['logo', 'dg_logo'],
    ['primaryImage', 'primary_image'],
    ['publishedAt', 'date'],
  ];
  for (const [k, name] of scalar) {
    if (incoming[k] === undefined && current[k] !== undefined) {
      (page as unknown as Record<string, unknown>)[k] = current[k];
      kept.fields.push(name);
    }
  }
  for (const [k, name] of [
    ['authors', 'authors'],
    ['topics', 'topics'],
    ['eventCop', 'event_cop'],
  ] as const) {
    if (!incoming[k].length && current[k].length) {
      page[k] = current[k];
      kept.fields.push(name);
    }
  }

  const key = (ch: JoinChannel) => `${ch.platform} ${(ch.subscribeEmail ?? '').toLowerCase()}`;
  const channelFields: Array<[keyof JoinChannel, string]> = [
    ['subscribeSubject', 'subscribe_email_subject'],
    ['subscribeBody', 'subscribe_email_body'],
    ['terms', 'terms'],
    ['joinButton', 'join_cop_button'],
    ['reportedMembers', 'members'],
    ['reportedMembersText', 'members'],
    ['emailsPerWeekText', 'emails_per_week'],
  ];
  const used = new Set<JoinChannel>();
  page.channels = incoming.channels.map((ch) => {
    const before = current.channels.find((c) => !used.has(c) && key(c) === key(ch)) ?? current.channels.find((c) => !used.has(c) && c.platform === ch.platform);
    if (!before) return ch;
    used.add(before);
    const merged: JoinChannel = { ...ch, extra: { ...before.extra, ...ch.extra } };
    for (const [k, name] of channelFields) {
      if (ch[k] === undefined && before[k] !== undefined) {
        (merged as unknown as Record<string, unknown>)[k] = before[k];
        if (!kept.fields.includes(name)) kept.fields.push(name);
      }
    }
    return merged;
  });
  for (const ch of current.channels) {
    if (used.has(ch)) continue;
    page.channels.push(ch);
    kept.channels++;
  }

  const now = bodyParts(current.body);
  const next = bodyParts(incoming.body);
  const intro = [...next.intro];
  for (const p of now.intro) {
    if (!next.intro.some((q) => sameText(q) === sameText(p))) {
      intro.push(p);
      kept.paragraphs++;
    }
  }
  const sections: string[] = [];
  for (const s of now.sections) {
    const replaced = next.sections.find((n) => n.key === s.key);
    if (replaced) sections.push(replaced.text);
    else {
      sections.push(s.text);
      kept.sections.push(s.heading);
    }
  }
  for (const n of next.sections) if (!now.sections.some((s) => s.key === n.key)) sections.push(n.text);
  const body = [...intro, ...sections].join('\n\n').trim();
  page.body = body ? `${body}\n` : '';
  return { page, kept };
}
