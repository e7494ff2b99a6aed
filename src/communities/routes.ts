/** Community routes: the public pages and the JSON API. Thin: look up, then present. */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { absoluteUrl, NotFoundError, sendPage, siteFor, type AppContext } from '../platform/http/context.ts';
import { ApiError } from '../platform/http/schemas.ts';
import { CommunityDetail, CommunityList, SlugParams, type CommunityDetailJson, type CommunitySummaryJson } from './schemas.ts';
import { findCommunity, leadName, listCommunities, type CommunityDetail as Detail, type CommunitySummary as Summary } from './store.ts';
import { canCoordinate, isActiveIn, memberCountsByAgency, memberCountsByLevel } from '../membership/index.ts';
import { CommunitiesIndexPage, CommunityPage, HomePage } from './views.tsx';
import { listAddresses, listsOfCommunity } from '../lists/index.ts';
import { archiveLinkFor } from '../archives/index.ts';
import { listDomainOf } from '../platform/config.ts';
import { communityPanels } from '../platform/feature.ts';
import { listTraffic } from '../metrics/index.ts';

function summaryJson(ctx: AppContext, req: FastifyRequest, c: Summary): CommunitySummaryJson {
  return {
    slug: c.slug,
    title: c.title,
    shortName: c.shortName ?? null,
    summary: c.summary ?? null,
    deck: c.deck ?? null,
    weight: c.weight,
    featured: c.featured,
    memberCount: c.memberCount,
    url: absoluteUrl(ctx, `/communities/${c.slug}`),
  };
}

function detailJson(ctx: AppContext, req: FastifyRequest, c: Detail): CommunityDetailJson {
  return {
    ...summaryJson(ctx, req, c),
    kicker: c.kicker ?? null,
    body: c.body,
    leads: c.authors.map((slug) => ({ slug, name: leadName(slug) })),
    topics: c.topics,
    eventCommunities: c.eventCop,
    channels: c.channels.map((ch) => ({
      platform: ch.platform,
      audience: ch.audience,
      subscribeEmail: ch.subscribeEmail ?? null,
      subscribeSubject: ch.subscribeSubject ?? null,
      subscribeBody: ch.subscribeBody ?? null,
      terms: ch.terms ?? null,
      joinButton: ch.joinButton ?? null,
      reportedMembers: ch.reported ? { text: ch.reported.text, value: ch.reported.value ?? null, recordedOn: ch.reported.recordedOn } : null,
    })),
    redirectTo: c.redirectTo ?? null,
    publishedAt: c.publishedAt ? c.publishedAt.toISOString() : null,
    reviewedAt: c.reviewedAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

/** The community page's data that is the same for every visitor; undefined: no such community. */
async function communityPageData(ctx: AppContext, slug: string) {
  const c = await findCommunity(ctx.pool, slug);
  if (!c) return undefined;
  const breakdown = { byLevel: await memberCountsByLevel(ctx.pool, c.id), byAgency: await memberCountsByAgency(ctx.pool, c.id) };
  const list = (await listsOfCommunity(ctx.pool, c.id))[0];
  // Other features' boxes (the next events): what every visitor sees alike is read here.
  const panels: Array<{ panel: ReturnType<typeof communityPanels>[number]; data: unknown }> = [];
  for (const panel of communityPanels()) panels.push({ panel, data: await panel.load(ctx.pool, c) });
  // Metrics hook: emails a week, counted (digital.gov's emails_per_week).
  const traffic = list ? await listTraffic(ctx.pool, c.id, c.channels.find((ch) => ch.emailsPerWeekText)?.emailsPerWeekText) : undefined;
  return { c, breakdown, list, panels, traffic };
}

export function communityRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    const api = app.withTypeProvider<TypeBoxTypeProvider>();
    const hide = { hide: true };
    // the same for every signed-out visitor, and for every member of the same standing (roles and
    // memberships): may be kept a few seconds (platform/http/page-cache.ts)
    const publicPage = { pageCache: true, memberPageCache: true };

    api.get('/', { schema: hide, config: publicPage }, async (req, reply) => {
      const all = await ctx.recent('communities', () => listCommunities(ctx.pool));
      const featured = all.filter((c) => c.featured);
      return sendPage(reply, HomePage({ site: siteFor(ctx, req), featured: featured.length ? featured : all.slice(0, 3), total: all.length }));
    });

    api.get('/communities', { schema: hide, config: publicPage }, async (req, reply) => {
      return sendPage(reply, CommunitiesIndexPage({ site: siteFor(ctx, req), communities: await ctx.recent('communities', () => listCommunities(ctx.pool)) }));
    });

    api.get('/communities/:slug', { schema: { ...hide, params: SlugParams }, config: publicPage }, async (req, reply) => {
      // What every visitor sees alike, a few seconds old at most (ctx.recent); then what is theirs.
      const shared = await ctx.recent(`community-page:${req.params.slug}`, () => communityPageData(ctx, req.params.slug));
      if (!shared) throw new NotFoundError(`There is no community called “${req.params.slug}”.`);
      const { c, breakdown, list, panels, traffic } = shared;
      const viewerIsMember = req.viewer ? await isActiveIn(ctx.pool, req.viewer, c.id) : false;
      const viewerCoordinates = req.viewer ? await canCoordinate(ctx.pool, req.viewer, c.id) : false;
      const saved = (req.query as { saved?: string }).saved === '1' && viewerCoordinates;
      const addresses = list ? listAddresses(list.localPart, listDomainOf(ctx.config)) : undefined;
      const panelHtml = panels.map(({ panel, data }) => panel.render(data, { slug: c.slug, coordinator: viewerCoordinates }));
      return sendPage(
        reply,
        CommunityPage({
          site: siteFor(ctx, req),
          c,
          breakdown,
          viewerIsMember,
          viewerCoordinates,
          saved,
          panels: panelHtml,
          traffic,
          list: addresses && { post: addresses.post, request: addresses.request, archive: list && archiveLinkFor(list, req.viewer, viewerIsMember) },
        }),
      );
    });

    api.get(
      '/api/v1/communities',
      {
        schema: {
          operationId: 'listCommunities',
          tags: ['communities'],
          summary: 'List communities',
          description: 'Communities shown on the site, featured ones first. Hidden communities (weight 0) are left out.',
          response: { 200: CommunityList },
        },
      },
      async (req) => {
        const all = await listCommunities(ctx.pool);
        return { total: all.length, data: all.map((c) => summaryJson(ctx, req, c)) };
      },
    );

    api.get(
      '/api/v1/communities/:slug',
      {
        schema: {
          operationId: 'getCommunity',
          tags: ['communities'],
          summary: 'One community',
          description: 'A community page with its join channels, leads, topics and live member count.',
          params: SlugParams,
          response: { 200: CommunityDetail, 404: Type.Ref(ApiError) },
        },
      },
      async (req) => {
        const c = await findCommunity(ctx.pool, req.params.slug);
        if (!c) throw new NotFoundError(`There is no community called "${req.params.slug}". List communities at /api/v1/communities.`);
        return detailJson(ctx, req, c);
      },
    );
  };
}
