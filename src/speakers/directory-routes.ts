/** The public speakers directory and a speaker's profile. Thin: check who asks, validate, call the store, present. */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { NotFoundError, sendPage, siteFor, type AppContext } from '../platform/http/context.ts';
import { directoryChoices, publicSpeaker, speakersOf, type DirectoryFilter } from './profiles.ts';
import { DirectoryPage, SpeakerPage } from './views.tsx';
import { idOf, speakersRouteKit } from './route-kit.ts';

export function speakerDirectoryRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const { publicPage, community } = await speakersRouteKit(ctx, app);

    // ---- Public directory and profiles ----------------------------------------------------

    app.get<{ Params: { slug: string }; Querystring: Record<string, string | undefined> }>('/communities/:slug/speakers', publicPage, async (req, reply) => {
      const c = await community(req.params.slug);
      const q = req.query;
      const filter: DirectoryFilter = {
        q: (q.q ?? '').trim().slice(0, 100),
        topic: (q.topic ?? '').slice(0, 100),
        agency: (q.agency ?? '').slice(0, 200),
        format: (q.format ?? '').slice(0, 20),
      };
      return sendPage(
        reply,
        DirectoryPage({
          site: siteFor(ctx, req),
          c,
          speakers: await speakersOf(ctx.pool, c.id, filter, { publicOnly: true }),
          filter,
          choices: await directoryChoices(ctx.pool, c.id),
        }),
      );
    });

    app.get<{ Params: { slug: string; id: string } }>('/communities/:slug/speakers/:id', publicPage, async (req, reply) => {
      const c = await community(req.params.slug);
      const s = await publicSpeaker(ctx.pool, c.id, idOf(req.params.id, 'speaker'));
      if (!s) throw new NotFoundError('That speaker is not listed in this community’s speakers bureau. See the list of speakers.');
      return sendPage(reply, SpeakerPage({ site: siteFor(ctx, req), c, s }));
    });
  };
}
