/**
 * `socialgov lists show|held|dkim-key`: a list's addresses and settings, what waits for a
 * moderator, and a DKIM key for the list domain with the DNS record to publish.
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { listDomainOf, type Config } from '../platform/config.ts';
import { listAddresses } from '../lists/addresses.ts';
import { loadDkimKey } from '../lists/message/dkim.ts';
import { heldMessages } from '../lists/moderation.ts';
import { effectivePrefix, listByLocalPart } from '../lists/store.ts';
import { CliError, EXIT, say, withDatabase } from './support.ts';
import { out } from './io.ts';
import { printable } from '../platform/text.ts';

export function registerListCommands(program: Command, getConfig: () => Config): void {
  const lists = program.command('lists').description("Lists: addresses and settings, held messages, the list domain's DKIM key.");

  lists
    .command('show')
    .description("A list's addresses and settings.")
    .argument('<list>', 'the list name (the part before the @, e.g. social-media)')
    .action(async (name: string) => {
      const config = getConfig();
      await withDatabase(config, async (pool) => {
        const list = await listByLocalPart(pool, name);
        if (!list) throw new CliError(`There is no list called "${name}". Lists are named after their community: run "socialgov communities list".`, EXIT.failed);
        const a = listAddresses(list.localPart, listDomainOf(config));
        const held = (await heldMessages(pool, list.id)).length;
        out([
          `${list.name} (community ${list.communitySlug})`,
          `  posts:     ${a.post}`, `  commands:  ${a.request}`, `  owners:    ${a.owner}`, `  bounces:   ${a.bounces('<token>')}`,
          `  prefix:    ${effectivePrefix(list) ?? '(none)'}`, `  reply-to:  ${list.replyTo}`, `  DMARC From rewriting: ${list.dmarcMitigation}`,
          `  announce-only: ${list.moderated ? 'yes' : 'no'}   emergency moderation: ${list.emergency ? 'ON' : 'off'}`,
          `  largest post: ${Math.floor(list.maxBytes / 1024)} KB   most recipients: ${list.maxRecipients}`,
          `  always accepted: ${list.acceptFrom.join(', ') || '(none)'}`, `  banned: ${list.banned.join(', ') || '(none)'}`,
          `  archive: ${list.archivePublic ? 'public' : 'members only'}   posts so far: ${list.postCount}   held now: ${held}`,
        ].join('\n'));
      });
    });

  lists
    .command('held')
    .description('Messages waiting for a moderator, with the reasons.')
    .argument('<list>', 'the list name, e.g. social-media')
    .action(async (name: string) => {
      await withDatabase(getConfig(), async (pool) => {
        const list = await listByLocalPart(pool, name);
        if (!list) throw new CliError(`There is no list called "${name}". Lists are named after their community: run "socialgov communities list".`, EXIT.failed);
        const held = await heldMessages(pool, list.id);
        if (!held.length) return out('Nothing is waiting.');
        // Sender and subject come from whoever wrote the mail: nothing in them reaches the terminal raw.
        for (const h of held) out([String(h.id), h.receivedAt.toISOString(), h.from, h.subject || '(no subject)', h.reason].map((f) => printable(f)).join('\t'));
        say(`${held.length} waiting. Moderate them at /communities/${list.communitySlug}/admin/held`);
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
      if (existsSync(opts.out)) throw new CliError(`${opts.out} exists already. Choose another file, or remove it first if you really mean to replace the key.`, EXIT.usage);
      const pem = (opts.type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ed25519')).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
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
