import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { verpDecode, verpEncode, VerpError } from './verp.ts';

describe('verpEncode', () => {
  test('builds <list>-bounces+<token>@<domain>', () => {
    assert.equal(verpEncode('socialgov', 'lists.example.gov', 'Ab3_x-Y9'), 'socialgov-bounces+Ab3_x-Y9@lists.example.gov');
    assert.equal(verpEncode('web.content-cop', 'lists.example.gov', 'a'), 'web.content-cop-bounces+a@lists.example.gov');
  });

  test('refuses parts that would not make a valid, decodable address', () => {
    for (const [list, domain, token] of [
      ['', 'lists.example.gov', 'abc'],
      ['soc gov', 'lists.example.gov', 'abc'],
      ['soc+gov', 'lists.example.gov', 'abc'],
      ['.socialgov', 'lists.example.gov', 'abc'],
      ['social..gov', 'lists.example.gov', 'abc'],
      ['socialgov', 'localhost', 'abc'],
      ['socialgov', 'lists.example.gov', ''],
      ['socialgov', 'lists.example.gov', 'ab+c'],
      ['socialgov', 'lists.example.gov', 'abc='],
      ['socialgov', 'lists.example.gov', 'ab/c'],
      ['socialgov', 'lists.example.gov', 'x'.repeat(60)],
    ] as const) {
      assert.throws(() => verpEncode(list, domain, token), VerpError, `${list} ${domain} ${token}`);
    }
  });
});

describe('verpDecode', () => {
  test('round-trips and keeps the token exactly, case included', () => {
    for (const token of ['Ab3_x-Y9', 'abc', 'ABC', '-_-', 'Zm9vYmFy']) {
      assert.deepEqual(verpDecode(verpEncode('socialgov', 'lists.example.gov', token)), { listLocal: 'socialgov', token });
    }
    assert.notDeepEqual(verpDecode('socialgov-bounces+ABC@lists.example.gov'), verpDecode('socialgov-bounces+abc@lists.example.gov'));
  });

  test('the fixed part in any case; the list comes back lower-cased', () => {
    assert.deepEqual(verpDecode('SocialGov-BOUNCES+AbC@Lists.Example.GOV'), { listLocal: 'socialgov', token: 'AbC' });
  });

  test('a list name containing -bounces- or dots still splits at the last -bounces+', () => {
    assert.deepEqual(verpDecode('web.bounces-team-bounces+t0k@lists.example.gov'), { listLocal: 'web.bounces-team', token: 't0k' });
  });

  test('rejects everything else', () => {
    for (const address of [
      '',
      'socialgov@lists.example.gov',
      'socialgov-bounces@lists.example.gov',
      'socialgov-bounces+@lists.example.gov',
      '-bounces+abc@lists.example.gov',
      'socialgov-bounces+ab=c@lists.example.gov',
      'socialgov-bounces+ab.c@lists.example.gov',
      'socialgov-bounces+ab+c@lists.example.gov',
      'socialgov-bounces+abc@',
      'socialgov-bounces+abc@localhost',
      'socialgov-bounces+abc@lists.example.gov@evil.example',
      '<socialgov-bounces+abc@lists.example.gov>',
      ' socialgov-bounces+abc@lists.example.gov',
      'socialgov-bounces+abc@lists.example.gov ',
      'Jane <socialgov-bounces+abc@lists.example.gov>',
      'soc gov-bounces+abc@lists.example.gov',
      '"socialgov"-bounces+abc@lists.example.gov',
      `socialgov-bounces+${'x'.repeat(60)}@lists.example.gov`,
    ]) {
      assert.equal(verpDecode(address), null, address);
    }
  });
});
