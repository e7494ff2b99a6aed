/** The shared tools API: every tool, or one, with its agreements, their history and the agencies that signed them. */
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ApiError } from '../platform/http/schemas.ts';
import { Tool as ToolSchema, ToolList, ToolSlugParams, type ToolJson } from './schemas.ts';
import { absoluteUrl, NotFoundError, type AppContext } from '../platform/http/context.ts';
import { findTool, listTools, recorderRole, type Tool } from './tools.ts';

export function toolApiRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    function toolJson(req: FastifyRequest, t: Tool): ToolJson {
      const file = (id: number | null, url: string | null) => (id !== null ? absoluteUrl(ctx, `/library/tools/files/${id}`) : url);
      return {
        slug: t.slug,
        name: t.name,
        vendorUrl: t.vendorUrl,
        description: t.description,
        category: t.category,
        url: absoluteUrl(ctx, `/library/tools/${t.slug}`),
        agreements: t.agreements.map((a) => ({
          status: a.status,
          documentUrl: file(a.documentFileId, a.documentUrl),
          documentType: a.docType,
          date: a.date,
          dateText: a.dateText,
          history: a.history.map((h) => ({ ...h, changedBy: recorderRole(h.changedBy) })),
          adoptions: a.adoptions.map((d) => ({
            agency: d.agency,
            signedOn: d.signedOn,
            contactName: d.contactName,
            contactEmail: d.contactEmail,
            documentUrl: file(d.documentFileId, d.documentUrl),
          })),
        })),
      };
    }

    const api = app.withTypeProvider<TypeBoxTypeProvider>();
    api.get(
      '/api/v1/tools',
      {
        schema: {
          operationId: 'listTools',
          tags: ['library'],
          summary: 'List shared tools',
          description: 'Every tool with its terms-of-service agreements, their status history, and the agencies that signed them.',
          response: { 200: ToolList },
        },
      },
      async (req) => {
        const tools = [];
        for (const t of await listTools(ctx.pool)) tools.push(toolJson(req, (await findTool(ctx.pool, t.slug))!));
        return { total: tools.length, data: tools };
      },
    );

    api.get(
      '/api/v1/tools/:slug',
      {
        schema: {
          operationId: 'getTool',
          tags: ['library'],
          summary: 'One shared tool',
          description: 'A tool with its agreements and adoptions.',
          params: ToolSlugParams,
          response: { 200: ToolSchema, 404: Type.Ref(ApiError) },
        },
      },
      async (req) => {
        const t = await findTool(ctx.pool, req.params.slug);
        if (!t) throw new NotFoundError(`There is no tool "${req.params.slug}". List tools at /api/v1/tools.`);
        return toolJson(req, t);
      },
    );
  };
}
