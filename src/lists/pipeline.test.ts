import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { needsDmarcMitigation } from './pipeline.ts';

describe('DMARC mitigation', () => {
  const auth = (over: { dmarc: string; policy: string | null }) => ({ spf: 'pass', dkimPass: [], fromDomain: 'agency.gov', ...over });
  test('auto rewrites From for p=reject and p=quarantine, not for p=none', () => {
    assert.equal(needsDmarcMitigation({ dmarcMitigation: 'auto' }, auth({ dmarc: 'pass', policy: 'reject' })), true);
    assert.equal(needsDmarcMitigation({ dmarcMitigation: 'auto' }, auth({ dmarc: 'pass', policy: 'quarantine' })), true);
    assert.equal(needsDmarcMitigation({ dmarcMitigation: 'auto' }, auth({ dmarc: 'pass', policy: 'none' })), false);
  });
  test('a DMARC lookup that failed (SERVFAIL, timeout) is treated as p=reject', () => {
    assert.equal(needsDmarcMitigation({ dmarcMitigation: 'auto' }, auth({ dmarc: 'temperror', policy: null })), true);
    assert.equal(needsDmarcMitigation({ dmarcMitigation: 'auto' }, null), true, 'authentication could not run at all');
    assert.equal(needsDmarcMitigation({ dmarcMitigation: 'never' }, auth({ dmarc: 'temperror', policy: null })), false);
  });
});
