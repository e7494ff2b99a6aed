/** The settings page of a community's or a group's list. Thin: check who asks, validate, call, present. */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { formToken, sendPage, siteFor, type AppContext } from '../platform/http/context.ts';
import { field, type FieldErrors } from '../web/forms.tsx';
import { saveListSettings, type ListSettings } from './moderation.ts';
import { formFromSettings, ListSettingsPage, type ListSettingsForm } from './views.tsx';
import { ADMIN_PATHS, listRouteKit, type AdminParams } from './route-kit.ts';

const ADDRESS_ENTRY = /^(@|[^@\s]+@)[a-z0-9.-]+\.[a-z]{2,}$/i;

/** The list settings form, checked: settings to save, or errors next to the fields. */
export function settingsFromForm(body: unknown): { ok: true; settings: ListSettings } | { ok: false; form: ListSettingsForm; errors: FieldErrors } {
  const on = (name: string) => field(body, name) !== '';
  const form: ListSettingsForm = {
    subjectPrefix: field(body, 'subjectPrefix', 60),
    footer: field(body, 'footer', 2000),
    replyTo: field(body, 'replyTo'),
    dmarcMitigation: field(body, 'dmarcMitigation'),
    moderated: on('moderated'),
    emergency: on('emergency'),
    maxKb: field(body, 'maxKb'),
    maxRecipients: field(body, 'maxRecipients'),
    acceptFrom: field(body, 'acceptFrom', 20000),
    banned: field(body, 'banned', 20000),
    administrivia: on('administrivia'),
    spfFail: field(body, 'spfFail') || 'hold',
    whoByMail: on('whoByMail'),
    sendToPoster: on('sendToPoster'),
    archivePublic: on('archivePublic'),
  };
  const errors: FieldErrors = {};
  const addresses = (name: 'acceptFrom' | 'banned') => {
    const items = form[name]
      .split(/[\s,;]+/)
      .map((a) => a.trim().toLowerCase())
      .filter(Boolean);
    const bad = items.filter((a) => !ADDRESS_ENTRY.test(a));
    if (bad.length) errors[name] = `These are not addresses or @domains: ${bad.slice(0, 3).join(', ')}. Write one a line, like pat@agency.gov or @agency.gov.`;
    return [...new Set(items)];
  };
  const acceptFrom = addresses('acceptFrom');
  const banned = addresses('banned');
  const maxKb = /^\d{1,6}$/.test(form.maxKb) ? Number(form.maxKb) : NaN;
  if (!(maxKb >= 1 && maxKb <= 100_000)) errors.maxKb = 'Enter a whole number of KB from 1 to 100000, such as 5120 for 5 MB.';
  const maxRecipients = /^\d{1,4}$/.test(form.maxRecipients) ? Number(form.maxRecipients) : NaN;
  if (!(maxRecipients >= 1 && maxRecipients <= 1000)) errors.maxRecipients = 'Enter a whole number from 1 to 1000.';
  if (!['poster', 'list'].includes(form.replyTo)) errors.replyTo = 'Choose where replies go.';
  if (!['hold', 'accept'].includes(form.spfFail)) errors.spfFail = 'Choose what happens to a post that fails SPF.';
  if (!['auto', 'always', 'never'].includes(form.dmarcMitigation)) errors.dmarcMitigation = 'Choose when posts show as from the list.';
  if (/[\r\n]/.test(form.subjectPrefix)) errors.subjectPrefix = 'The prefix must be on one line.';
  if (Object.keys(errors).length) return { ok: false, form, errors };
  const prefix = form.subjectPrefix.trim();
  return {
    ok: true,
    settings: {
      subjectPrefix: prefix === '' ? null : prefix.toLowerCase() === 'none' ? '' : prefix,
      footer: form.footer,
      replyTo: form.replyTo as 'poster' | 'list',
      dmarcMitigation: form.dmarcMitigation as 'auto' | 'always' | 'never',
      moderated: form.moderated,
      emergency: form.emergency,
      maxBytes: maxKb * 1024,
      maxRecipients,
      acceptFrom,
      banned,
      administrivia: form.administrivia,
      spfFail: form.spfFail as 'hold' | 'accept',
      whoByMail: form.whoByMail,
      sendToPoster: form.sendToPoster,
      archivePublic: form.archivePublic,
    },
  };
}

export function listSettingsRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const { hide, csrf, moderated } = listRouteKit(ctx, app);

    // ---- List settings -------------------------------------------------------------------

    for (const base of ADMIN_PATHS) {
      app.get<{ Params: AdminParams; Querystring: { saved?: string } }>(`${base}/list`, hide, async (req, reply) => {
        const { c, list } = await moderated(req, req.params, false);
        return sendPage(
          reply,
          ListSettingsPage({
            site: siteFor(ctx, req),
            c,
            listName: list.name,
            form: formFromSettings(list),
            csrf: formToken(reply),
            saved: req.query.saved === '1',
          }),
        );
      });

      app.post<{ Params: AdminParams }>(`${base}/list`, csrf, async (req, reply) => {
        const { c, list, admin } = await moderated(req, req.params, false);
        const result = settingsFromForm(req.body);
        if (!result.ok)
          return sendPage(
            reply,
            ListSettingsPage({ site: siteFor(ctx, req), c, listName: list.name, form: result.form, errors: result.errors, csrf: formToken(reply) }),
            400,
          );
        await saveListSettings(ctx.pool, { name: req.viewer!.email, source: req.ip }, list, result.settings);
        return reply.redirect(`${admin}/list?saved=1`, 303);
      });
    }
  };
}
