import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { simpleParser } from 'mailparser';
import { loadConfig } from '../config.ts';
import { createMailTransport, defaultFrom } from './transport.ts';

test('with no relay, each message is a complete .eml file in <data>/outbox', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'socialgov-outbox-'));
  try {
    const config = loadConfig({ SOCIALGOV_DATA_DIR: dir, PUBLIC_URL: 'https://socialgov.example.gov' });
    assert.equal(defaultFrom(config), 'SocialGov Communities <no-reply@socialgov.example.gov>');
    const mail = createMailTransport(config);
    assert.equal(mail.kind, 'outbox');
    const link = `https://socialgov.example.gov/join/confirm?token=${'a'.repeat(43)}`;
    const sent = await mail.send({ to: 'pat@gsa.gov', subject: 'Confirm your request', text: `Open this link:\n${link}\n` });
    const files = readdirSync(path.join(dir, 'outbox'));
    assert.deepEqual(files, [path.basename(sent.where)]);
    assert.match(files[0]!, /\.eml$/);
    const parsed = await simpleParser(readFileSync(sent.where));
    assert.equal(parsed.subject, 'Confirm your request');
    assert.equal(parsed.headers.get('auto-submitted'), 'auto-generated');
    assert.ok(parsed.text?.includes(link), 'the link survives encoding');
    mail.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a relay that refuses the connection gives an error without the relay password', async () => {
  const mail = createMailTransport(loadConfig({ SMTP_URL: 'smtp://user:s3cret@127.0.0.1:1' }));
  await assert.rejects(mail.send({ to: 'pat@gsa.gov', subject: 'x', text: 'y' }), (err: Error) => {
    assert.match(err.message, /The mail relay did not accept the message/);
    assert.doesNotMatch(err.message, /s3cret/);
    return true;
  });
  mail.close();
});
