/**
 * `socialgov lists show|held|digest|dkim-key`: a list's addresses and settings, what waits for a
 * moderator, its next digest (shown, or sent now), and a DKIM key for the list domain with the
 * DNS record to publish.
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { DateTime } from '../platform/luxon.ts';
import { simpleParser } from 'mailparser';
import { listDomainOf, siteUrl, type Config } from '../platform/config.ts';
import { PLACEHOLDERS } from '../lists/digests/personal.ts';
import { DigestZoneError, type DigestMode } from '../lists/digests/schedule.ts';
import { previewDigest, sendDigestNow, type MadeDigest, type DigestContext } from '../lists/digests/send.ts';
import { listAddresses } from '../lists/addresses.ts';
import { loadDkimKey } from '../lists/message/dkim.ts';
import { heldMessages } from '../lists/moderation.ts';
import { effectivePrefix, listByLocalPart } from '../lists/store.ts';
import { CliError, EXIT, say, withDatabase } from './support.ts';
import { out } from './io.ts';
import { printable } from '../platform/text.ts';

export function registerListCommands(program: Command, getConfig: () => Config): void {
  const lists = program.command('lists').description("Lists: addresses and settings, held messages, digests, the list domain's DKIM key.");

  lists
    .command('show')
    .description("A list's addresses and settings.")
    .argument('<list>', 'the list name (the part before the @, e.g. social-media)')
    .action(async (name: string) => {
      const config = getConfig();
      await withDatabase(config, async (pool) => {
        const list = await listByLocalPart(pool, name);
        if (!list)
          throw new CliError(`There is no list called "${name}". Lists are named after their community: run "socialgov communities list".`, EXIT.failed);
        const a = listAddresses(list.localPart, listDomainOf(config));
        const held = (await heldMessages(pool, list.id)).length;
        out(
          [
            `${list.name} (community ${list.communitySlug})`,
            `  posts:     ${a.post}`,
            `  commands:  ${a.request}`,
            `  owners:    ${a.owner}`,
            `  bounces:   ${a.bounces('<token>')}`,
            `  prefix:    ${effectivePrefix(list) ?? '(none)'}`,
            `  reply-to:  ${list.replyTo}`,
            `  DMARC From rewriting: ${list.dmarcMitigation}`,
            `  announce-only: ${list.moderated ? 'yes' : 'no'}   emergency moderation: ${list.emergency ? 'ON' : 'off'}`,
            `  largest post: ${Math.floor(list.maxBytes / 1024)} KB   most recipients: ${list.maxRecipients}`,
            `  always accepted: ${list.acceptFrom.join(', ') || '(none)'}`,
            `  banned: ${list.banned.join(', ') || '(none)'}`,
            `  archive: ${list.archivePublic ? 'public' : 'members only'}   posts so far: ${list.postCount}   held now: ${held}`,
          ].join('\n'),
        );
      });
    });

  lists
    .command('held')
    .description('Messages waiting for a moderator, with the reasons.')
    .argument('<list>', 'the list name, e.g. social-media')
    .action(async (name: string) => {
      await withDatabase(getConfig(), async (pool) => {
        const list = await listByLocalPart(pool, name);
        if (!list)
          throw new CliError(`There is no list called "${name}". Lists are named after their community: run "socialgov communities list".`, EXIT.failed);
        const held = await heldMessages(pool, list.id);
        if (!held.length) return out('Nothing is waiting.');
        // Sender and subject come from whoever wrote the mail: nothing in them reaches the terminal raw.
        for (const h of held)
          out([String(h.id), h.receivedAt.toISOString(), h.from, h.subject || '(no subject)', h.reason].map((f) => printable(f)).join('\t'));
        say(`${held.length} waiting. Moderate them at /communities/${list.communitySlug}/admin/held`);
      });
    });

  lists
    .command('digest')
    .description("Show a list's next digest (--preview), or send it now (--send).")
    .argument('<list>', 'the list name, e.g. social-media')
    .option('--preview', 'print the digest that would go out now; nothing is sent and no member is marked')
    .option('--send', 'send it now through the delivery queue, once; the scheduled digest then brings only what came after')
    .addOption(new Option('--mode <mode>', 'only daily or only weekly digests (default: both)').choices(['daily', 'weekly']))
    .action(async (name: string, opts: { preview?: boolean; send?: boolean; mode?: DigestMode }) => {
      if (!!opts.preview === !!opts.send) throw new CliError('Choose one: --preview shows the next digest, --send sends it now.', EXIT.usage);
      const config = getConfig();
      await withDatabase(config, async (pool) => {
        const list = await listByLocalPart(pool, name);
        if (!list)
          throw new CliError(`There is no list called "${name}". Lists are named after their community: run "socialgov communities list".`, EXIT.failed);
        const ctx: DigestContext = { baseUrl: siteUrl(config, config.port), domain: listDomainOf(config), config, log: (msg) => say(msg) };
        const now = DateTime.utc();
        let sent = 0;
        for (const mode of opts.mode ? [opts.mode] : (['daily', 'weekly'] as const)) {
          let digests: MadeDigest[];
          try {
            digests = opts.preview ? await previewDigest(pool, ctx, list, mode, now) : await sendDigestNow(pool, ctx, list, mode, now);
          } catch (err) {
            if (err instanceof DigestZoneError) throw new CliError(err.message, EXIT.failed);
            throw err;
          }
          for (const d of digests) {
            sent += d.recipients;
            out(
              `${mode === 'daily' ? 'Daily' : 'Weekly'} digest of ${list.name}: ${d.postCount === 1 ? '1 post' : `${d.postCount} posts`} (#${d.firstPost}–#${d.lastPost}), ${opts.preview ? 'for' : 'queued for'} ${d.recipients === 1 ? '1 member' : `${d.recipients} members`}`,
            );
            if (opts.preview) out(await previewText(d));
          }
        }
        if (!sent) say(`Nothing to ${opts.preview ? 'show' : 'send'}: no ${opts.mode ?? 'digest'} member of ${list.name} has posts waiting.`);
        else if (opts.send) say("The delivery worker sends them now; each member's next scheduled digest brings only posts that come after.");
        else say('Nothing was sent. Run with --send to send it now.');
      });
    });

  lists
    .command('dkim-key')
    .description('Make a DKIM key for the list domain and print the DNS record to publish.')
    .requiredOption('--selector <name>', 'the DKIM selector, e.g. sg2026')
    .requiredOption('--out <file>', 'where to write the private key (PEM); it must not exist yet')
    .addOption(new Option('--type <type>', 'key type').choices(['rsa', 'ed25519']).default('rsa'))
    .action((opts: { selector: string; out: string; type: 'rsa' | 'ed25519' }) => {
      const config = getConfig();
      if (existsSync(opts.out))
        throw new CliError(`${opts.out} exists already. Choose another file, or remove it first if you really mean to replace the key.`, EXIT.usage);
      const pem = (opts.type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ed25519')).privateKey
        .export({ type: 'pkcs8', format: 'pem' })
        .toString();
      const domain = listDomainOf(config);
      let key;
      try {
        key = loadDkimKey(domain, opts.selector, pem);
      } catch (err) {
        throw new CliError(`${(err as Error).message}`, EXIT.usage);
      }
      writeFileSync(opts.out, pem, { mode: 0o600 });
      say(`Wrote the private key to ${opts.out} (readable by its owner only).`);
      out(`${opts.selector}._domainkey.${domain}. TXT "${key.dnsRecord}"`);
      say(`Publish that record, then start socialgov with DKIM_SELECTOR=${opts.selector} DKIM_PRIVATE_KEY_FILE=${opts.out}`);
      if (domain === 'localhost') say('LIST_DOMAIN is not set: the record above names localhost. Set LIST_DOMAIN (or PUBLIC_URL) first.');
    });
}

/** The digest as a text-only reader gets it: its subject and the plain-text (RFC 1153) part. */
async function previewText(d: MadeDigest): Promise<string> {
  const parsed = await simpleParser(d.message);
  const text = (parsed.text ?? '')
    .replaceAll(PLACEHOLDERS.textEach, "(each member's own link to get each message instead)")
    .replaceAll(PLACEHOLDERS.textLeave, "(each member's own link to leave the list)");
  // Posts are written by anyone: nothing in them reaches the terminal raw.
  return [`Subject: ${printable(d.subject)}`, '', ...text.split(/\r?\n/).map((line) => printable(line)), ''].join('\n');
}
