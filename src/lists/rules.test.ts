import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fromIsUnverified, runChain, type PostFacts } from './rules.ts';

function facts(over: Partial<PostFacts> = {}, headers: Record<string, string[]> = {}): PostFacts {
  return {
    list: {
      localPart: 'social-media',
      emergency: false,
      moderated: false,
      maxBytes: 5_000_000,
      maxRecipients: 10,
      acceptFrom: [],
      banned: [],
      administrivia: true,
      spfFail: 'hold',
    },
    listId: 'social-media.lists.example.gov',
    loopTag: 'social-media@lists.example.gov',
    requestAddress: 'social-media-request@lists.example.gov',
    envelopeFrom: 'pat@agency.gov',
    from: 'pat@agency.gov',
    fromAddresses: ['pat@agency.gov'],
    size: 2000,
    subject: 'Caption tools for short video',
    body: 'Which caption tools does your agency use?\n',
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
    assert.deepEqual(
      r.hits.map((h) => h.rule),
      ['membership'],
    );
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
  test('a hold for a forged-looking From marks the From unverified (moderators cannot ban it); other holds do not', () => {
    const forged = [
      runChain(facts({ auth: { dmarc: 'fail', policy: 'reject', spf: 'fail', dkimPass: [], fromDomain: 'agency.gov' } })),
      runChain(facts({ auth: { dmarc: 'none', policy: null, spf: 'fail', dkimPass: [], fromDomain: 'agency.gov' } })),
      runChain(facts({}, { from: ['pat@agency.gov', 'x@example.com'] })),
    ];
    for (const r of forged) assert.ok(fromIsUnverified(r.hits), JSON.stringify(r.hits));
    const stranger = runChain(facts({ sender: { member: false, banned: false, role: null } }));
    assert.equal(stranger.outcome, 'hold');
    assert.equal(fromIsUnverified(stranger.hits), false);
  });
  test('banned senders are discarded, even when also not members', () => {
    const r = runChain(facts({ sender: { member: false, banned: true, role: null } }));
    assert.equal(r.outcome, 'discard');
    assert.deepEqual(
      r.hits.map((h) => h.rule),
      ['banned-address', 'membership'],
    );
    assert.equal(runChain(facts({ from: 'x@spam.example', list: { ...facts().list, banned: ['@spam.example'] } })).outcome, 'discard');
  });
  test('size, recipients, emergency and announce-only hold', () => {
    assert.equal(runChain(facts({ size: 6_000_000 })).hits[0]!.rule, 'max-size');
    assert.equal(runChain(facts({ recipientCount: 11 })).hits[0]!.rule, 'max-recipients');
    assert.equal(runChain(facts({ list: { ...facts().list, emergency: true } })).hits[0]!.rule, 'emergency');
    assert.equal(runChain(facts({ list: { ...facts().list, moderated: true } })).outcome, 'hold');
    assert.equal(runChain(facts({ list: { ...facts().list, moderated: true }, sender: { member: true, banned: false, role: 'moderator' } })).outcome, 'accept');
  });
  test('administrivia: a command sent to the post address is held, saying where commands go', () => {
    for (const [subject, body] of [
      ['unsubscribe', ''],
      ['Remove me', 'Thanks'],
      ['Re: [Social Media] Caption tools', 'unsubscribe\n\n> Which caption tools does your agency use?'],
      ['', 'Please remove me from this list.\n\n-- \nPat Smith | GSA'],
      ['(no subject)', 'set digest weekly'],
      ['Subscribe to #SocialGov', 'Name: Pat Smith'],
      ['help', ''],
      ['leave', ''],
      ['Please take me off this list', ''],
    ]) {
      const r = runChain(facts({ subject, body }));
      assert.equal(r.outcome, 'hold', `${subject} / ${body}`);
      assert.deepEqual(
        r.hits.map((h) => h.rule),
        ['administrivia'],
        subject,
      );
      assert.match(r.reason!, /social-media-request@/);
    }
  });
  test('administrivia: ordinary posts that mention a command are not held, and a list can turn the rule off', () => {
    const long = [
      'Hello all,',
      '',
      'Several of you asked how people unsubscribe from our agency newsletter.',
      'We added a one-click unsubscribe link.',
      'Readers can also reply "unsubscribe".',
      'Open rates went up.',
      'Help us test it.',
      'Thanks!',
      'Pat',
    ].join('\n');
    for (const [subject, body] of [
      ['Unsubscribe links in newsletters', long],
      ['Help with caption tools', 'Which caption tools does your agency use?'],
      ['Join us for the summit on May 3', 'Registration is open.'],
      ['Newsletter question', 'unsubscribe rates went up after we moved the link; has anyone else seen this? We send weekly.\nMore below.\n' + long],
    ]) {
      assert.equal(runChain(facts({ subject, body })).outcome, 'accept', subject);
    }
    assert.equal(runChain(facts({ subject: 'unsubscribe', body: '', list: { ...facts().list, administrivia: false } })).outcome, 'accept');
  });
  test('a member address from a domain with no DMARC record and an SPF hard fail is held, unless the list accepts it', () => {
    const auth = { dmarc: 'none', policy: null, spf: 'fail', dkimPass: [], fromDomain: 'agency.gov' };
    const r = runChain(facts({ auth }));
    assert.equal(r.outcome, 'hold');
    assert.deepEqual(
      r.hits.map((h) => h.rule),
      ['spf-fail'],
    );
    assert.match(r.reason!, /SPF/);
    assert.equal(runChain(facts({ auth, list: { ...facts().list, spfFail: 'accept' } })).outcome, 'accept');
    assert.equal(runChain(facts({ auth: { ...auth, spf: 'softfail' } })).outcome, 'accept', 'a soft fail is not proof');
  });
  test('two From headers, or several addresses in From, are held with the reason', () => {
    const two = runChain(facts({}, { from: ['pat@agency.gov', 'boss@agency.gov'] }));
    assert.equal(two.outcome, 'hold');
    assert.deepEqual(
      two.hits.map((h) => h.rule),
      ['from-header'],
    );
    assert.match(two.reason!, /2 From headers/);
    const several = runChain(facts({ fromAddresses: ['pat@agency.gov', 'boss@agency.gov'] }, { from: ['pat@agency.gov, boss@agency.gov'] }));
    assert.equal(several.outcome, 'hold');
    assert.match(several.reason!, /several addresses \(pat@agency\.gov, boss@agency\.gov\)/);
  });
  test('a Message-ID the list already has is discarded, with the Message-ID in the reason', () => {
    const r = runChain(facts({ repeatedMessageId: true }, { 'message-id': ['<once@agency.gov>'] }));
    assert.equal(r.outcome, 'discard');
    assert.deepEqual(
      r.hits.map((h) => h.rule),
      ['repeated-message-id'],
    );
    assert.match(r.reason!, /<once@agency\.gov>/);
  });
});
