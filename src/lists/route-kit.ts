/** What the list's web pages share: the list a moderation page is about (and who may use it), the context the list functions take. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { joinSettings } from '../communities/index.ts';
import { canCoordinate } from '../membership/index.ts';
import { baseUrl, ForbiddenError, NotFoundError, SignInRequiredError, type AppContext } from '../platform/http/context.ts';
import { cookieSecret } from '../platform/secret.ts';
import { listDomainOf } from '../platform/config.ts';
import { dnsResolver } from './authenticate.ts';
import type { ListContext } from './context.ts';
import { listAdminPath, listHomePath, listOfGroup, listsOfCommunity, type List } from './store.ts';
import { canModerateList } from './sub-lists.ts';
import type { ListRef } from './views.tsx';

/** The community's list pages live under /communities/:slug/admin, a group list's under the group's page. */
export const ADMIN_PATHS = ['/communities/:slug/admin', '/communities/:slug/groups/:group/admin'];
export type AdminParams = { slug: string; group?: string };

/** The route options and helpers every list page plugin uses, bound to the platform's context. */
export function listRouteKit(ctx: AppContext, app: FastifyInstance) {
  let secret: Promise<string> | undefined;
  const key = () => (secret ??= cookieSecret(ctx.pool, ctx.config.secret));
  const hide = { schema: { hide: true } };
  const csrf = { preHandler: app.csrfProtection, ...hide };
  const resolve = dnsResolver(ctx.config);

  async function listContext(req: FastifyRequest): Promise<ListContext> {
    return {
      pool: ctx.pool,
      config: ctx.config,
      queue: ctx.queue,
      mail: ctx.mail,
      resolve,
      secret: await key(),
      baseUrl: baseUrl(ctx),
      domain: listDomainOf(ctx.config),
      dkim: [],
      log: (msg, extra) => req.log.info(extra ?? {}, msg),
    };
  }

  /**
   * The list a moderation page is about: the community's own list (for its moderators, when
   * moderatorOk, and coordinators), or a working group's list (for those and the group's leads).
   */
  async function moderated(
    req: FastifyRequest,
    params: { slug: string; group?: string },
    moderatorOk: boolean,
  ): Promise<{ c: ListRef; list: List; admin: string }> {
    if (!req.viewer) throw new SignInRequiredError('Sign in to moderate the list.');
    const c = await joinSettings(ctx.pool, params.slug);
    if (!c) throw new NotFoundError(`There is no community called “${params.slug}”.`);
    if (params.group !== undefined) {
      const found = await ctx.pool.query<{ id: string }>('select id from working_groups where community_id = $1 and slug = $2', [c.id, params.group]);
      const list = found.rows[0] ? await listOfGroup(ctx.pool, Number(found.rows[0].id)) : undefined;
      if (!list) throw new NotFoundError(`There is no working group “${params.group}” in ${c.title}.`);
      if (!(await canModerateList(ctx.pool, req.viewer, list, moderatorOk)))
        throw new ForbiddenError(
          `Only the leads of ${list.name} and the ${moderatorOk ? 'moderators and coordinators' : 'coordinators'} of ${c.title} can use this page.`,
        );
      return { c: { slug: c.slug, title: list.name, group: { communityTitle: c.title, href: listHomePath(list) } }, list, admin: listAdminPath(list) };
    }
    if (!(await canCoordinate(ctx.pool, req.viewer, c.id, moderatorOk)))
      throw new ForbiddenError(`Only the ${moderatorOk ? 'moderators and coordinators' : 'coordinators'} of ${c.title} can use this page.`);
    const list = (await listsOfCommunity(ctx.pool, c.id))[0];
    if (!list) throw new NotFoundError(`${c.title} has no list.`);
    return { c: { slug: c.slug, title: c.title }, list, admin: listAdminPath(list) };
  }

  return { key, hide, csrf, listContext, moderated };
}
