/** A member's speaker profile and the requests proposed to them. Thin: check who asks, validate, call the store, present. */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { inTransaction } from '../platform/db/queryable.ts';
import { NotFoundError, formToken, sendPage, siteFor, type AppContext } from '../platform/http/context.ts';
import { field, type FieldErrors } from '../web/forms.tsx';
import { membershipsOf } from '../membership/index.ts';
import { consultationsFor } from './consultations.ts';
import { parseFormats, parseTopics, saveSpeakerProfile, speakerProfile } from './profiles.ts';
import { findSpeakerRequest, moveRequest, requestsForSpeaker } from './store.ts';
import { WorkflowError } from './workflow.ts';
import { MySpeakerPage, ProposalPage, type ProfileFormValues } from './profile-views.tsx';
import { actorOf, idOf, requireViewer, speakersRouteKit } from './route-kit.ts';

export function speakerProfileRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const { hide, csrf, deps } = await speakersRouteKit(ctx, app);

    // ---- Members: the speaker profile and proposals --------------------------------------

    async function myPage(req: FastifyRequest, reply: FastifyReply, extra: { values?: ProfileFormValues; errors?: FieldErrors; saved?: string }, status = 200) {
      const viewer = requireViewer(req);
      const profile = (await speakerProfile(ctx.pool, viewer.memberId))!;
      const memberships = (await membershipsOf(ctx.pool, viewer.memberId)).filter((m) => m.status === 'active');
      return sendPage(
        reply,
        MySpeakerPage({
          site: siteFor(ctx, req),
          csrf: formToken(reply),
          agency: profile.agency,
          errors: extra.errors ?? {},
          saved: extra.saved,
          values: extra.values ?? {
            active: profile.active,
            topics: profile.topics.join(', '),
            formats: profile.formats,
            bio: profile.bio ?? '',
            availability: profile.availability ?? '',
            public: profile.public,
          },
          proposals: await requestsForSpeaker(ctx.pool, viewer.memberId),
          consultations: await consultationsFor(ctx.pool, viewer.memberId),
          communities: memberships.map((m) => ({ id: m.communityId, slug: m.communitySlug, title: m.communityTitle })),
        }),
        status,
      );
    }

    app.get<{ Querystring: { saved?: string } }>('/account/speaker', hide, async (req, reply) =>
      myPage(req, reply, req.query.saved ? { saved: 'Your speaker profile is saved.' } : {}),
    );

    app.post('/account/speaker', csrf, async (req, reply) => {
      const viewer = requireViewer(req);
      const body = req.body as Record<string, unknown> | undefined;
      const values: ProfileFormValues = {
        active: field(req.body, 'active') === 'yes',
        topics: field(req.body, 'topics', 1000),
        formats: parseFormats(body?.formats),
        bio: field(req.body, 'bio', 1000),
        availability: field(req.body, 'availability', 500),
        public: field(req.body, 'public') === 'yes',
      };
      const errors: FieldErrors = {};
      if (values.active && !parseTopics(values.topics).length) errors.topics = 'Enter at least one topic you can speak about, separated by commas.';
      if (values.active && !values.formats.length) errors.formats = 'Choose at least one format you offer.';
      if (values.active && values.public && !values.bio) errors.bio = 'Write a short bio for your public profile, or turn the public profile off.';
      if (Object.keys(errors).length) return myPage(req, reply, { values, errors }, 400);
      await saveSpeakerProfile(ctx.pool, actorOf(req), viewer.memberId, { ...values, topics: parseTopics(values.topics) });
      return reply.redirect('/account/speaker?saved=1', 303);
    });

    async function myProposal(req: FastifyRequest, idRaw: string) {
      const viewer = requireViewer(req);
      const r = await findSpeakerRequest(ctx.pool, idOf(idRaw, 'request'));
      if (!r || r.speaker?.id !== viewer.memberId)
        throw new NotFoundError('You were not proposed for that request. See the requests for you on your speaker page.');
      return r;
    }

    app.get<{ Params: { id: string } }>('/account/speaker/requests/:id', hide, async (req, reply) => {
      const r = await myProposal(req, req.params.id);
      return sendPage(
        reply,
        ProposalPage({
          site: siteFor(ctx, req),
          r,
          csrf: formToken(reply),
          canAnswer: r.status === 'matched',
          errors: {},
          values: { approvalNote: '', note: '', approval: false },
        }),
      );
    });

    app.post<{ Params: { id: string } }>('/account/speaker/requests/:id', csrf, async (req, reply) => {
      const r = await myProposal(req, req.params.id);
      const viewer = req.viewer!;
      const answer = field(req.body, 'answer', 10);
      const values = {
        approvalNote: field(req.body, 'approvalNote', 500),
        note: field(req.body, 'note', 500),
        approval: field(req.body, 'approval') === 'yes',
      };
      if (answer !== 'accept' && answer !== 'decline') throw new NotFoundError('Choose Accept or Decline.');
      const again = (errors: FieldErrors, status: number) =>
        sendPage(reply, ProposalPage({ site: siteFor(ctx, req), r, csrf: formToken(reply), canAnswer: r.status === 'matched', errors, values }), status);
      if (answer === 'accept' && !values.approval)
        return again({ approval: 'Tick the box to confirm your supervisor and press office approved this invitation. Ask them first, then accept.' }, 400);
      try {
        await inTransaction(ctx.pool, (tx) =>
          moveRequest(tx, deps(), {
            requestId: r.id,
            to: answer === 'accept' ? 'accepted' : 'declined',
            role: 'speaker',
            actor: actorOf(req),
            memberId: viewer.memberId,
            ...(answer === 'accept' ? { approval: { obtained: values.approval, note: values.approvalNote } } : { note: values.note }),
          }),
        );
      } catch (err) {
        if (!(err instanceof WorkflowError)) throw err;
        return again({ [answer === 'accept' ? 'approval' : 'note']: err.message }, 409);
      }
      return reply.redirect('/account/speaker?saved=1', 303);
    });
  };
}
