/**
 * Plain one-line text that people type about people (names): what may not be in it, and how to
 * show stored text on a terminal without letting it act on the terminal.
 *
 * A name is shown in mail headers, CSV exports, the directory and `socialgov members list`.
 * CR and LF there can forge a header or a row, ESC sequences repaint an operator's terminal, and
 * bidirectional overrides (U+202E) make "Eve" read as another name. None belongs in a name.
 */

/** C0 controls (including TAB, CR, LF, ESC), DEL, and C1 controls (including CSI U+009B). */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;
/** Bidirectional embeddings, overrides and isolates: they reorder how the text around them is shown. */
const BIDI = /[\u202A-\u202E\u2066-\u2069]/;

export type TextProblem = 'control' | 'bidi';

export function unsafeCharacter(text: string): TextProblem | undefined {
  if (CONTROL.test(text)) return 'control';
  if (BIDI.test(text)) return 'bidi';
  return undefined;
}

/**
 * Why this name cannot be saved, in words for the person who typed it, or undefined when it
 * can. `whose` starts the sentence: "Your name", "The guest author’s name".
 */
export function nameProblem(name: string, whose = 'Your name'): string | undefined {
  switch (unsafeCharacter(name)) {
    case 'control':
      return `${whose} can’t contain line breaks, tabs or other control characters. Type it again on one line.`;
    case 'bidi':
      return `${whose} can’t contain characters that change the direction of the text around them (such as U+202E). Type it again without them.`;
    default:
      return undefined;
  }
}

/** Every character a terminal would act on or hide: controls, and format characters (Cf) such as U+202E and U+200B. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNPRINTABLE = /[\u0000-\u001F\u007F-\u009F]|\p{Cf}/gu;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** Stored text for a terminal: controls and invisible characters as escapes (`\x1b`, `\u202e`), the rest as it is. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => {
    const code = c.codePointAt(0)!;
    return NAMED[c] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
  });
}

/**
 * JSON for a terminal: JSON.stringify escapes C0 controls but leaves DEL, C1 controls (U+009B
 * starts a terminal sequence) and format characters (U+202E) raw; those are escaped too, which
 * is still the same JSON value (they can only occur inside strings).
 */
export function printableJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/[\u007F-\u009F]|\p{Cf}/gu, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}

// Sorting without ICU: String.prototype.localeCompare and Intl.Collator map about 2-5 MB of
// ICU's collation code and data into the process at first use, for good (docs/operations.md,
// idle memory); the lint forbids them in src/.

/** Strings in the order of their UTF-16 code units (as Array.prototype.sort), the same on every machine: for keys, slugs and file names. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Names as people look them up: letters compared without regard to case ("de Soto" beside "Denver"), then by code unit. */
export function compareWords(a: string, b: string): number {
  return compareText(a.toLowerCase(), b.toLowerCase()) || compareText(a, b);
}
