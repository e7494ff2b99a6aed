/** The registry's home page (search and browse published records) and the verify page. */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { sendPage, siteFor, type AppContext } from '../platform/http/context.ts';
import { listAgencies } from './agencies.ts';
import { PlatformCache } from './platform-store.ts';
import { publicTags, searchRecords } from './search.ts';
import { verifyAccount } from './verify.ts';
import { RegistryHomePage, VerifyPage, type SearchValues } from './views.tsx';
import { registryRouteKit } from './route-kit.ts';

export function registryBrowseRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const { publicPage, homePage, viewerOf } = registryRouteKit(ctx, app);
    const platforms = new PlatformCache(ctx.pool);

    app.get<{ Querystring: Record<string, string | undefined> }>('/registry', homePage, async (req, reply) => {
      const q = req.query;
      const values: SearchValues = {
        q: (q.q ?? '').slice(0, 200),
        agency: q.agency ?? '',
        platform: q.platform ?? '',
        tag: q.tag ?? '',
        language: (q.language ?? '').slice(0, 20),
      };
      const page = Math.max(1, Math.min(100_000, Number.parseInt(q.page ?? '1', 10) || 1));
      // Published records and the choices are the same for every visitor: a few seconds old at most.
      const { all, found, tags } = await ctx.recent(`registry-home:${JSON.stringify([values, page])}`, async () => ({
        all: await listAgencies(ctx.pool),
        found: await searchRecords(ctx.pool, {
          q: values.q,
          page,
          pageSize: 20,
          ...(values.agency ? { agencies: [values.agency] } : {}),
          ...(values.platform ? { platforms: [values.platform] } : {}),
          ...(values.tag ? { tags: [values.tag] } : {}),
          ...(values.language ? { language: values.language } : {}),
        }),
        tags: await publicTags(ctx.pool),
      }));
      const v = await viewerOf(req, all);
      const pageLink = (n: number) =>
        `/registry?${new URLSearchParams({ ...Object.fromEntries(Object.entries(values).filter(([, x]) => x)), page: String(n) }).toString()}`;
      return sendPage(
        reply,
        RegistryHomePage({
          site: siteFor(ctx, req),
          values,
          agencies: all,
          platforms: await platforms.get(),
          tags,
          records: found.records,
          total: found.total,
          page: found.page,
          pageSize: found.pageSize,
          pageLink,
          canRegister: Boolean(v && (v.agencyIds.size || v.reviewer)),
          reviewer: Boolean(v?.reviewer),
        }),
      );
    });

    app.get<{ Querystring: { url?: string } }>('/registry/verify', publicPage, async (req, reply) => {
      const url = (req.query.url ?? '').trim().slice(0, 2000);
      if (!url)
        return sendPage(reply, VerifyPage({ site: siteFor(ctx, req), url, error: 'Enter the address of the account, such as https://x.com/USAGov.' }), 400);
      const result = await verifyAccount(ctx.pool, await platforms.get(), url);
      if (!result.ok) return sendPage(reply, VerifyPage({ site: siteFor(ctx, req), url, error: result.message }), 400);
      return sendPage(reply, VerifyPage({ site: siteFor(ctx, req), url, answer: result.answer }));
    });
  };
}
