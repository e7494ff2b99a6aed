import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { looksLikeReply, subjectKey } from './threads.ts';
import { cleanSubject } from './subjects.ts';

describe('subjects', () => {
  test('reply marks and list tags are ignored for threading', () => {
    assert.equal(subjectKey('Re: [USRP-users] RE: Fwd: Theseus  Cores'), 'theseus cores');
    assert.equal(subjectKey('AW: [SocialGov] Re[2]: Hi'), 'hi');
    assert.ok(looksLikeReply('[USRP-users] Re: x'));
    assert.ok(!looksLikeReply('Regarding x'));
  });
  test('display subjects drop the list tag', () => {
    assert.equal(cleanSubject('[USRP-users] Introducing Theseus Cores'), 'Introducing Theseus Cores');
    assert.equal(cleanSubject('Re: [USRP-users] X'), 'Re: X');
    assert.equal(cleanSubject(''), '(no subject)');
  });
});
