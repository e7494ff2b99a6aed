/** Registering a record (account, app or website) and editing one. */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { ForbiddenError, formToken, sendPage, siteFor, type AppContext } from '../platform/http/context.ts';
import { field, type FieldErrors } from '../web/forms.tsx';
import { canEdit } from './access.ts';
import { listAgencies } from './agencies.ts';
import { emptyInput } from './record-input.ts';
import { RECORD_KINDS, type RecordKind } from './records.ts';
import { RecordFormPage } from './record-views.tsx';
import { createRecord, updateRecord, WorkflowError } from './workflow.ts';
import { actorOf, formInput, inputOf, registryRouteKit } from './route-kit.ts';

export function registryRecordFormRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const { hide, csrf, deps, requireViewer, choosable, recordFor } = registryRouteKit(ctx, app);

    app.get<{ Querystring: { kind?: string } }>('/registry/new', hide, async (req, reply) => {
      const all = await listAgencies(ctx.pool);
      const v = await requireViewer(req, all);
      if (!v.reviewer && !v.agencyIds.size)
        throw new ForbiddenError(
          'Only members whose email address belongs to a government agency the registry lists can register records. If your agency is missing, ask a registry reviewer to add it.',
        );
      const kind = RECORD_KINDS.includes(req.query.kind as RecordKind) ? (req.query.kind as RecordKind) : 'account';
      const values = { ...emptyInput(kind), contacts: [v.email], agencyIds: v.homeAgencyId ? [v.homeAgencyId] : [] };
      return sendPage(
        reply,
        RecordFormPage({ site: siteFor(ctx, req), kind, values, errors: {}, agencies: choosable(all, v), csrf: formToken(reply), action: '/registry/new' }),
      );
    });

    app.post('/registry/new', csrf, async (req, reply) => {
      const all = await listAgencies(ctx.pool);
      const v = await requireViewer(req, all);
      const kindField = field(req.body, 'kind');
      const kind = RECORD_KINDS.includes(kindField as RecordKind) ? (kindField as RecordKind) : 'account';
      const input = formInput(req.body, kind);
      const submit = field(req.body, 'intent') !== 'draft';
      const saved = await createRecord(ctx.pool, deps(), actorOf(req), v, input, { submit });
      if (!saved.ok) {
        return sendPage(
          reply,
          RecordFormPage({
            site: siteFor(ctx, req),
            kind,
            values: input,
            errors: saved.errors,
            agencies: choosable(all, v),
            csrf: formToken(reply),
            action: '/registry/new',
          }),
          400,
        );
      }
      return reply.redirect(`/registry/records/${saved.record.id}?done=${submit ? 'submitted' : 'created'}`, 303);
    });

    app.get<{ Params: { id: string } }>('/registry/records/:id/edit', hide, async (req, reply) => {
      const all = await listAgencies(ctx.pool);
      const v = await requireViewer(req, all);
      const r = await recordFor(req, req.params.id, v);
      if (!canEdit(v, r)) throw new ForbiddenError('Only members of the sponsoring agency and registry reviewers can change this record.');
      return sendPage(
        reply,
        RecordFormPage({
          site: siteFor(ctx, req),
          kind: r.kind,
          values: inputOf(r),
          errors: {},
          agencies: choosable(
            all,
            v,
            r.agencies.map((a) => a.id),
          ),
          csrf: formToken(reply),
          action: `/registry/records/${r.id}/edit`,
          editing: r,
        }),
      );
    });

    app.post<{ Params: { id: string } }>('/registry/records/:id/edit', csrf, async (req, reply) => {
      const all = await listAgencies(ctx.pool);
      const v = await requireViewer(req, all);
      const r = await recordFor(req, req.params.id, v);
      const input = formInput(req.body, r.kind);
      let saved;
      try {
        saved = await updateRecord(ctx.pool, deps(), actorOf(req), v, r.id, input);
      } catch (err) {
        if (err instanceof WorkflowError && err.code === 'FORBIDDEN') throw new ForbiddenError(err.message);
        throw err;
      }
      if (!saved.ok) {
        return sendPage(
          reply,
          RecordFormPage({
            site: siteFor(ctx, req),
            kind: r.kind,
            values: input,
            errors: saved.errors as FieldErrors,
            agencies: choosable(
              all,
              v,
              r.agencies.map((a) => a.id),
            ),
            csrf: formToken(reply),
            action: `/registry/records/${r.id}/edit`,
            editing: r,
          }),
          400,
        );
      }
      const back = saved.record.status === 'submitted' && r.status !== 'submitted';
      return reply.redirect(`/registry/records/${r.id}?done=${back ? 'back-to-review' : 'saved'}`, 303);
    });
  };
}
