/** The audit trail: every change to community or membership data records who, where and what. */
import type { Queryable } from './db/queryable.ts';

export interface Actor {
  /** A member's address, `cli:<os user>`, or `system`. */
  name: string;
  /** An IP address, `cli`, or `system`. */
  source: string;
}

export const SYSTEM: Actor = { name: 'system', source: 'system' };

export interface AuditEntry {
  action: string;
  subjectType: string;
  subjectId: string;
  before?: unknown;
  after?: unknown;
}

export async function recordAudit(db: Queryable, actor: Actor, e: AuditEntry): Promise<void> {
  await db.query(
    `insert into audit_log (actor, source, action, subject_type, subject_id, before, after)
     values ($1, $2, $3, $4, $5, $6, $7)`,
    [
      actor.name,
      actor.source,
      e.action,
      e.subjectType,
      e.subjectId,
      e.before === undefined ? null : JSON.stringify(e.before),
      e.after === undefined ? null : JSON.stringify(e.after),
    ],
  );
}
