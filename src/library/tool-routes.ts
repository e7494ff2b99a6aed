/** What the shared-tool pages share: the uploaded document (multipart), options, the tool a page is about, the tool page, who may record or manage. */
import multipart, { type MultipartFile } from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DateTime } from '../platform/luxon.ts';
import { agencyOfDomain, type DomainAgency, parseAddress } from '../membership/index.ts';
import { NotFoundError, formToken, sendPage, SignInRequiredError, ForbiddenError, siteFor, type AppContext } from '../platform/http/context.ts';
import type { FieldErrors } from '../web/forms.tsx';
import { canEdit, canWrite } from './articles.ts';
import { findTool, type Tool, type UploadedFile } from './tools.ts';
import { ToolPage, type ToolPageProps } from './tool-views.tsx';

const MAX_UPLOAD = 10 * 1024 * 1024;
const ALLOWED_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};

declare module 'fastify' {
  interface FastifyRequest {
    /** Files from a multipart form, by field name (set by this plugin's onFile). */
    uploads?: Record<string, { filename: string; mimetype: string; bytes: Buffer } | { tooLarge: true; filename: string }>;
  }
}

/** A date typed as YYYY-MM-DD (or M/D/YYYY), not in the future. */
export function parseDay(text: string, now = new Date()): string | undefined {
  let dt = DateTime.fromFormat(text, 'yyyy-MM-dd', { zone: 'utc' });
  if (!dt.isValid) dt = DateTime.fromFormat(text, 'M/d/yyyy', { zone: 'utc' });
  if (!dt.isValid || dt.toJSDate() > now) return undefined;
  return dt.toISODate() ?? undefined;
}

/** Multipart forms (a tool's or an adoption's document, up to 10 MB) for the tool plugins that take them. */
export async function registerUploads(app: FastifyInstance) {
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    limits: { fileSize: MAX_UPLOAD, files: 1, fields: 20 },
    async onFile(this: FastifyRequest, part: MultipartFile) {
      this.uploads ??= {};
      if (!part.filename) {
        part.file.resume();
        return;
      }
      try {
        this.uploads[part.fieldname] = { filename: part.filename, mimetype: part.mimetype, bytes: await part.toBuffer() };
      } catch {
        // Too large: keep the rest of the form, and say so next to the field.
        part.file.resume();
        this.uploads[part.fieldname] = { tooLarge: true, filename: part.filename };
      }
    },
  });
}

/** The route options and helpers every tool page plugin uses, bound to the platform's context. */
export function toolRouteKit(ctx: AppContext, app: FastifyInstance) {
  const hide = { schema: { hide: true } };
  // the same for every signed-out visitor: may be kept a few seconds (platform/http/page-cache.ts)
  const publicPage = { ...hide, config: { pageCache: true } };
  // the same for every member of the same standing (roles and memberships): kept for them too (page-cache.ts)
  const standingPage = { ...hide, config: { pageCache: true, memberPageCache: true } };
  const csrf = { preHandler: app.csrfProtection, schema: { hide: true } };

  async function tool(slug: string): Promise<Tool> {
    const t = await findTool(ctx.pool, slug);
    if (!t) throw new NotFoundError(`There is no tool at “${slug}”. See the list at /library/tools.`);
    return t;
  }

  /** What the .gov registry says about the domain of a signed-in member's address (verified by signing in). */
  async function ownAgency(email: string): Promise<{ domain: string; registered: DomainAgency | undefined }> {
    const parsed = parseAddress(email);
    const domain = parsed.ok ? parsed.domain : email.slice(email.lastIndexOf('@') + 1);
    return { domain, registered: parsed.ok ? await agencyOfDomain(ctx.pool, parsed.domain) : undefined };
  }

  async function page(req: FastifyRequest, reply: FastifyReply, t: Tool, extra: Partial<ToolPageProps> = {}, status = 200) {
    const v = req.viewer;
    const canRecord = v ? await canWrite(ctx.pool, v) : false;
    return sendPage(
      reply,
      ToolPage({
        site: siteFor(ctx, req),
        tool: t,
        csrf: v ? formToken(reply) : undefined,
        canRecord,
        canManage: v ? await canEdit(ctx.pool, v, null) : false,
        ownAgency: v && canRecord ? ((await ownAgency(v.email)).registered?.agency ?? undefined) : undefined,
        ...extra,
      }),
      status,
    );
  }

  function viewerOf(req: FastifyRequest) {
    if (!req.viewer) throw new SignInRequiredError('Sign in to record agreements and adoptions.');
    return req.viewer;
  }

  /** The uploaded document field, checked: a PDF or Word file, or an error for the field. */
  function uploadedDocument(req: FastifyRequest, errors: FieldErrors): UploadedFile | undefined {
    const upload = req.uploads?.document;
    if (!upload) return undefined;
    if ('tooLarge' in upload) {
      errors.document = `${upload.filename} is larger than 10 MB. Upload a smaller file, or give a link instead.`;
      return undefined;
    }
    const type = ALLOWED_TYPES[upload.filename.toLowerCase().split('.').pop() ?? ''];
    if (!type) errors.document = `${upload.filename} is not a PDF or Word file. Upload a .pdf, .doc or .docx file.`;
    else if (!upload.bytes.length) errors.document = `${upload.filename} is empty. Choose the file again.`;
    else return { filename: upload.filename, contentType: type, bytes: upload.bytes };
    return undefined;
  }

  async function editor(req: FastifyRequest) {
    const v = viewerOf(req);
    if (!(await canEdit(ctx.pool, v, null))) throw new ForbiddenError('Only coordinators and site administrators can add or edit tools.');
    return v;
  }

  return { hide, publicPage, standingPage, csrf, tool, ownAgency, page, viewerOf, uploadedDocument, editor };
}
