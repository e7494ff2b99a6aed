import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dmarcPolicyFor, DmarcLookupError, organizationalDomain, type TxtResolver } from './dmarc.ts';

/** A resolver answering from a fixed zone: test input data, as DNS would give it. */
function zone(records: Record<string, string[][] | Error>): TxtResolver & { asked: string[] } {
  const asked: string[] = [];
  const fn = async (name: string) => {
    asked.push(name);
    const r = records[name];
    if (r instanceof Error) throw r;
    if (!r) throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    return r;
  };
  return Object.assign(fn, { asked });
}

test("the domain's own record decides", async () => {
  const dns = zone({ '_dmarc.agency.gov': [['v=DMARC1; p=reject; rua=mailto:d@agency.gov']] });
  assert.equal(await dmarcPolicyFor('Agency.GOV.', dns), 'reject');
  assert.deepEqual(dns.asked, ['_dmarc.agency.gov']);
  assert.equal(await dmarcPolicyFor('x.gov', zone({ '_dmarc.x.gov': [['v=DMARC1;p=quarantine;pct=50']] })), 'quarantine');
  assert.equal(await dmarcPolicyFor('x.gov', zone({ '_dmarc.x.gov': [['v=DMARC1; p=none']] })), 'none');
});

test('records split into several strings are joined; other TXT records are ignored', async () => {
  const dns = zone({ '_dmarc.x.gov': [['v=spf1 -all'], ['v=DMARC1; ', 'p=Reject; sp=none']] });
  assert.equal(await dmarcPolicyFor('x.gov', dns), 'reject');
});

test("a subdomain without a record gets the organizational domain's sp=, else its p=", async () => {
  const dns = zone({ '_dmarc.agency.gov': [['v=DMARC1; p=reject; sp=quarantine']] });
  assert.equal(await dmarcPolicyFor('mail.region.agency.gov', dns), 'quarantine');
  assert.deepEqual(dns.asked, ['_dmarc.mail.region.agency.gov', '_dmarc.agency.gov']);
  assert.equal(await dmarcPolicyFor('mail.army.mil', zone({ '_dmarc.army.mil': [['v=DMARC1; p=reject']] })), 'reject');
});

test('no record, two records, or an invalid policy without rua give null', async () => {
  assert.equal(await dmarcPolicyFor('none.gov', zone({})), null);
  assert.equal(await dmarcPolicyFor('two.gov', zone({ '_dmarc.two.gov': [['v=DMARC1; p=reject'], ['v=DMARC1; p=none']] })), null);
  assert.equal(await dmarcPolicyFor('bad.gov', zone({ '_dmarc.bad.gov': [['v=DMARC1; p=block']] })), null);
  assert.equal(await dmarcPolicyFor('bad.gov', zone({ '_dmarc.bad.gov': [['v=DMARC1; p=block; rua=mailto:x@bad.gov']] })), 'none');
  assert.equal(await dmarcPolicyFor('nodata.gov', zone({ '_dmarc.nodata.gov': Object.assign(new Error('ENODATA'), { code: 'ENODATA' }) })), null);
});

test('a DNS failure is an error the caller can act on, not "no policy"', async () => {
  const dns = zone({ '_dmarc.x.gov': Object.assign(new Error('queryTxt ESERVFAIL'), { code: 'ESERVFAIL' }) });
  await assert.rejects(dmarcPolicyFor('x.gov', dns), (e: Error) => e instanceof DmarcLookupError && /ESERVFAIL.*try again/.test(e.message));
});

test('organizational domains: last two labels, three under known multi-label suffixes', () => {
  assert.equal(organizationalDomain('a.b.agency.gov'), 'agency.gov');
  assert.equal(organizationalDomain('mail.army.mil'), 'army.mil');
  assert.equal(organizationalDomain('example.com'), 'example.com');
  assert.equal(organizationalDomain('mail.health.state.ny.us'), 'state.ny.us');
  assert.equal(organizationalDomain('mail.dept.gov.uk'), 'dept.gov.uk');
  assert.equal(organizationalDomain('x.agency.gc.ca'), 'agency.gc.ca');
});
