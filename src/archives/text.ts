/**
 * Plain-text mail for reading: quoted blocks found and folded, links made clickable, addresses
 * hidden from non-members. Output is HTML built only from escaped text.
 */
import { escapeHtml, FOLD_END, FOLD_START, obfuscateAddresses, ORIGINAL_MESSAGE } from '../web/mail-text.ts';

// the parts shared with the HTML mail sanitizer (src/web/mail-html.ts) live in src/web
export { escapeHtml, FOLD_END, FOLD_START, obfuscateAddresses, ORIGINAL_MESSAGE };

export interface TextSegment {
  kind: 'text' | 'quote';
  lines: string[];
}

const QUOTED = /^\s*>/;
/** "On Tue, 3 May 2022, Jo Smith <jo@x.gov> wrote:" (may wrap onto a second line). */
const ATTRIBUTION = /(^|\s)(wrote|writes|a \u00e9crit|schrieb|escribi\u00f3)\s*:\s*$/i; // a écrit, escribió
const OUTLOOK_FROM = /^\s*\**From:\**\s+\S/;
const OUTLOOK_NEXT = /^\s*\**(Sent|Date|To|Subject):\**\s/;

/** Split a plain-text body into the author's text and quoted blocks. */
export function splitQuotes(text: string): TextSegment[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const segments: TextSegment[] = [];
  const push = (kind: TextSegment['kind'], line: string) => {
    const last = segments[segments.length - 1];
    if (last && last.kind === kind) last.lines.push(line);
    else segments.push({ kind, lines: [line] });
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const outlook = ORIGINAL_MESSAGE.test(line) || (OUTLOOK_FROM.test(line) && lines.slice(i + 1, i + 4).some((l) => OUTLOOK_NEXT.test(l)));
    if (outlook) {
      for (const rest of lines.slice(i)) push('quote', rest);
      break;
    }
    if (QUOTED.test(line)) {
      push('quote', line);
      continue;
    }
    // an attribution line right before a quote belongs to the quote
    const next = lines.slice(i + 1).find((l) => l.trim() !== '');
    if (ATTRIBUTION.test(line) && next !== undefined && QUOTED.test(next)) {
      push('quote', line);
      continue;
    }
    push('text', line);
  }
  return segments.map((s) => (s.kind === 'quote' ? s : { ...s, lines: trimBlank(s.lines) })).filter((s) => s.lines.length > 0);
}

function trimBlank(lines: string[]): string[] {
  let a = 0;
  let b = lines.length;
  while (a < b && lines[a]!.trim() === '') a++;
  while (b > a && lines[b - 1]!.trim() === '') b--;
  return lines.slice(a, b);
}

/** The author's own words: what the search index holds (quotes repeat earlier posts). */
export function freshText(text: string): string {
  return splitQuotes(text)
    .filter((s) => s.kind === 'text')
    .map((s) => s.lines.join('\n'))
    .join('\n');
}

/**
 * Chunks the database's text parser keeps whole — paths, web addresses, file and host names,
 * slash-joined words ("Facebook/Instagram/TikTok", "./benchmark_rate", "X410/X440/E320",
 * "rx_samples.cpp") — so a search for one of their words would miss them.
 */
const JOINED = /[/\\]|[\p{L}\p{N}_][.:][\p{L}\p{N}_]/u;

/**
 * The text to index: each joined chunk followed by its words, so the search index holds the
 * parts as well as the whole. Addresses (with @) are left as they are: the sender has its own
 * words in the index, and a public archive hides addresses.
 */
export function withJoinedParts(text: string): string {
  return text.replace(/\S+/g, (chunk) => {
    if (!JOINED.test(chunk) || (chunk.includes('@') && !/[/\\]/.test(chunk))) return chunk;
    const parts = chunk.split(/[^\p{L}\p{N}_-]+/u).filter((w) => /[\p{L}\p{N}]/u.test(w));
    // (numbers, times and dates like 3.14, 10:30, 2024/03/04 gain nothing from their parts)
    return parts.length && !parts.every((w) => /^\d+$/.test(w)) ? `${chunk} ${parts.join(' ')}` : chunk;
  });
}

const LINK = /\bhttps?:\/\/[^\s<>"'`]+[^\s<>"'`.,;:!?)\]}]/g;

/** Escape a line and turn web addresses into links (never other schemes). */
export function linkify(line: string, hideAddresses: boolean): string {
  let out = '';
  let at = 0;
  for (const m of line.matchAll(LINK)) {
    const url = m[0];
    const start = m.index;
    out += escapeHtml(hideAddresses ? obfuscateAddresses(line.slice(at, start)) : line.slice(at, start));
    const shown = hideAddresses ? obfuscateAddresses(url) : url;
    // an address hidden inside a link leaves plain text: a link to a changed address would be wrong
    out += shown === url ? `<a href="${escapeHtml(url)}" rel="nofollow noopener noreferrer">${escapeHtml(url)}</a>` : escapeHtml(shown);
    at = start + url.length;
  }
  out += escapeHtml(hideAddresses ? obfuscateAddresses(line.slice(at)) : line.slice(at));
  return out;
}

/** A plain-text body as HTML: the author's text, and each quoted block folded in <details>. */
export function renderPlainText(text: string, opts: { hideAddresses: boolean }): string {
  const parts: string[] = [];
  for (const s of splitQuotes(text)) {
    const body = s.lines.map((l) => linkify(l, opts.hideAddresses)).join('\n');
    if (s.kind === 'text') parts.push(`<pre class="archive-text">${body}</pre>`);
    else {
      const n = s.lines.length;
      parts.push(`${FOLD_START(`Quoted text (${n} ${n === 1 ? 'line' : 'lines'})`)}<pre class="archive-text">${body}</pre>${FOLD_END}`);
    }
  }
  return parts.join('\n');
}
