/** Routes for shared tools: the catalogue, one tool, agreement status, agency adoptions (with an uploaded document) and evaluation notes. */
import multipart, { type MultipartFile } from '@fastify/multipart';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { DateTime } from 'luxon';
import { agencyOfDomain, type DomainAgency, parseAddress } from '../membership/index.ts';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ApiError } from '../platform/http/schemas.ts';
import { Tool as ToolSchema, ToolList, ToolSlugParams, type ToolJson } from './schemas.ts';
import { nameProblem } from '../platform/text.ts';
import { absoluteUrl, NotFoundError, sendPage, SignInRequiredError, ForbiddenError, siteFor, type AppContext } from '../platform/http/context.ts';
import { field, type FieldErrors } from '../web/forms.tsx';
import { canEdit, canWrite } from './articles.ts';
import {
  addEvaluation, AGREEMENT_STATUSES, changeAgreementStatus, createTool, DOC_TYPES, findTool, updateToolDetails, type DocType, listContacts, listTools, adoptionAgency, readFile, recorderRole, recordAdoption, ToolError,
  type AgreementStatus, type Tool, type UploadedFile,
} from './tools.ts';
import { ToolFormPage, ToolPage, ToolsPage, type AdoptionFormValues, type ToolFormValues, type ToolPageProps } from './tool-views.tsx';

const MAX_UPLOAD = 10 * 1024 * 1024;
const ALLOWED_TYPES: Record<string, string> = {
  pdf: 'application/pdf', doc: 'application/msword', docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
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

export function toolRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
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
    const hide = { schema: { hide: true } };
    // the same for every signed-out visitor: may be kept a few seconds (platform/http/page-cache.ts)
    const publicPage = { ...hide, config: { pageCache: true } };
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
      return sendPage(reply, ToolPage({
        site: siteFor(ctx, req), tool: t, csrf: v ? reply.generateCsrf() : undefined,
        canRecord, canManage: v ? await canEdit(ctx.pool, v, null) : false,
        ownAgency: v && canRecord ? ((await ownAgency(v.email)).registered?.agency ?? undefined) : undefined, ...extra,
      }), status);
    }

    function viewerOf(req: FastifyRequest) {
      if (!req.viewer) throw new SignInRequiredError('Sign in to record agreements and adoptions.');
      return req.viewer;
    }

    function toolJson(req: FastifyRequest, t: Tool): ToolJson {
      const file = (id: number | null, url: string | null) => (id !== null ? absoluteUrl(ctx, `/library/tools/files/${id}`) : url);
      return {
        slug: t.slug, name: t.name, vendorUrl: t.vendorUrl, description: t.description, category: t.category, url: absoluteUrl(ctx, `/library/tools/${t.slug}`),
        agreements: t.agreements.map((a) => ({
          status: a.status, documentUrl: file(a.documentFileId, a.documentUrl), documentType: a.docType, date: a.date, dateText: a.dateText,
          history: a.history.map((h) => ({ ...h, changedBy: recorderRole(h.changedBy) })),
          adoptions: a.adoptions.map((d) => ({ agency: d.agency, signedOn: d.signedOn, contactName: d.contactName, contactEmail: d.contactEmail, documentUrl: file(d.documentFileId, d.documentUrl) })),
        })),
      };
    }

    const api = app.withTypeProvider<TypeBoxTypeProvider>();
    api.get('/api/v1/tools', {
      schema: {
        operationId: 'listTools', tags: ['library'], summary: 'List shared tools',
        description: 'Every tool with its terms-of-service agreements, their status history, and the agencies that signed them.',
        response: { 200: ToolList },
      },
    }, async (req) => {
      const tools = [];
      for (const t of await listTools(ctx.pool)) tools.push(toolJson(req, (await findTool(ctx.pool, t.slug))!));
      return { total: tools.length, data: tools };
    });

    api.get('/api/v1/tools/:slug', {
      schema: {
        operationId: 'getTool', tags: ['library'], summary: 'One shared tool', description: 'A tool with its agreements and adoptions.',
        params: ToolSlugParams, response: { 200: ToolSchema, 404: Type.Ref(ApiError) },
      },
    }, async (req) => {
      const t = await findTool(ctx.pool, req.params.slug);
      if (!t) throw new NotFoundError(`There is no tool "${req.params.slug}". List tools at /api/v1/tools.`);
      return toolJson(req, t);
    });

    app.get('/library/tools', publicPage, async (req, reply) => {
      // The same for every visitor, a few seconds old at most (ctx.recent); then what is theirs.
      const { tools, contacts } = await ctx.recent('library-tools', async () => ({ tools: await listTools(ctx.pool), contacts: await listContacts(ctx.pool) }));
      return sendPage(reply, ToolsPage({ site: siteFor(ctx, req), tools, contacts, canManage: req.viewer ? await canEdit(ctx.pool, req.viewer, null) : false }));
    });

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

    function toolValues(body: unknown): ToolFormValues {
      return {
        name: field(body, 'name', 200), vendorUrl: field(body, 'vendorUrl', 500), description: field(body, 'description', 500), category: field(body, 'category', 200),
        status: field(body, 'status', 30) || 'compatible', docType: field(body, 'docType', 30), documentUrl: field(body, 'documentUrl', 500), date: field(body, 'date', 30),
      };
    }

    function checkDetails(v: ToolFormValues, errors: FieldErrors) {
      if (!v.name) errors.name = 'Enter the name of the tool.';
      if (v.vendorUrl && !/^https?:\/\/\S+$/.test(v.vendorUrl)) errors.vendorUrl = 'Enter the address starting with https://, or leave it blank.';
    }

    app.get('/library/tools/new', hide, async (req, reply) => {
      await editor(req);
      return sendPage(reply, ToolFormPage({ site: siteFor(ctx, req), csrf: reply.generateCsrf(), values: toolValues({}) }));
    });

    app.post('/library/tools/new', csrf, async (req, reply) => {
      const v = await editor(req);
      const values = toolValues(req.body);
      const errors: FieldErrors = {};
      checkDetails(values, errors);
      const slug = values.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
      if (values.name && !slug) errors.name = 'Use at least one letter or digit in the name.';
      if (!(AGREEMENT_STATUSES as readonly string[]).includes(values.status)) errors.status = 'Choose a status from the list.';
      if (values.docType && !(DOC_TYPES as readonly string[]).includes(values.docType)) errors.docType = 'Choose a kind of document from the list.';
      if (values.documentUrl && !/^https?:\/\/\S+$/.test(values.documentUrl)) errors.documentUrl = 'Enter the address starting with https://, or leave it blank.';
      const date = values.date ? parseDay(values.date) : null;
      if (values.date && !date) errors.date = 'Enter a real date that is not in the future, as YYYY-MM-DD, or leave it blank.';
      const file = uploadedDocument(req, errors);
      const again = (e: FieldErrors) => sendPage(reply, ToolFormPage({ site: siteFor(ctx, req), csrf: reply.generateCsrf(), values, errors: e }), 400);
      if (Object.keys(errors).length) return again(errors);
      try {
        await createTool(ctx.pool, { name: v.email, source: req.ip }, {
          slug, name: values.name, vendorUrl: values.vendorUrl || null, description: values.description || null, category: values.category || null,
          agreement: { status: values.status as AgreementStatus, docType: (values.docType || (file ? (file.contentType === 'application/pdf' ? 'pdf' : 'word') : null)) as DocType | null, documentUrl: values.documentUrl || null, file, date: date ?? null },
        });
      } catch (err) {
        if (err instanceof ToolError) return again({ name: err.message });
        throw err;
      }
      return reply.redirect(`/library/tools/${slug}?done=created`, 303);
    });

    app.get<{ Params: { slug: string } }>('/library/tools/:slug/edit', hide, async (req, reply) => {
      await editor(req);
      const t = await tool(req.params.slug);
      const values = { ...toolValues({}), name: t.name, vendorUrl: t.vendorUrl ?? '', description: t.description ?? '', category: t.category ?? '' };
      return sendPage(reply, ToolFormPage({ site: siteFor(ctx, req), csrf: reply.generateCsrf(), values, editing: { slug: t.slug, name: t.name } }));
    });

    app.post<{ Params: { slug: string } }>('/library/tools/:slug/edit', csrf, async (req, reply) => {
      const v = await editor(req);
      const t = await tool(req.params.slug);
      const values = toolValues(req.body);
      const errors: FieldErrors = {};
      checkDetails(values, errors);
      if (Object.keys(errors).length) return sendPage(reply, ToolFormPage({ site: siteFor(ctx, req), csrf: reply.generateCsrf(), values, errors, editing: { slug: t.slug, name: t.name } }), 400);
      await updateToolDetails(ctx.pool, { name: v.email, source: req.ip }, t, {
        name: values.name, vendorUrl: values.vendorUrl || null, description: values.description || null, category: values.category || null,
      });
      return reply.redirect(`/library/tools/${t.slug}?done=details`, 303);
    });

    const NOTICES: Record<string, string> = {
      adoption: 'The adoption is recorded.', status: 'The status is changed.', evaluation: 'Your note is added.', created: 'The tool is added.', details: 'The details are saved.',
    };
    app.get<{ Params: { slug: string }; Querystring: { done?: string } }>('/library/tools/:slug', publicPage, async (req, reply) =>
      page(req, reply, await tool(req.params.slug), { notice: NOTICES[req.query.done ?? ''] }),
    );

    app.get<{ Params: { id: string } }>('/library/tools/files/:id', hide, async (req, reply) => {
      const id = /^\d{1,15}$/.test(req.params.id) ? Number(req.params.id) : NaN;
      const f = Number.isFinite(id) ? await readFile(ctx.pool, id) : undefined;
      if (!f) throw new NotFoundError('That document does not exist.');
      const safeName = f.filename.replace(/[^A-Za-z0-9._-]+/g, '_');
      return reply.type(f.contentType).header('content-disposition', `attachment; filename="${safeName}"`).header('x-content-type-options', 'nosniff').send(f.bytes);
    });

    app.post<{ Params: { slug: string; agreement: string } }>('/library/tools/:slug/agreements/:agreement/adoptions', csrf, async (req, reply) => {
      const v = viewerOf(req);
      const t = await tool(req.params.slug);
      const agreement = t.agreements.find((a) => String(a.id) === req.params.agreement);
      if (!agreement) throw new NotFoundError('That agreement does not exist. Reload the tool page.');
      if (!(await canWrite(ctx.pool, v))) throw new ForbiddenError('Members of a community can record adoptions. Join a community first.');
      const values: AdoptionFormValues = {
        agency: field(req.body, 'agency', 200), signedOn: field(req.body, 'signedOn', 30), documentUrl: field(req.body, 'documentUrl', 500),
        contactName: field(req.body, 'contactName', 200), contactEmail: field(req.body, 'contactEmail', 320),
      };
      const errors: FieldErrors = {};
      const editor = await canEdit(ctx.pool, v, null);
      const own = await ownAgency(v.email);
      const agency = values.agency ? adoptionAgency({ editor, ...own }, values.agency) : undefined;
      if (!agency) errors.agency = 'Enter the agency that signed the agreement.';
      else if (!agency.ok) errors.agency = agency.message;
      const signedOn = values.signedOn ? parseDay(values.signedOn) : undefined;
      if (!values.signedOn) errors.signedOn = 'Enter the date the agency signed, for example 2024-03-15.';
      else if (!signedOn) errors.signedOn = 'Enter a real date that is not in the future, as YYYY-MM-DD (for example 2024-03-15).';
      if (!values.contactName) errors.contactName = 'Enter the name of the agency’s point of contact.';
      else if (nameProblem(values.contactName, 'The point of contact’s name')) errors.contactName = nameProblem(values.contactName, 'The point of contact’s name')!;
      const email = values.contactEmail ? parseAddress(values.contactEmail) : undefined;
      if (!values.contactEmail) errors.contactEmail = 'Enter the point of contact’s work email address.';
      else if (email && !email.ok) errors.contactEmail = email.message;
      if (values.documentUrl && !/^https?:\/\/\S+$/.test(values.documentUrl)) errors.documentUrl = 'Enter the address starting with https://, or leave it blank.';
      const file = uploadedDocument(req, errors);
      if (Object.keys(errors).length) return page(req, reply, t, { adoption: { agreementId: agreement.id, values, errors } }, 400);
      await recordAdoption(ctx.pool, { name: v.email, source: req.ip }, {
        agreementId: agreement.id, agency: agency!.ok ? agency!.agency : values.agency, signedOn: signedOn!, documentUrl: values.documentUrl || null, file,
        contactName: values.contactName, contactEmail: email!.ok ? email!.address : values.contactEmail,
      });
      return reply.redirect(`/library/tools/${t.slug}?done=adoption`, 303);
    });

    app.post<{ Params: { slug: string; agreement: string } }>('/library/tools/:slug/agreements/:agreement/status', csrf, async (req, reply) => {
      const v = viewerOf(req);
      const t = await tool(req.params.slug);
      const agreement = t.agreements.find((a) => String(a.id) === req.params.agreement);
      if (!agreement) throw new NotFoundError('That agreement does not exist. Reload the tool page.');
      if (!(await canEdit(ctx.pool, v, null))) throw new ForbiddenError('Only coordinators and site administrators can change an agreement’s status.');
      const values = { status: field(req.body, 'status', 30), changedOn: field(req.body, 'changedOn', 30), note: field(req.body, 'note', 500) };
      const errors: FieldErrors = {};
      if (!(AGREEMENT_STATUSES as readonly string[]).includes(values.status)) errors.status = 'Choose a status from the list.';
      const changedOn = values.changedOn ? parseDay(values.changedOn) : DateTime.utc().toISODate()!;
      if (!changedOn) errors.changedOn = 'Enter a real date that is not in the future, as YYYY-MM-DD, or leave it blank for today.';
      if (Object.keys(errors).length) return page(req, reply, t, { status: { agreementId: agreement.id, values, errors } }, 400);
      try {
        await changeAgreementStatus(ctx.pool, { name: v.email, source: req.ip }, agreement.id, values.status as AgreementStatus, changedOn!, values.note || null);
      } catch (err) {
        if (err instanceof ToolError) return page(req, reply, t, { status: { agreementId: agreement.id, values, errors: { status: err.message } } }, 409);
        throw err;
      }
      return reply.redirect(`/library/tools/${t.slug}?done=status`, 303);
    });

    app.post<{ Params: { slug: string } }>('/library/tools/:slug/evaluations', csrf, async (req, reply) => {
      const v = viewerOf(req);
      const t = await tool(req.params.slug);
      if (!(await canWrite(ctx.pool, v))) throw new ForbiddenError('Members of a community can add evaluation notes. Join a community first.');
      const note = field(req.body, 'note', 5000);
      if (!note) return page(req, reply, t, { evaluation: { value: note, errors: { note: 'Write your evaluation before adding it.' } } }, 400);
      await addEvaluation(ctx.pool, { name: v.email, source: req.ip }, t.id, v, note);
      return reply.redirect(`/library/tools/${t.slug}?done=evaluation`, 303);
    });
  };
}
