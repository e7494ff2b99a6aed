/** Joining a community: the join form and its answer. Thin: validate, call, present. */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { baseUrl, formToken, sendPage, siteFor, type AppContext } from '../platform/http/context.ts';
import { MailSendError } from '../platform/mail/transport.ts';
import { rateLimit } from '../platform/rate-limit.ts';
import { field, type FieldErrors } from '../web/forms.tsx';
import { nameProblem } from '../platform/text.ts';
import { canonicalAddress, parseAddress } from './address.ts';
import { requestToJoin } from './join.ts';
import { JoinPage, MessagePage, type JoinFormValues } from './views.tsx';
import { JOIN_PER_ADDRESS, JOIN_PER_IP, membershipRouteKit } from './route-kit.ts';

export function joinRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const { csrf, hide, community, tooMany } = membershipRouteKit(ctx, app);

    app.get<{ Params: { slug: string } }>('/communities/:slug/join', hide, async (req, reply) => {
      const c = await community(req.params.slug);
      return sendPage(reply, JoinPage({ site: siteFor(ctx, req), c, csrf: formToken(reply), allowExceptions: c.allowExceptions }));
    });

    app.post<{ Params: { slug: string } }>('/communities/:slug/join', csrf, async (req, reply) => {
      const c = await community(req.params.slug);
      const values: JoinFormValues = {
        name: field(req.body, 'name', 200),
        jobTitle: field(req.body, 'jobTitle', 200),
        agency: field(req.body, 'agency', 200),
        email: field(req.body, 'email', 320),
        reason: field(req.body, 'reason', 2000),
        accept: field(req.body, 'accept') === 'yes',
      };
      const errors: FieldErrors = {};
      if (!values.name) errors.name = 'Enter your full name.';
      else if (nameProblem(values.name)) errors.name = nameProblem(values.name)!;
      const parsed = values.email ? parseAddress(values.email) : undefined;
      if (!parsed) errors.email = 'Enter your work email address.';
      else if (!parsed.ok) errors.email = parsed.message;
      if (!values.jobTitle) errors.jobTitle = 'Enter your job title.';
      if (!values.accept) errors.accept = 'Accept the community guidelines to join.';
      const again = (status: number) =>
        sendPage(reply, JoinPage({ site: siteFor(ctx, req), c, csrf: formToken(reply), values, errors, allowExceptions: c.allowExceptions }), status);
      if (Object.keys(errors).length || !parsed?.ok) return again(400);

      const byIp = await rateLimit(ctx.pool, `join:ip:${req.ip}`, JOIN_PER_IP.max, JOIN_PER_IP.windowSeconds);
      if (!byIp.allowed) return tooMany(reply, req, byIp.retryAfterSeconds);
      // Keyed on the canonical address, so "Pat@GSA.gov." and "pat@gsa.gov" share one limit.
      const byAddress = await rateLimit(ctx.pool, `join:address:${canonicalAddress(parsed)}`, JOIN_PER_ADDRESS.max, JOIN_PER_ADDRESS.windowSeconds);
      if (!byAddress.allowed) return tooMany(reply, req, byAddress.retryAfterSeconds);

      let result;
      try {
        result = await requestToJoin(ctx.pool, {
          community: c,
          email: values.email,
          name: values.name,
          jobTitle: values.jobTitle,
          agency: values.agency,
          reason: values.reason,
          ip: req.ip,
          operator: ctx.config,
          linkHours: ctx.config.joinLinkHours,
          baseUrl: baseUrl(ctx),
          mail: ctx.mail,
        });
      } catch (err) {
        if (!(err instanceof MailSendError)) throw err;
        req.log.error({ err }, 'join confirmation mail not sent');
        errors.email = 'We could not send the confirmation email just now. Try again in a few minutes.';
        return again(503);
      }
      if (result.kind === 'ineligible') {
        errors.email = result.decision.message;
        return again(400);
      }
      return sendPage(
        reply,
        MessagePage({
          site: siteFor(ctx, req),
          title: 'Check your email',
          lines: [
            `We sent a message to ${values.email}. Open the link in it to confirm your request to join ${c.title}.`,
            `The link expires in ${ctx.config.joinLinkHours} hours. If the message does not arrive in a few minutes, look in your junk or spam folder.`,
          ],
          alert: 'success',
        }),
      );
    });
  };
}
