/**
 * Bulk import of an existing list (a CSV of email, name, title — e.g. a LISTSERV or Mailman
 * export). Every row is classified first (eligible, needs-approval, ineligible, duplicate,
 * malformed) so a dry run shows exactly what an import would do. Eligible rows become members;
 * needs-approval rows go to the coordinators' queue; the rest are reported and skipped.
 */
import { parse } from 'csv-parse/sync';
import type pg from 'pg';
import type { JoinSettings } from '../communities/index.ts';
import type { Actor } from '../platform/audit.ts';
import { inTransaction } from '../platform/db/queryable.ts';
import { queueMail } from '../platform/mail/queued.ts';
import type { Queue } from '../platform/queue.ts';
import { newToken } from '../platform/tokens.ts';
import { nameProblem } from '../platform/text.ts';
import { parseAddress } from './address.ts';
import type { EligibilityDecision } from './eligibility.ts';
import { decide, policyFor, type OperatorLists } from './join.ts';
import { welcomeMail } from './mails.ts';
import { changeMembership, ensureMember, findMemberByEmail, membershipIn } from './members.ts';

export type ImportCategory = 'eligible' | 'needs-approval' | 'ineligible' | 'duplicate' | 'malformed';

export interface ImportRow {
  line: number;
  email: string;
  name: string;
  title: string;
  agency: string;
  category: ImportCategory;
  /** Why, for the report. */
  note: string;
  decision?: EligibilityDecision;
}

export interface ImportPlan {
  rows: ImportRow[];
  counts: Record<ImportCategory, number>;
}

export class ImportFileError extends Error {
  readonly code = 'IMPORT_FILE_INVALID';
}

const HEADER_NAMES: Record<string, 'email' | 'name' | 'title' | 'agency'> = {
  email: 'email',
  'e-mail': 'email',
  address: 'email',
  'email address': 'email',
  name: 'name',
  'full name': 'name',
  title: 'title',
  'job title': 'title',
  job_title: 'title',
  agency: 'agency',
  organization: 'agency',
};

/** Read the CSV text into records with line numbers. A first row naming columns is used as the header. */
export function readMemberCsv(text: string): Array<{ line: number; email: string; name: string; title: string; agency: string }> {
  let records: string[][];
  try {
    records = parse(text.replace(/^\uFEFF/, ''), { relax_column_count: true, skip_empty_lines: true, trim: true, info: false }) as string[][];
  } catch (err) {
    const e = err as Error & { lines?: number };
    throw new ImportFileError(
      `The file is not valid CSV${e.lines ? ` (line ${e.lines})` : ''}: ${e.message}. Save it as comma-separated values and try again.`,
    );
  }
  let columns: Array<'email' | 'name' | 'title' | 'agency' | undefined> = ['email', 'name', 'title', 'agency'];
  let start = 0;
  const first = records[0]?.map((c) => c.toLowerCase());
  if (first && first.some((c) => HEADER_NAMES[c] === 'email')) {
    columns = first.map((c) => HEADER_NAMES[c]);
    start = 1;
  }
  const out: Array<{ line: number; email: string; name: string; title: string; agency: string }> = [];
  for (let i = start; i < records.length; i++) {
    const rec: Record<string, string> = {};
    records[i]!.forEach((v, j) => {
      const col = columns[j];
      if (col) rec[col] = v;
    });
    out.push({ line: i + 1, email: rec.email ?? '', name: rec.name ?? '', title: rec.title ?? '', agency: rec.agency ?? '' });
  }
  return out;
}

export async function planImport(
  pool: pg.Pool,
  text: string,
  community: JoinSettings,
  operator: OperatorLists,
  progress?: (done: number, total: number) => void,
): Promise<ImportPlan> {
  const records = readMemberCsv(text);
  const policy = policyFor(community, operator);
  const seen = new Set<string>();
  const rows: ImportRow[] = [];
  for (const [i, r] of records.entries()) {
    const base = { line: r.line, email: r.email, name: r.name, title: r.title, agency: r.agency };
    const parsed = parseAddress(r.email);
    const badName = nameProblem(r.name, 'The name');
    if (!parsed.ok) {
      rows.push({ ...base, category: 'malformed', note: r.email ? parsed.message : 'no email address' });
    } else if (badName) {
      rows.push({ ...base, category: 'malformed', note: badName });
    } else if (seen.has(parsed.address.toLowerCase())) {
      rows.push({ ...base, email: parsed.address, category: 'duplicate', note: 'appears earlier in the file' });
    } else {
      seen.add(parsed.address.toLowerCase());
      const member = await findMemberByEmail(pool, parsed.address);
      const m = member ? await membershipIn(pool, member.id, community.id) : undefined;
      if (m && (m.status === 'active' || m.status === 'banned')) {
        rows.push({ ...base, email: parsed.address, category: 'duplicate', note: m.status === 'active' ? 'already a member' : 'banned from this community' });
      } else {
        const decision = await decide(pool, parsed.address, policy);
        const note = decision.outcome === 'eligible' ? decision.reason : decision.outcome === 'needs-approval' ? decision.reason : decision.message;
        // Report refused rows as typed (a look-alike shown in punycode would hide the trick).
        rows.push({ ...base, email: decision.outcome === 'ineligible' ? r.email : parsed.address, category: decision.outcome, note, decision });
      }
    }
    progress?.(i + 1, records.length);
  }
  const counts = { eligible: 0, 'needs-approval': 0, ineligible: 0, duplicate: 0, malformed: 0 } as Record<ImportCategory, number>;
  for (const r of rows) counts[r.category]++;
  return { rows, counts };
}

export interface ApplyOptions {
  community: JoinSettings;
  actor: Actor;
  /** Send each new member the welcome mail (off by default: an import is not a request). */
  welcome: boolean;
  /** The job queue: welcome mail is queued with the import and sent by a worker. */
  queue: Queue;
  baseUrl: string;
  progress?: (done: number, total: number) => void;
}

/** Carry out a plan in one transaction: members for eligible rows, queue entries for the rest that may ask. */
export async function applyImport(pool: pg.Pool, plan: ImportPlan, o: ApplyOptions): Promise<{ joined: number; queued: number }> {
  const work = plan.rows.filter((r) => r.category === 'eligible' || r.category === 'needs-approval');
  const joined: string[] = [];
  let queued = 0;
  await inTransaction(pool, async (tx) => {
    for (const [i, r] of work.entries()) {
      const d = r.decision!;
      if (d.outcome === 'eligible') {
        const member = await ensureMember(tx, {
          email: r.email,
          name: r.name || null,
          jobTitle: r.title || null,
          agency: r.agency || d.agency || null,
          governmentLevel: d.level ?? null,
        });
        await changeMembership(tx, o.actor, {
          communityId: o.community.id,
          memberId: member.id,
          status: 'active',
          governmentLevel: d.level ?? null,
          source: 'import',
          action: 'membership.import',
        });
        if (o.welcome) {
          // Queued in the import's transaction: sent once by a worker, never for a rolled-back import.
          await queueMail(tx, o.queue, welcomeMail(r.email, o.community, `${o.baseUrl}/communities/${o.community.slug}`, `${o.baseUrl}/account`), {
            key: `welcome:import:${o.community.id}:${member.id}`,
          });
        }
        joined.push(r.email);
      } else {
        // Already vouched for by the old list, but not decidable by address: a coordinator looks.
        await tx.query(
          `insert into join_requests (community_id, email, name, job_title, agency, reason, decision, token_hash, expires_at, status, confirmed_at, ip)
           values ($1, $2, $3, $4, $5, $6, $7, $8, now(), 'awaiting-approval', now(), $9)`,
          [
            o.community.id,
            r.email,
            r.name || r.email,
            r.title || null,
            r.agency || null,
            'Imported from the previous list',
            JSON.stringify(d),
            newToken().hash,
            o.actor.source,
          ],
        );
        queued++;
      }
      o.progress?.(i + 1, work.length);
    }
  });
  return { joined: joined.length, queued };
}

/** The report lines: one per row that was not imported as a member, then the totals. */
export function importReport(plan: ImportPlan): string[] {
  const lines = plan.rows.filter((r) => r.category !== 'eligible').map((r) => `line ${r.line}: ${r.category}: ${r.email || '(blank)'} — ${r.note}`);
  const c = plan.counts;
  lines.push(
    `${plan.rows.length} rows: ${c.eligible} eligible, ${c['needs-approval']} need approval, ${c.ineligible} ineligible, ${c.duplicate} duplicate, ${c.malformed} malformed.`,
  );
  return lines;
}
