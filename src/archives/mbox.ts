/**
 * mbox files: reading the archives other list servers export (mboxo, mboxrd, optionally
 * gzip-compressed) and writing mboxrd, which mutt, Thunderbird and Python's `mailbox` read.
 */
import { gunzipSync } from 'node:zlib';
import { DateTime } from '../platform/luxon.ts';

export class MboxFormatError extends Error {
  readonly code = 'IMPORT_FILE_INVALID';
}

const NL = 0x0a;

function isGzip(data: Buffer): boolean {
  return data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b;
}

/** Uncompress if gzip; explain what to do when the file is damaged. */
export function mboxBytes(data: Buffer): Buffer {
  if (!isGzip(data)) return data;
  try {
    return gunzipSync(data);
  } catch (err) {
    throw new MboxFormatError(
      `The file looks gzip-compressed but cannot be uncompressed (${(err as Error).message}). Check that the download finished, or uncompress it yourself and import the .mbox file.`,
    );
  }
}

function startsWithFrom(data: Buffer, at: number): boolean {
  return data[at] === 0x46 && data[at + 1] === 0x72 && data[at + 2] === 0x6f && data[at + 3] === 0x6d && data[at + 4] === 0x20;
}

/** Undo mboxrd/mboxo quoting: a body line ">From " or ">>From " loses one ">". */
function unquote(message: Buffer): Buffer {
  if (!message.includes('>From ')) return message;
  const text = message.toString('latin1').replace(/^>(>*From )/gm, '$1');
  return Buffer.from(text, 'latin1');
}

/**
 * Split an mbox into raw messages (without their "From " separator lines). Throws
 * MboxFormatError for a file that is not an mbox, naming what was expected.
 */
export interface MboxMessage {
  raw: Buffer;
  /** The date on the "From " separator line, if it has a usable one. */
  separatorDate: Date | null;
}

function separatorDate(line: string): Date | null {
  const m = /(\w{3})\s+(\d{1,2})\s+(\d{2}:\d{2}:\d{2})\s+(\d{4})\s*$/.exec(line);
  if (!m) return null;
  const d = DateTime.fromFormat(`${m[1]} ${m[2]} ${m[3]} ${m[4]}`, 'LLL d HH:mm:ss yyyy', { zone: 'utc', locale: 'en-US' });
  return d.isValid && d.year > 1970 ? d.toJSDate() : null;
}

export function splitMbox(data: Buffer): MboxMessage[] {
  let start = 0;
  while (start < data.length && (data[start] === NL || data[start] === 0x0d)) start++;
  if (start >= data.length) throw new MboxFormatError('The file is empty: there are no messages to import.');
  if (!startsWithFrom(data, start)) {
    const firstLine = data
      .subarray(start, Math.min(data.length, start + 60))
      .toString('utf8')
      .split('\n')[0];
    throw new MboxFormatError(
      `This is not an mbox file: it should start with a line beginning "From " but starts with "${firstLine}". Export the archive as mbox (Mailman: the "Download" link of the archive; LISTSERV: the mbox export), then try again.`,
    );
  }
  const messages: MboxMessage[] = [];
  let sep = start;
  for (;;) {
    const lineEnd = data.indexOf(NL, sep);
    if (lineEnd < 0) break;
    // the next separator: a line starting "From " (the writer quoted such body lines)
    const nl = data.indexOf('\nFrom ', lineEnd);
    const next = nl < 0 ? -1 : nl + 1;
    const end = next < 0 ? data.length : next;
    let body = data.subarray(lineEnd + 1, end);
    // drop the blank line that separates messages
    if (body.length && body[body.length - 1] === NL) body = body.subarray(0, body.length - 1);
    if (body.length && body[body.length - 1] === 0x0d) body = body.subarray(0, body.length - 1);
    if (body.length) messages.push({ raw: unquote(body), separatorDate: separatorDate(data.subarray(sep, lineEnd).toString('latin1')) });
    if (next < 0) break;
    sep = next;
  }
  return messages;
}

/** The "From " line of one message: envelope sender and asctime date in UTC. */
export function fromLine(sender: string, date: Date): string {
  const who = /^[^\s@]+@[^\s@]+$/.test(sender) ? sender : 'MAILER-DAEMON';
  const d = DateTime.fromJSDate(date, { zone: 'utc' }).setLocale('en-US');
  return `From ${who} ${d.toFormat('ccc LLL')} ${d.toFormat('d').padStart(2, ' ')} ${d.toFormat('HH:mm:ss yyyy')}`;
}

/**
 * One message in mboxrd form: "From " line, the message with LF line ends and every
 * ">*From " body line quoted with one more ">", then a blank line.
 */
export function mboxrdEntry(raw: Buffer, sender: string, date: Date): Buffer {
  let text = raw.toString('latin1').replace(/\r\n/g, '\n');
  text = text.replace(/^(>*From )/gm, '>$1');
  if (!text.endsWith('\n')) text += '\n';
  return Buffer.concat([Buffer.from(fromLine(sender, date) + '\n', 'latin1'), Buffer.from(text, 'latin1'), Buffer.from('\n')]);
}

export { isGzip };
