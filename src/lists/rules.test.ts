import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runChain, type PostFacts } from './rules.ts';

function facts(over: Partial<PostFacts> = {}, headers: Record<string, string[]> = {}): PostFacts {
  return {
    list: { localPart: 'social-media', emergency: false, moderated: false, maxBytes: 5_000_000, maxRecipients: 10, acceptFrom: [], banned: [] },
    listId: 'social-media.lists.example.gov',
    loopTag: 'social-media@lists.example.gov',
    envelopeFrom: 'pat@agency.gov',
    from: 'pat@agency.gov',
    size: 2000,
    headers: new Map(Object.entries(headers)),
    recipientCount: 1,
    sender: { member: true, banned: false, role: 'member' },
    auth: { dmarc: 'pass', policy: 'reject', spf: 'pass', dkimPass: ['agency.gov'], fromDomain: 'agency.gov' },
    repeatedMessageId: false,
    ...over,
  };
}

describe('posting rules', () => {
  test('a member post with nothing odd is accepted', () => {
    assert.deepEqual(runChain(facts()), { outcome: 'accept', hits: [], reason: null });
  });
  test('a non-member post is held, saying why', () => {
    const r = runChain(facts({ sender: { member: false, banned: false, role: null }, from: 'someone@example.com' }));
    assert.equal(r.outcome, 'hold');
    assert.deepEqual(r.hits.map((h) => h.rule), ['membership']);
    assert.match(r.reason!, /someone@example\.com, is not a member/);
  });
  test('the accept list lets a non-member post, by address or @domain', () => {
    const nonMember = { sender: { member: false, banned: false, role: null } as const };
    assert.equal(runChain(facts({ ...nonMember, from: 'press@gsa.gov', list: { ...facts().list, acceptFrom: ['press@gsa.gov'] } })).outcome, 'accept');
    assert.equal(runChain(facts({ ...nonMember, from: 'x@partner.org', list: { ...facts().list, acceptFrom: ['@partner.org'] } })).outcome, 'accept');
  });
  test('our own List-Id or X-Loop is a loop: discarded', () => {
    assert.equal(runChain(facts({}, { 'list-id': ['Social Media <social-media.lists.example.gov>'] })).outcome, 'discard');
    assert.equal(runChain(facts({}, { 'x-loop': ['social-media@lists.example.gov'] })).outcome, 'discard');
    assert.equal(runChain(facts({}, { 'list-id': ['<other.lists.example.org>'] })).outcome, 'accept');
  });
  test('automatic mail is discarded (RFC 3834, Precedence, null sender)', () => {
    assert.equal(runChain(facts({}, { 'auto-submitted': ['auto-replied'] })).outcome, 'discard');
    assert.equal(runChain(facts({}, { 'auto-submitted': ['no'] })).outcome, 'accept');
    assert.equal(runChain(facts({}, { precedence: ['bulk'] })).outcome, 'discard');
    assert.equal(runChain(facts({ envelopeFrom: '' })).outcome, 'discard');
  });
  test('a post claiming a member address that fails DMARC is held', () => {
    const r = runChain(facts({ auth: { dmarc: 'fail', policy: 'reject', spf: 'fail', dkimPass: [], fromDomain: 'agency.gov' } }));
    assert.equal(r.outcome, 'hold');
    assert.equal(r.hits[0]!.rule, 'sender-authentication');
    assert.match(r.reason!, /fails that domain's DMARC check/);
  });
  test('banned senders are discarded, even when also not members', () => {
    const r = runChain(facts({ sender: { member: false, banned: true, role: null } }));
    assert.equal(r.outcome, 'discard');
    assert.deepEqual(r.hits.map((h) => h.rule), ['banned-address', 'membership']);
    assert.equal(runChain(facts({ from: 'x@spam.example', list: { ...facts().list, banned: ['@spam.example'] } })).outcome, 'discard');
  });
  test('size, recipients, emergency and announce-only hold', () => {
    assert.equal(runChain(facts({ size: 6_000_000 })).hits[0]!.rule, 'max-size');
    assert.equal(runChain(facts({ recipientCount: 11 })).hits[0]!.rule, 'max-recipients');
    assert.equal(runChain(facts({ list: { ...facts().list, emergency: true } })).hits[0]!.rule, 'emergency');
    assert.equal(runChain(facts({ list: { ...facts().list, moderated: true } })).outcome, 'hold');
    assert.equal(runChain(facts({ list: { ...facts().list, moderated: true }, sender: { member: true, banned: false, role: 'moderator' } })).outcome, 'accept');
  });
  test('a Message-ID the list already has is discarded, with the Message-ID in the reason', () => {
    const r = runChain(facts({ repeatedMessageId: true }, { 'message-id': ['<once@agency.gov>'] }));
    assert.equal(r.outcome, 'discard');
    assert.deepEqual(r.hits.map((h) => h.rule), ['repeated-message-id']);
    assert.match(r.reason!, /<once@agency\.gov>/);
  });
});
