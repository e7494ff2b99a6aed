/** The tools catalogue, a tool's page and its stored documents (always downloads). */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { NotFoundError, sendPage, siteFor, type AppContext } from '../platform/http/context.ts';
import { canEdit } from './articles.ts';
import { listContacts, listTools, readFile } from './tools.ts';
import { ToolsPage } from './tool-views.tsx';
import { toolRouteKit } from './tool-routes.ts';

export function toolPageRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const { hide, publicPage, standingPage, tool, page } = toolRouteKit(ctx, app);

    app.get('/library/tools', standingPage, async (req, reply) => {
      // The same for every visitor, a few seconds old at most (ctx.recent); then what is theirs.
      const { tools, contacts } = await ctx.recent('library-tools', async () => ({ tools: await listTools(ctx.pool), contacts: await listContacts(ctx.pool) }));
      return sendPage(
        reply,
        ToolsPage({ site: siteFor(ctx, req), tools, contacts, canManage: req.viewer ? await canEdit(ctx.pool, req.viewer, null) : false }),
      );
    });

    const NOTICES: Record<string, string> = {
      adoption: 'The adoption is recorded.',
      status: 'The status is changed.',
      evaluation: 'Your note is added.',
      created: 'The tool is added.',
      details: 'The details are saved.',
    };
    app.get<{ Params: { slug: string }; Querystring: { done?: string } }>('/library/tools/:slug', publicPage, async (req, reply) =>
      page(req, reply, await tool(req.params.slug), { notice: NOTICES[req.query.done ?? ''] }),
    );

    app.get<{ Params: { id: string } }>('/library/tools/files/:id', hide, async (req, reply) => {
      const id = /^\d{1,15}$/.test(req.params.id) ? Number(req.params.id) : NaN;
      const f = Number.isFinite(id) ? await readFile(ctx.pool, id) : undefined;
      if (!f) throw new NotFoundError('That document does not exist.');
      const safeName = f.filename.replace(/[^A-Za-z0-9._-]+/g, '_');
      return reply
        .type(f.contentType)
        .header('content-disposition', `attachment; filename="${safeName}"`)
        .header('x-content-type-options', 'nosniff')
        .send(f.bytes);
    });
  };
}
