/** The job queue and queued mail, on a real PostgreSQL with the worker running in-process. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startPlatform, type RunningPlatform } from '../../src/app/index.ts';
import { inTransaction } from '../../src/platform/db/queryable.ts';
import { queueMail } from '../../src/platform/mail/queued.ts';
import { startMailSink, type MailSink } from '../mail-sink.ts';
import { testConfig, testDatabaseEnv } from '../helpers.ts';

describe('job queue and queued mail', () => {
  let platform: RunningPlatform;
  let sink: MailSink;
  let cleanup: () => Promise<void>;

  before(async () => {
    const database = await testDatabaseEnv();
    cleanup = database.cleanup;
    sink = await startMailSink();
    platform = await startPlatform(testConfig({ ...database.env, SMTP_URL: sink.url, SOCIALGOV_ROLES: 'web,worker' }));
  });
  after(async () => {
    await platform?.close();
    await sink?.close();
    await cleanup?.();
  });

  test('a keyed mail is sent once, however often it is queued', async () => {
    const mail = { to: 'once@agency.gov', subject: 'Reminder', text: 'Hello' };
    assert.equal(await queueMail(platform.db.pool, platform.queue, mail, { key: 'test:once' }), true);
    assert.equal(await queueMail(platform.db.pool, platform.queue, mail, { key: 'test:once' }), false);
    const got = await sink.next('once@agency.gov');
    assert.equal(got.subject, 'Reminder');
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(sink.messages.filter((m) => m.to.includes('once@agency.gov')).length, 1);
    const { rows } = await platform.db.pool.query(`select sent_at from mail_queue where key = 'test:once'`);
    assert.ok(rows[0].sent_at);
  });

  test('mail queued in a transaction that rolls back is never sent', async () => {
    await assert.rejects(
      inTransaction(platform.db.pool, async (tx) => {
        await queueMail(tx, platform.queue, { to: 'rollback@agency.gov', subject: 'Never', text: 'x' });
        throw new Error('roll back');
      }),
      /roll back/,
    );
    await queueMail(platform.db.pool, platform.queue, { to: 'after@agency.gov', subject: 'After', text: 'x' });
    await sink.next('after@agency.gov');
    assert.equal(
      sink.messages.some((m) => m.to.includes('rollback@agency.gov')),
      false,
    );
    const { rows } = await platform.db.pool.query(`select count(*)::int as n from mail_queue where message->>'to' = 'rollback@agency.gov'`);
    assert.equal(rows[0].n, 0);
  });

  test('a job that fails is retried', async () => {
    let calls = 0;
    await platform.queue.work<{ n: number }>('test.flaky', async () => {
      calls++;
      if (calls === 1) throw new Error('first try fails');
    });
    await platform.queue.send('test.flaky', { n: 1 }, { retryLimit: 2, retryDelay: 1, retryBackoff: false });
    const deadline = Date.now() + 15_000;
    while (calls < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    assert.equal(calls, 2);
  });
});
