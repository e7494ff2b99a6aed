/** What members record on a tool's page: an agency's adoption (with its document), an agreement's new status, an evaluation note. */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { DateTime } from '../platform/luxon.ts';
import { parseAddress } from '../membership/index.ts';
import { nameProblem } from '../platform/text.ts';
import { NotFoundError, ForbiddenError, type AppContext } from '../platform/http/context.ts';
import { field, type FieldErrors } from '../web/forms.tsx';
import { canEdit, canWrite } from './articles.ts';
import { addEvaluation, AGREEMENT_STATUSES, changeAgreementStatus, adoptionAgency, recordAdoption, ToolError, type AgreementStatus } from './tools.ts';
import type { AdoptionFormValues } from './tool-views.tsx';
import { parseDay, registerUploads, toolRouteKit } from './tool-routes.ts';

export function toolRecordRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    await registerUploads(app);
    const { csrf, tool, ownAgency, page, viewerOf, uploadedDocument } = toolRouteKit(ctx, app);

    app.post<{ Params: { slug: string; agreement: string } }>('/library/tools/:slug/agreements/:agreement/adoptions', csrf, async (req, reply) => {
      const v = viewerOf(req);
      const t = await tool(req.params.slug);
      const agreement = t.agreements.find((a) => String(a.id) === req.params.agreement);
      if (!agreement) throw new NotFoundError('That agreement does not exist. Reload the tool page.');
      if (!(await canWrite(ctx.pool, v))) throw new ForbiddenError('Members of a community can record adoptions. Join a community first.');
      const values: AdoptionFormValues = {
        agency: field(req.body, 'agency', 200),
        signedOn: field(req.body, 'signedOn', 30),
        documentUrl: field(req.body, 'documentUrl', 500),
        contactName: field(req.body, 'contactName', 200),
        contactEmail: field(req.body, 'contactEmail', 320),
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
      else if (nameProblem(values.contactName, 'The point of contact’s name'))
        errors.contactName = nameProblem(values.contactName, 'The point of contact’s name')!;
      const email = values.contactEmail ? parseAddress(values.contactEmail) : undefined;
      if (!values.contactEmail) errors.contactEmail = 'Enter the point of contact’s work email address.';
      else if (email && !email.ok) errors.contactEmail = email.message;
      if (values.documentUrl && !/^https?:\/\/\S+$/.test(values.documentUrl))
        errors.documentUrl = 'Enter the address starting with https://, or leave it blank.';
      const file = uploadedDocument(req, errors);
      if (Object.keys(errors).length) return page(req, reply, t, { adoption: { agreementId: agreement.id, values, errors } }, 400);
      await recordAdoption(
        ctx.pool,
        { name: v.email, source: req.ip },
        {
          agreementId: agreement.id,
          agency: agency!.ok ? agency!.agency : values.agency,
          signedOn: signedOn!,
          documentUrl: values.documentUrl || null,
          file,
          contactName: values.contactName,
          contactEmail: email!.ok ? email!.address : values.contactEmail,
        },
      );
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
        await changeAgreementStatus(
          ctx.pool,
          { name: v.email, source: req.ip },
          agreement.id,
          values.status as AgreementStatus,
          changedOn!,
          values.note || null,
        );
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
