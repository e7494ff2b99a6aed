/**
 * Shared tools and their federal-compatible terms-of-service agreements: status with a dated,
 * attributed history, the agreement document (uploaded or linked), which agencies adopted it,
 * and agency points of contact.
 */
import type pg from 'pg';
import { recordAudit, type Actor } from '../platform/audit.ts';
import { inTransaction, type Queryable } from '../platform/db/queryable.ts';

export const AGREEMENT_STATUSES = ['compatible', 'inactive', 'declined', 'not-compatible', 'closed'] as const;
export type AgreementStatus = (typeof AGREEMENT_STATUSES)[number];
export const AGREEMENT_STATUS_TEXT: Record<AgreementStatus, string> = {
  compatible: 'Federal-compatible',
  inactive: 'Inactive',
  declined: 'Declined by the vendor',
  'not-compatible': 'Not compatible',
  closed: 'Closed (tool shut down)',
};
export const DOC_TYPES = ['pdf', 'word', 'google-doc', 'website'] as const;
export type DocType = (typeof DOC_TYPES)[number];
export const DOC_TYPE_TEXT: Record<DocType, string> = { pdf: 'PDF', word: 'Word document', 'google-doc': 'Google Doc', website: 'Website' };

export class ToolError extends Error {
  readonly code = 'TOOL';
}

export interface Agreement {
  id: number;
  documentUrl: string | null;
  documentFileId: number | null;
  documentFileName: string | null;
  docType: DocType | null;
  date: string | null;
  dateText: string | null;
  status: AgreementStatus;
  history: Array<{ status: string; changedOn: string; changedBy: string; note: string | null }>;
  adoptions: Adoption[];
}

export interface Adoption {
  id: number;
  agency: string;
  signedOn: string;
  documentUrl: string | null;
  documentFileId: number | null;
  contactName: string;
  contactEmail: string;
  recordedBy: string;
  recordedAt: Date;
}

export interface ToolSummary {
  id: number;
  slug: string;
  name: string;
  vendorUrl: string | null;
  description: string | null;
  category: string | null;
  status: AgreementStatus | null;
  adoptions: number;
}

export interface Tool extends ToolSummary {
  agreements: Agreement[];
  evaluations: Array<{ authorName: string; note: string; createdAt: Date }>;
}

const day = (d: Date | string | null): string | null => (d === null ? null : typeof d === 'string' ? d.slice(0, 10) : d.toISOString().slice(0, 10));

export async function listTools(db: Queryable): Promise<ToolSummary[]> {
  const { rows } = await db.query(
    `select t.*, (select status from tos_agreements a where a.tool_id = t.id order by a.id desc limit 1) as status,
            (select count(*) from tos_adoptions d join tos_agreements a on a.id = d.agreement_id where a.tool_id = t.id) as adoptions
       from tools t order by lower(t.name)`,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    slug: r.slug,
    name: r.name,
    vendorUrl: r.vendor_url,
    description: r.description,
    category: r.category,
    status: r.status,
    adoptions: Number(r.adoptions),
  }));
}

export async function findTool(db: Queryable, slug: string): Promise<Tool | undefined> {
  const all = await db.query(
    `select t.*, (select status from tos_agreements a where a.tool_id = t.id order by a.id desc limit 1) as status,
            (select count(*) from tos_adoptions d join tos_agreements a on a.id = d.agreement_id where a.tool_id = t.id) as adoptions
       from tools t where t.slug = $1`,
    [slug],
  );
  const r = all.rows[0];
  if (!r) return undefined;
  const agreements = await db.query(
    `select a.*, f.filename from tos_agreements a left join tos_files f on f.id = a.document_file_id where a.tool_id = $1 order by a.id desc`,
    [r.id],
  );
  const out: Agreement[] = [];
  for (const a of agreements.rows) {
    const history = await db.query(
      'select status, changed_on, changed_by, note from tos_status_changes where agreement_id = $1 order by changed_on desc, id desc',
      [a.id],
    );
    const adoptions = await db.query('select * from tos_adoptions where agreement_id = $1 order by lower(agency)', [a.id]);
    out.push({
      id: Number(a.id),
      documentUrl: a.document_url,
      documentFileId: a.document_file_id === null ? null : Number(a.document_file_id),
      documentFileName: a.filename,
      docType: a.doc_type,
      date: day(a.agreement_date),
      dateText: a.date_text,
      status: a.status,
      history: history.rows.map((h) => ({ status: h.status, changedOn: day(h.changed_on)!, changedBy: h.changed_by, note: h.note })),
      adoptions: adoptions.rows.map((d) => ({
        id: Number(d.id),
        agency: d.agency,
        signedOn: day(d.signed_on)!,
        documentUrl: d.document_url,
        documentFileId: d.document_file_id === null ? null : Number(d.document_file_id),
        contactName: d.contact_name,
        contactEmail: d.contact_email,
        recordedBy: d.recorded_by,
        recordedAt: d.recorded_at,
      })),
    });
  }
  const evaluations = await db.query('select author_name, note_md, created_at from tool_evaluations where tool_id = $1 order by created_at desc', [r.id]);
  return {
    id: Number(r.id),
    slug: r.slug,
    name: r.name,
    vendorUrl: r.vendor_url,
    description: r.description,
    category: r.category,
    status: r.status,
    adoptions: Number(r.adoptions),
    agreements: out,
    evaluations: evaluations.rows.map((e) => ({ authorName: e.author_name, note: e.note_md, createdAt: e.created_at })),
  };
}

export interface ImportedTool {
  slug: string;
  name: string;
  vendorUrl?: string;
  description?: string;
  documentUrl?: string;
  docType?: DocType;
  date?: Date;
  dateText?: string;
  status: AgreementStatus;
}

/** Save a tool and its agreement from the digital.gov list. A changed status is added to the history. */
export async function saveImportedTool(db: Queryable, actor: Actor, t: ImportedTool): Promise<'created' | 'updated'> {
  const { rows } = await db.query<{ id: number; inserted: boolean }>(
    `insert into tools (slug, name, vendor_url, description) values ($1, $2, $3, $4)
     on conflict (slug) do update set name = excluded.name, vendor_url = excluded.vendor_url, description = excluded.description, updated_at = now()
     returning id, (xmax = 0) as inserted`,
    [t.slug, t.name, t.vendorUrl ?? null, t.description ?? null],
  );
  const toolId = Number(rows[0]!.id);
  const existing = await db.query<{ id: number; status: string }>('select id, status from tos_agreements where tool_id = $1 order by id limit 1', [toolId]);
  const date = t.date ? t.date.toISOString().slice(0, 10) : null;
  let agreementId: number;
  if (existing.rows[0]) {
    agreementId = Number(existing.rows[0].id);
    await db.query(
      'update tos_agreements set document_url = $2, doc_type = $3, agreement_date = $4, date_text = $5, status = $6, updated_at = now() where id = $1',
      [agreementId, t.documentUrl ?? null, t.docType ?? null, date, t.dateText ?? null, t.status],
    );
  } else {
    const a = await db.query<{ id: number }>(
      'insert into tos_agreements (tool_id, document_url, doc_type, agreement_date, date_text, status) values ($1, $2, $3, $4, $5, $6) returning id',
      [toolId, t.documentUrl ?? null, t.docType ?? null, date, t.dateText ?? null, t.status],
    );
    agreementId = Number(a.rows[0]!.id);
  }
  if (!existing.rows[0] || existing.rows[0].status !== t.status) {
    await db.query(
      `insert into tos_status_changes (agreement_id, status, changed_on, changed_by, note) values ($1, $2, coalesce($3::date, current_date), $4, $5)`,
      [agreementId, t.status, date, actor.name, 'Imported from the digital.gov list'],
    );
  }
  await recordAudit(db, actor, {
    action: 'library.tool.import',
    subjectType: 'tool',
    subjectId: t.slug,
    after: { status: t.status, documentUrl: t.documentUrl ?? null },
  });
  return rows[0]!.inserted ? 'created' : 'updated';
}

/** Change an agreement's status, dated and attributed. */
export async function changeAgreementStatus(
  pool: pg.Pool,
  actor: Actor,
  agreementId: number,
  status: AgreementStatus,
  changedOn: string,
  note: string | null,
): Promise<void> {
  await inTransaction(pool, async (db) => {
    const before = await db.query<{ status: string }>('select status from tos_agreements where id = $1 for update', [agreementId]);
    if (!before.rows[0]) throw new ToolError('That agreement no longer exists. Reload the page.');
    await db.query('update tos_agreements set status = $2, updated_at = now() where id = $1', [agreementId, status]);
    await db.query('insert into tos_status_changes (agreement_id, status, changed_on, changed_by, note) values ($1, $2, $3, $4, $5)', [
      agreementId,
      status,
      changedOn,
      actor.name,
      note,
    ]);
    await recordAudit(db, actor, {
      action: 'library.agreement.status',
      subjectType: 'agreement',
      subjectId: String(agreementId),
      before: before.rows[0],
      after: { status, changedOn, note },
    });
  });
}

export interface UploadedFile {
  filename: string;
  contentType: string;
  bytes: Buffer;
}

export async function storeFile(db: Queryable, actor: Actor, f: UploadedFile): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    'insert into tos_files (filename, content_type, size, bytes, uploaded_by) values ($1, $2, $3, $4, $5) returning id',
    [f.filename, f.contentType, f.bytes.length, f.bytes, actor.name],
  );
  await recordAudit(db, actor, {
    action: 'library.file.upload',
    subjectType: 'file',
    subjectId: String(rows[0]!.id),
    after: { filename: f.filename, size: f.bytes.length },
  });
  return Number(rows[0]!.id);
}

export async function readFile(db: Queryable, id: number): Promise<UploadedFile | undefined> {
  const { rows } = await db.query('select filename, content_type, bytes from tos_files where id = $1', [id]);
  return rows[0] ? { filename: rows[0].filename, contentType: rows[0].content_type, bytes: rows[0].bytes } : undefined;
}

export interface AdoptionInput {
  agreementId: number;
  agency: string;
  signedOn: string;
  documentUrl?: string | null;
  file?: UploadedFile;
  contactName: string;
  contactEmail: string;
}

/**
 * Who recorded a status change, for people who are not library editors (and the API): the role,
 * not the person. The stored name is an editor's address or the operator's login ("cli:<user>").
 */
export function recorderRole(changedBy: string): string {
  if (changedBy.startsWith('cli:')) return 'the operator';
  if (changedBy === 'system') return 'the site';
  return 'a library editor';
}

export type AdoptionAgency = { ok: true; agency: string } | { ok: false; message: string };

/**
 * The agency an adoption is recorded for. Library editors may record any agency. A member records
 * for the agency (or bureau) the .gov registry lists for their verified address's domain, spelled
 * as the registry spells it; the agency on their profile is typed by them and proves nothing.
 */
export function adoptionAgency(
  viewer: { editor: boolean; domain: string; registered: { agency: string | null; bureau: string | null } | undefined },
  typed: string,
): AdoptionAgency {
  const wanted = typed.trim();
  if (viewer.editor) return { ok: true, agency: wanted };
  const own = [viewer.registered?.agency, viewer.registered?.bureau].filter((a): a is string => !!a);
  if (!own.length) {
    return {
      ok: false,
      message: `The .gov registry lists no agency for your address (${viewer.domain}), so the site cannot tell which agency you sign for. Ask a coordinator to record the adoption.`,
    };
  }
  const match = own.find((a) => a.toLowerCase() === wanted.toLowerCase());
  if (match) return { ok: true, agency: match };
  return {
    ok: false,
    message: `You can record adoptions for ${own.join(' or ')}, the agency the .gov registry lists for your address (${viewer.domain}). Ask a coordinator to record another agency.`,
  };
}

/** Record (or update) that an agency signed an agreement. */
export async function recordAdoption(pool: pg.Pool, actor: Actor, a: AdoptionInput): Promise<number> {
  return inTransaction(pool, async (db) => {
    const fileId = a.file ? await storeFile(db, actor, a.file) : null;
    const { rows } = await db.query<{ id: number }>(
      `insert into tos_adoptions (agreement_id, agency, signed_on, document_url, document_file_id, contact_name, contact_email, recorded_by) values ($1, $2, $3, $4, $5, $6, $7, $8)
       on conflict (agreement_id, lower(agency)) do update set signed_on = excluded.signed_on, document_url = coalesce(excluded.document_url, tos_adoptions.document_url),
          document_file_id = coalesce(excluded.document_file_id, tos_adoptions.document_file_id), contact_name = excluded.contact_name,
          contact_email = excluded.contact_email, recorded_by = excluded.recorded_by, recorded_at = now()
       returning id`,
      [a.agreementId, a.agency, a.signedOn, a.documentUrl ?? null, fileId, a.contactName, a.contactEmail, actor.name],
    );
    const id = Number(rows[0]!.id);
    await recordAudit(db, actor, {
      action: 'library.adoption.record',
      subjectType: 'adoption',
      subjectId: String(id),
      after: { agreementId: a.agreementId, agency: a.agency, signedOn: a.signedOn, contactEmail: a.contactEmail, fileId },
    });
    return id;
  });
}

export async function addEvaluation(
  db: Queryable,
  actor: Actor,
  toolId: number,
  member: { memberId: number; name: string | null; email: string },
  note: string,
): Promise<void> {
  await db.query('insert into tool_evaluations (tool_id, member_id, author_name, note_md) values ($1, $2, $3, $4)', [
    toolId,
    member.memberId,
    member.name ?? member.email,
    note,
  ]);
  await recordAudit(db, actor, { action: 'library.tool.evaluate', subjectType: 'tool', subjectId: String(toolId), after: { note } });
}

export interface Contact {
  kind: 'cabinet' | 'non-cabinet';
  person: string;
  email: string | null;
  title: string | null;
  agency: string;
}

export async function listContacts(db: Queryable): Promise<Contact[]> {
  const { rows } = await db.query('select kind, person, email, title, agency from tos_contacts order by kind, position');
  return rows;
}

/** Replace the points of contact with an imported list. */
export async function replaceContacts(db: Queryable, actor: Actor, contacts: Contact[]): Promise<void> {
  await db.query('delete from tos_contacts');
  for (const [i, c] of contacts.entries()) {
    await db.query('insert into tos_contacts (kind, person, email, title, agency, position) values ($1, $2, $3, $4, $5, $6)', [
      c.kind,
      c.person,
      c.email,
      c.title,
      c.agency,
      i,
    ]);
  }
  await recordAudit(db, actor, { action: 'library.contacts.import', subjectType: 'contacts', subjectId: 'tos', after: { count: contacts.length } });
}

export interface NewTool {
  slug: string;
  name: string;
  vendorUrl: string | null;
  description: string | null;
  category: string | null;
  agreement: { status: AgreementStatus; docType: DocType | null; documentUrl: string | null; file?: UploadedFile; date: string | null };
}

/** A tool added on the site, with its first agreement and the first row of its status history. */
export async function createTool(pool: pg.Pool, actor: Actor, t: NewTool): Promise<void> {
  await inTransaction(pool, async (db) => {
    const taken = await db.query('select 1 from tools where slug = $1', [t.slug]);
    if (taken.rows.length) throw new ToolError(`A tool already uses the address “${t.slug}”. Choose another name, or open that tool.`);
    const { rows } = await db.query<{ id: number }>(
      'insert into tools (slug, name, vendor_url, description, category) values ($1, $2, $3, $4, $5) returning id',
      [t.slug, t.name, t.vendorUrl, t.description, t.category],
    );
    const fileId = t.agreement.file ? await storeFile(db, actor, t.agreement.file) : null;
    const a = await db.query<{ id: number }>(
      'insert into tos_agreements (tool_id, document_url, document_file_id, doc_type, agreement_date, status) values ($1, $2, $3, $4, $5, $6) returning id',
      [rows[0]!.id, t.agreement.documentUrl, fileId, t.agreement.docType, t.agreement.date, t.agreement.status],
    );
    await db.query(
      `insert into tos_status_changes (agreement_id, status, changed_on, changed_by, note) values ($1, $2, coalesce($3::date, current_date), $4, 'Added')`,
      [a.rows[0]!.id, t.agreement.status, t.agreement.date, actor.name],
    );
    await recordAudit(db, actor, {
      action: 'library.tool.create',
      subjectType: 'tool',
      subjectId: t.slug,
      after: { name: t.name, category: t.category, status: t.agreement.status, fileId },
    });
  });
}

/** Change a tool's catalogue details (not its agreements). */
export async function updateToolDetails(
  db: Queryable,
  actor: Actor,
  tool: ToolSummary,
  d: { name: string; vendorUrl: string | null; description: string | null; category: string | null },
): Promise<void> {
  await db.query('update tools set name = $2, vendor_url = $3, description = $4, category = $5, updated_at = now() where id = $1', [
    tool.id,
    d.name,
    d.vendorUrl,
    d.description,
    d.category,
  ]);
  await recordAudit(db, actor, {
    action: 'library.tool.edit',
    subjectType: 'tool',
    subjectId: tool.slug,
    before: { name: tool.name, vendorUrl: tool.vendorUrl, description: tool.description, category: tool.category },
    after: d,
  });
}
