/** `socialgov members import|add|role|remove|list` and `socialgov admins add|remove|list`. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { Command, Option } from 'commander';
import type pg from 'pg';
import { joinSettings, type JoinSettings } from '../communities/index.ts';
import type { Config } from '../platform/config.ts';
import { recordAudit } from '../platform/audit.ts';
import { parseAddress } from '../membership/address.ts';
import { applyImport, ImportFileError, importReport, planImport } from '../membership/bulk-import.ts';
import { directory } from '../membership/directory.ts';
import { decide, policyFor } from '../membership/join.ts';
import { changeMembership, ensureMember, findMemberByEmail, membershipIn, ROLES, type Role } from '../membership/members.ts';
import { openQueue } from '../platform/queue.ts';
import { siteUrl } from '../platform/config.ts';
import { nameProblem, printable, printableJson } from '../platform/text.ts';
import { CliError, cliActor, EXIT, progressBar, say, withDatabase } from './support.ts';
import { out } from './io.ts';

async function communityOrFail(pool: pg.Pool, slug: string): Promise<JoinSettings> {
  const c = await joinSettings(pool, slug);
  if (!c) throw new CliError(`There is no community "${slug}". See the slugs with: socialgov communities list --all`);
  return c;
}

function addressOrFail(input: string): string {
  const parsed = parseAddress(input);
  if (!parsed.ok) throw new CliError(`"${input}" is not a usable address: ${parsed.message}`, EXIT.usage);
  return parsed.address;
}

const communityOption = () => new Option('--community <slug>', 'the community, e.g. social-media').makeOptionMandatory();

export function registerMemberCommands(program: Command, getConfig: () => Config): void {
  const members = program.command('members').description('Import, add, change and list the members of a community.');

  members
    .command('import')
    .description(
      "Import members from a CSV file (columns email, name, title[, agency]; a header row naming them is optional), e.g. a LISTSERV export. Eligible rows become members; rows that need approval go to the coordinators' queue; the rest are reported.",
    )
    .argument('<file>', 'the CSV file')
    .addOption(communityOption())
    .option('--dry-run', 'report what would happen, and change nothing')
    .option('--welcome', 'send each new member the welcome mail (off by default)')
    .action(async (file: string, opts: { community: string; dryRun?: boolean; welcome?: boolean }) => {
      if (!existsSync(file) || !statSync(file).isFile()) throw new CliError(`${file}: no such file; check the path.`, EXIT.invalidInput);
      const config = getConfig();
      const text = readFileSync(file, 'utf8');
      await withDatabase(config, async (pool) => {
        const c = await communityOrFail(pool, opts.community);
        let plan;
        try {
          plan = await planImport(pool, text, c, config, progressBar('Checking rows'));
        } catch (err) {
          if (err instanceof ImportFileError) throw new CliError(`${file}: ${err.message} Nothing was imported.`, EXIT.invalidInput);
          throw err;
        }
        // The report quotes the file, which anyone may have written: nothing in it reaches the terminal raw.
        for (const line of importReport(plan)) out(printable(line));
        if (opts.dryRun) {
          out('Dry run: nothing was changed.');
          return;
        }
        const queue = await openQueue(pool, { worker: false });
        try {
          const done = await applyImport(pool, plan, {
            community: c,
            actor: cliActor(),
            welcome: Boolean(opts.welcome),
            queue,
            baseUrl: siteUrl(config, config.port),
            progress: progressBar('Importing'),
          });
          out(
            `Imported: ${done.joined} new members; ${done.queued} sent to the approval queue.${opts.welcome && done.joined ? ` Welcome mail to ${done.joined} member(s) is queued; a running worker (socialgov serve) sends it.` : ' No mail was sent.'}`,
          );
        } finally {
          await queue.stop();
        }
      });
    });

  members
    .command('add')
    .description("Make someone a member now (an operator's decision: the eligibility check is shown, not enforced).")
    .argument('<email>', 'their address')
    .addOption(communityOption())
    .option('--name <name>', 'full name')
    .option('--title <title>', 'job title')
    .option('--agency <agency>', 'agency or organization')
    .addOption(new Option('--role <role>', 'their role').choices(ROLES).default('member'))
    .action(async (email: string, opts: { community: string; name?: string; title?: string; agency?: string; role: Role }) => {
      const address = addressOrFail(email);
      const badName = opts.name === undefined ? undefined : nameProblem(opts.name, 'The name');
      if (badName) throw new CliError(`--name: ${badName}`, EXIT.usage);
      const config = getConfig();
      await withDatabase(config, async (pool) => {
        const c = await communityOrFail(pool, opts.community);
        const decision = await decide(pool, address, policyFor(c, config));
        if (decision.outcome !== 'eligible')
          say(
            `Note: by address this person is ${decision.outcome} (${decision.outcome === 'needs-approval' ? decision.reason : decision.message}); adding anyway.`,
          );
        const member = await ensureMember(pool, {
          email: address,
          name: opts.name ?? null,
          jobTitle: opts.title ?? null,
          agency: opts.agency ?? (decision.outcome === 'eligible' ? (decision.agency ?? null) : null),
          governmentLevel: decision.outcome === 'eligible' ? (decision.level ?? null) : null,
        });
        await changeMembership(pool, cliActor(), {
          communityId: c.id,
          memberId: member.id,
          status: 'active',
          role: opts.role,
          source: 'cli',
          action: 'membership.add',
          governmentLevel: decision.outcome === 'eligible' ? (decision.level ?? null) : null,
        });
        out(`${address} is now a ${opts.role} of ${c.title}.`);
      });
    });

  members
    .command('role')
    .description("Change a member's role in a community.")
    .argument('<email>', 'their address')
    .argument('<role>', `one of ${ROLES.join(', ')}`)
    .addOption(communityOption())
    .action(async (email: string, role: string, opts: { community: string }) => {
      if (!ROLES.includes(role as Role)) throw new CliError(`"${role}" is not a role; use one of ${ROLES.join(', ')}.`, EXIT.usage);
      const address = addressOrFail(email);
      await withDatabase(getConfig(), async (pool) => {
        const c = await communityOrFail(pool, opts.community);
        const member = await findMemberByEmail(pool, address);
        const m = member ? await membershipIn(pool, member.id, c.id) : undefined;
        if (!member || m?.status !== 'active')
          throw new CliError(`${address} is not a member of ${c.title}. Add them first: socialgov members add ${address} --community ${c.slug}`);
        await changeMembership(pool, cliActor(), { communityId: c.id, memberId: member.id, role: role as Role, source: 'cli', action: 'membership.role' });
        out(`${address} is now a ${role} of ${c.title}.`);
      });
    });

  members
    .command('remove')
    .description('Remove a member from a community (or ban them, so they cannot join again).')
    .argument('<email>', 'their address')
    .addOption(communityOption())
    .option('--ban', 'also refuse future requests to join')
    .action(async (email: string, opts: { community: string; ban?: boolean }) => {
      const address = addressOrFail(email);
      await withDatabase(getConfig(), async (pool) => {
        const c = await communityOrFail(pool, opts.community);
        const member = await findMemberByEmail(pool, address);
        if (!member || !(await membershipIn(pool, member.id, c.id))) throw new CliError(`${address} is not a member of ${c.title}.`);
        await changeMembership(pool, cliActor(), {
          communityId: c.id,
          memberId: member.id,
          status: opts.ban ? 'banned' : 'removed',
          source: 'cli',
          action: opts.ban ? 'membership.ban' : 'membership.remove',
        });
        out(`${address} was ${opts.ban ? 'banned from' : 'removed from'} ${c.title}.`);
      });
    });

  members
    .command('list')
    .description('List the active members of a community.')
    .addOption(communityOption())
    .option('--json', 'print JSON')
    .action(async (opts: { community: string; json?: boolean }) => {
      await withDatabase(getConfig(), async (pool) => {
        const c = await communityOrFail(pool, opts.community);
        const entries = await directory(pool, c.id, '', true);
        // Names and agencies are typed by members: escape anything a terminal would act on.
        if (opts.json) return out(printableJson(entries));
        for (const e of entries) out([e.email, e.role, e.name ?? '', e.agency ?? ''].map((f) => printable(f ?? '')).join('\t'));
        say(`${entries.length} member(s).`);
      });
    });

  const admins = program.command('admins').description('Site administrators: they can run every community.');
  for (const [name, value] of [
    ['add', true],
    ['remove', false],
  ] as const) {
    admins
      .command(name)
      .description(value ? 'Make someone a site administrator (creates the member if needed).' : 'Take away site administration.')
      .argument('<email>', 'their address')
      .action(async (email: string) => {
        const address = addressOrFail(email);
        await withDatabase(getConfig(), async (pool) => {
          const member = value ? await ensureMember(pool, { email: address }) : await findMemberByEmail(pool, address);
          if (!member) throw new CliError(`${address} is not known here.`);
          await pool.query('update members set site_admin = $2, updated_at = now() where id = $1', [member.id, value]);
          await recordAudit(pool, cliActor(), {
            action: value ? 'admin.add' : 'admin.remove',
            subjectType: 'member',
            subjectId: String(member.id),
            before: { siteAdmin: member.siteAdmin },
            after: { siteAdmin: value },
          });
          out(`${address} is ${value ? 'now' : 'no longer'} a site administrator.`);
        });
      });
  }
}
