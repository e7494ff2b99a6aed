import assert from 'node:assert/strict';
import { test } from 'node:test';
import { domainOf, parseMailbox } from './address.ts';

test('parseMailbox reads names and addresses in the usual forms', () => {
  assert.deepEqual(parseMailbox('Pat Smith <pat@agency.gov>'), { name: 'Pat Smith', address: 'pat@agency.gov' });
  assert.deepEqual(parseMailbox('"Smith, Pat \\"PJ\\"" <pat@agency.gov>'), { name: 'Smith, Pat "PJ"', address: 'pat@agency.gov' });
  assert.deepEqual(parseMailbox('pat@agency.gov (Pat Smith)'), { name: 'Pat Smith', address: 'pat@agency.gov' });
  assert.deepEqual(parseMailbox('<pat@agency.gov>'), { name: '', address: 'pat@agency.gov' });
  assert.deepEqual(parseMailbox('=?UTF-8?B?Sm9zw6k=?= <jose@agency.gov>'), { name: 'José', address: 'jose@agency.gov' });
  assert.deepEqual(parseMailbox('Team: Pat <pat@agency.gov>, Kim <kim@agency.gov>;'), { name: 'Pat', address: 'pat@agency.gov' });
  assert.deepEqual(parseMailbox('"Pat (not a comment)" <pat@agency.gov>'), { name: 'Pat (not a comment)', address: 'pat@agency.gov' });
  assert.equal(parseMailbox('undisclosed-recipients:;'), null);
  assert.equal(domainOf('Pat@Agency.GOV.'), 'agency.gov');
});
