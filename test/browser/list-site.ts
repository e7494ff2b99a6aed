/**
 * A site with a mailing list, for the list pages in Chromium (lists.test.ts, web-post.test.ts):
 * the platform with its mail-in listener and an SMTP sink as the relay, Chromium, and members of
 * the Social Media community; messages are posted to the list by SMTP (`post`).
 */
import type { Browser } from 'playwright-core';
import { launchChromium } from './chromium.ts';
import { startPlatform, type RunningPlatform } from '../../src/app/index.ts';
import { createSession } from '../../src/membership/sessions.ts';
import { testConfig, testDatabaseEnv } from '../helpers.ts';
import { addMembers, postMail } from '../list-helpers.ts';
import { startMailSink, type MailSink } from '../mail-sink.ts';

export const LIST_DOMAIN = 'lists.test.gov';

export interface ListSite {
  platform: RunningPlatform;
  browser: Browser;
  sink: MailSink;
  /** Send a message to the list's SMTP listener (postMail without the port). */
  post(mail: Omit<Parameters<typeof postMail>[0], 'port'>): Promise<void>;
  /** A day's session cookie value for the member with this address. */
  sessionOf(email: string): Promise<string>;
  close(): Promise<void>;
}

export async function startListSite(members: string[]): Promise<ListSite> {
  const sink = await startMailSink();
  const database = await testDatabaseEnv();
  let platform: RunningPlatform | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await platform?.close();
    await sink.close();
    await database.cleanup();
  };
  try {
    platform = await startPlatform(testConfig({ ...database.env, SMTP_URL: sink.url, LIST_DOMAIN, SMTP_IN_PORT: '0', DNS_SERVERS: '127.0.0.1:9' }));
    browser = await launchChromium();
    await addMembers(platform.db.pool, 'social-media', members);
  } catch (err) {
    await close();
    throw err;
  }
  const pool = platform.db.pool;
  const port = (platform.roles['mail-in']!.info as { smtpPort: number }).smtpPort;
  return {
    platform,
    browser,
    sink,
    close,
    post: async (mail) => void (await postMail({ ...mail, port })),
    async sessionOf(email) {
      const { rows } = await pool.query<{ id: number }>('select id from members where email = $1', [email]);
      return createSession(pool, Number(rows[0]!.id), { days: 1, ip: '127.0.0.1', userAgent: 'test' });
    },
  };
}
