import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readApplicant, readCommand } from './commands.ts';

describe('list commands', () => {
  test("the community's own subject lines mean join", () => {
    for (const s of ['Join #SocialGov', 'Subscribe to #SocialGov', 'Join the Social Media Community', 'subscribe', 'RE: Join #SocialGov']) {
      assert.equal(readCommand(s, '')?.kind, 'join', s);
    }
  });
  test('name and job title come from the body, labelled or as the seeds ask', () => {
    assert.deepEqual(readCommand('Join #SocialGov', 'Name: Pat Smith\nJob title: Digital strategist\nAgency: GSA\n'), {
      kind: 'join',
      name: 'Pat Smith',
      jobTitle: 'Digital strategist',
      agency: 'GSA',
    });
    assert.deepEqual(readApplicant('Pat Smith\nSocial Media Specialist\n\n-- \nPat Smith | GSA | 202-555-0100'), {
      name: 'Pat Smith',
      jobTitle: 'Social Media Specialist',
    });
    assert.deepEqual(readApplicant('Hello,\nPlease add me.\n'), {}, 'greetings are not names');
  });
  test('leave, help and confirm, from the subject or the first body lines', () => {
    assert.deepEqual(readCommand('unsubscribe', ''), { kind: 'leave' });
    assert.deepEqual(readCommand('', 'leave\n'), { kind: 'leave' });
    assert.deepEqual(readCommand('unsubscribe 1a.2.AAAAAAAAAAAAAAAAAAAAAA', ''), { kind: 'leave', token: '1a.2.AAAAAAAAAAAAAAAAAAAAAA' });
    assert.deepEqual(readCommand('help', ''), { kind: 'help' });
    const token = 'x'.repeat(43);
    assert.deepEqual(readCommand(`Re: confirm ${token}`, ''), { kind: 'confirm', token });
    assert.deepEqual(readCommand('Question', '> join\nhelp'), { kind: 'help' });
    assert.equal(readCommand('A question about the summit', 'When is it?'), undefined);
  });
  test("Mailman users' commands: set digest, set each, set nomail, info, who", () => {
    assert.deepEqual(readCommand('set digest daily', ''), { kind: 'set', mode: 'daily' });
    assert.deepEqual(readCommand('', 'set digest weekly\n'), { kind: 'set', mode: 'weekly' });
    assert.deepEqual(readCommand('set digest', ''), { kind: 'set', mode: 'daily' });
    assert.deepEqual(readCommand('set digest off', ''), { kind: 'set', mode: 'each' });
    assert.deepEqual(readCommand('SET EACH', ''), { kind: 'set', mode: 'each' });
    assert.deepEqual(readCommand('set delivery on', ''), { kind: 'set', mode: 'each' });
    assert.deepEqual(readCommand('set nomail', ''), { kind: 'set', mode: 'none' });
    assert.deepEqual(readCommand('set delivery off', ''), { kind: 'set', mode: 'none' });
    assert.deepEqual(readCommand('info', ''), { kind: 'info' });
    assert.deepEqual(readCommand('', 'who\n'), { kind: 'who' });
    assert.equal(readCommand('set digest hourly', ''), undefined, 'no such digest');
  });
});
