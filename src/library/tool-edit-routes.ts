/** Adding a tool (with its first agreement) and editing its details: coordinators and site administrators. */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { formToken, sendPage, siteFor, type AppContext } from '../platform/http/context.ts';
import { field, type FieldErrors } from '../web/forms.tsx';
import { AGREEMENT_STATUSES, createTool, DOC_TYPES, updateToolDetails, type DocType, ToolError, type AgreementStatus } from './tools.ts';
import { ToolFormPage, type ToolFormValues } from './tool-views.tsx';
import { parseDay, registerUploads, toolRouteKit } from './tool-routes.ts';

function toolValues(body: unknown): ToolFormValues {
  return {
    name: field(body, 'name', 200),
    vendorUrl: field(body, 'vendorUrl', 500),
    description: field(body, 'description', 500),
    category: field(body, 'category', 200),
    status: field(body, 'status', 30) || 'compatible',
    docType: field(body, 'docType', 30),
    documentUrl: field(body, 'documentUrl', 500),
    date: field(body, 'date', 30),
  };
}

function checkDetails(v: ToolFormValues, errors: FieldErrors) {
  if (!v.name) errors.name = 'Enter the name of the tool.';
  if (v.vendorUrl && !/^https?:\/\/\S+$/.test(v.vendorUrl)) errors.vendorUrl = 'Enter the address starting with https://, or leave it blank.';
}

export function toolEditRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    await registerUploads(app);
    const { hide, csrf, tool, uploadedDocument, editor } = toolRouteKit(ctx, app);

    app.get('/library/tools/new', hide, async (req, reply) => {
      await editor(req);
      return sendPage(reply, ToolFormPage({ site: siteFor(ctx, req), csrf: formToken(reply), values: toolValues({}) }));
    });

    app.post('/library/tools/new', csrf, async (req, reply) => {
      const v = await editor(req);
      const values = toolValues(req.body);
      const errors: FieldErrors = {};
      checkDetails(values, errors);
      const slug = values.name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '');
      if (values.name && !slug) errors.name = 'Use at least one letter or digit in the name.';
      if (!(AGREEMENT_STATUSES as readonly string[]).includes(values.status)) errors.status = 'Choose a status from the list.';
      if (values.docType && !(DOC_TYPES as readonly string[]).includes(values.docType)) errors.docType = 'Choose a kind of document from the list.';
      if (values.documentUrl && !/^https?:\/\/\S+$/.test(values.documentUrl))
        errors.documentUrl = 'Enter the address starting with https://, or leave it blank.';
      const date = values.date ? parseDay(values.date) : null;
      if (values.date && !date) errors.date = 'Enter a real date that is not in the future, as YYYY-MM-DD, or leave it blank.';
      const file = uploadedDocument(req, errors);
      const again = (e: FieldErrors) => sendPage(reply, ToolFormPage({ site: siteFor(ctx, req), csrf: formToken(reply), values, errors: e }), 400);
      if (Object.keys(errors).length) return again(errors);
      try {
        await createTool(
          ctx.pool,
          { name: v.email, source: req.ip },
          {
            slug,
            name: values.name,
            vendorUrl: values.vendorUrl || null,
            description: values.description || null,
            category: values.category || null,
            agreement: {
              status: values.status as AgreementStatus,
              docType: (values.docType || (file ? (file.contentType === 'application/pdf' ? 'pdf' : 'word') : null)) as DocType | null,
              documentUrl: values.documentUrl || null,
              file,
              date: date ?? null,
            },
          },
        );
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
      return sendPage(reply, ToolFormPage({ site: siteFor(ctx, req), csrf: formToken(reply), values, editing: { slug: t.slug, name: t.name } }));
    });

    app.post<{ Params: { slug: string } }>('/library/tools/:slug/edit', csrf, async (req, reply) => {
      const v = await editor(req);
      const t = await tool(req.params.slug);
      const values = toolValues(req.body);
      const errors: FieldErrors = {};
      checkDetails(values, errors);
      if (Object.keys(errors).length)
        return sendPage(reply, ToolFormPage({ site: siteFor(ctx, req), csrf: formToken(reply), values, errors, editing: { slug: t.slug, name: t.name } }), 400);
      await updateToolDetails(ctx.pool, { name: v.email, source: req.ip }, t, {
        name: values.name,
        vendorUrl: values.vendorUrl || null,
        description: values.description || null,
        category: values.category || null,
      });
      return reply.redirect(`/library/tools/${t.slug}?done=details`, 303);
    });
  };
}
