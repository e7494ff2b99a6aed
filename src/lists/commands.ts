/**
 * E-mail commands to `<list>-request@`: join/subscribe (also the community's own subject lines,
 * "Join #SocialGov", "Subscribe to #SocialGov", "Join the Social Media Community"), leave/
 * unsubscribe, help, confirm <token>, and Mailman users' habits: set digest daily|weekly,
 * set each, set nomail, info and who. Reading the command is a pure function; doing it goes
 * through the same eligibility engine, double opt-in and membership records as the web.
 */

/** How a member gets the list: each message, a daily or weekly digest, or no mail. */
export type DeliveryChoice = 'each' | 'daily' | 'weekly' | 'none';

export type Command =
  | { kind: 'join'; name?: string; jobTitle?: string; agency?: string }
  | { kind: 'leave'; token?: string }
  | { kind: 'help' }
  | { kind: 'info' }
  | { kind: 'who' }
  | { kind: 'set'; mode: DeliveryChoice }
  | { kind: 'confirm'; token: string };

const JOIN = /^(join|subscribe|sub)\b/i;
const LEAVE = /^(leave|unsubscribe|unsub|signoff|remove)\b/i;
const HELP = /^(help|\?)$/i;
const INFO = /^info$/i;
const WHO = /^(who|roster)$/i;
/** Mailman 2's and 3's spellings: "set digest [daily|weekly|on|off]", "set each", "set nomail", "set delivery on|off". */
const SET: Array<[RegExp, DeliveryChoice]> = [
  [/^set\s+digest(\s+(daily|on|plain|mime))?$/i, 'daily'],
  [/^set\s+digest\s+weekly$/i, 'weekly'],
  [/^set\s+(each|digest\s+off|nodigest|mail|delivery\s+on)$/i, 'each'],
  [/^set\s+(nomail|delivery\s+off|vacation)$/i, 'none'],
];
const CONFIRM = /^confirm\s+([A-Za-z0-9_-]{20,100})\b/i;

function cleanSubject(subject: string): string {
  let s = subject.trim();
  for (;;) {
    const next = s.replace(/^(re|fwd?|aw|sv|tr)\s*(\[\d+\])?\s*:\s*/i, '').replace(/^\[[^\]]{1,60}\]\s*/, '');
    if (next === s) return s;
    s = next;
  }
}

/** Name, job title and agency from the body: "Name: …" lines, else the first short lines. */
export function readApplicant(body: string): { name?: string; jobTitle?: string; agency?: string } {
  const lines = bodyLines(body, 12);
  const out: { name?: string; jobTitle?: string; agency?: string } = {};
  const plain: string[] = [];
  for (const line of lines) {
    const m = /^(name|full name|job title|title|position|agency|organization|organisation)\s*[:=-]\s*(.+)$/i.exec(line);
    if (m) {
      const key = m[1]!.toLowerCase();
      const value = m[2]!.trim().slice(0, 200);
      if (key.includes('name')) out.name ??= value;
      else if (key.startsWith('agency') || key.startsWith('organi')) out.agency ??= value;
      else out.jobTitle ??= value;
    } else if (!JOIN.test(line) && !/^(hi|hello|dear|thanks|thank you|please)\b/i.test(line) && line.length <= 80 && !/[@:]/.test(line)) {
      plain.push(line);
    }
  }
  // "Include in the message body your name and job title": two short lines, name first.
  if (!out.name && plain[0]) out.name = plain[0];
  if (!out.jobTitle && !lines.some((l) => /^(job title|title|position)\s*[:=-]/i.test(l)) && plain[1]) out.jobTitle = plain[1];
  return out;
}

/** The first lines a person typed: no quoted text, nothing after a signature marker. */
export function bodyLines(body: string, max: number): string[] {
  const out: string[] = [];
  for (const raw of body.replace(/\r\n/g, '\n').split('\n')) {
    const line = raw.trim();
    if (raw === '-- ' || raw === '--' || /^_{5,}$/.test(line) || /^On .+ wrote:$/.test(line) || /^-{2,}\s*Original Message/i.test(line)) break;
    if (!line || line.startsWith('>')) continue;
    out.push(line);
    if (out.length >= max) break;
  }
  return out;
}

function fromLine(line: string, body: string): Command | undefined {
  const confirm = CONFIRM.exec(line);
  if (confirm) return { kind: 'confirm', token: confirm[1]! };
  if (JOIN.test(line)) return { kind: 'join', ...readApplicant(body) };
  const leave = LEAVE.exec(line);
  if (leave) {
    const token = /\b([0-9a-z]{1,12}\.[0-9a-z]{1,12}\.[A-Za-z0-9_-]{22})\b/.exec(line)?.[1];
    return { kind: 'leave', ...(token ? { token } : {}) };
  }
  if (HELP.test(line)) return { kind: 'help' };
  if (INFO.test(line)) return { kind: 'info' };
  if (WHO.test(line)) return { kind: 'who' };
  const set = SET.find(([re]) => re.test(line));
  if (set) return { kind: 'set', mode: set[1] };
  return undefined;
}

/** The command in a message to -request: the subject first, then the first lines of the body. */
export function readCommand(subject: string, body: string): Command | undefined {
  const s = cleanSubject(subject);
  if (s) {
    const c = fromLine(s, body);
    if (c) return c;
  }
  for (const line of bodyLines(body, 5)) {
    const c = fromLine(line, body);
    if (c) return c;
  }
  return undefined;
}

/**
 * Lines that are a list command and nothing else, as people send them to the post address:
 * "unsubscribe", "Please remove me from this list.", "set digest weekly", "Join #SocialGov".
 * Whole lines only, so "Help with caption tools" or "Unsubscribe links in newsletters" are posts.
 */
const ADMINISTRIVIA = [
  /^(please )?(unsubscribe|unsub|signoff|sign off|leave|remove|subscribe|sub|join|help|info|who)( me)?( (from|to|off|on|of)( (this|the|your|our))?( (mailing )?(list|listserv|distribution|community)| #\S+))?( \S+@\S+)?$/i,
  /^(please )?(remove|take|drop) me (from|off)( of)?( (this|the|your))?( (mailing )?(list|listserv|distribution( list)?))?$/i,
  /^(please )?(add|sign) me( up)?( (to|on|for)( (this|the|your))?( (mailing )?(list|listserv)))?$/i,
  /^set (digest|each|nomail|delivery|mail)\b/i,
  /^(join|subscribe( to)?) the .{1,40}\b(community|list)$/i,
  /^confirm [A-Za-z0-9_-]{20,100}$/i,
];

/** A post body this long is a real message, whatever its first line says (as Mailman's 5-line check). */
const ADMINISTRIVIA_MAX_LINES = 10;

/** The command a message to the post address really is, if it is one: the line that says so. */
export function administriviaLine(subject: string, body: string): string | undefined {
  const isCommand = (line: string) =>
    ADMINISTRIVIA.some((re) =>
      re.test(
        line
          .replace(/\s+/g, ' ')
          .replace(/[\s.!?,;:]+$/, '')
          .trim(),
      ),
    );
  const s = cleanSubject(subject);
  if (s && isCommand(s)) return s;
  const lines = bodyLines(body, ADMINISTRIVIA_MAX_LINES + 1);
  if (lines.length > ADMINISTRIVIA_MAX_LINES) return undefined;
  return lines.slice(0, 5).find(isCommand);
}
