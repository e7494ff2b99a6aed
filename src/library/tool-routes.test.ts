import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDay } from './tool-routes.ts';
import { adoptionAgency } from './tools.ts';
import { snippetHtml } from './views.tsx';

test('dates typed in forms: ISO or M/D/YYYY, real, not in the future', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  assert.equal(parseDay('2024-03-15', now), '2024-03-15');
  assert.equal(parseDay('3/15/2024', now), '2024-03-15');
  assert.equal(parseDay('2024-02-30', now), undefined);
  assert.equal(parseDay('2027-01-01', now), undefined);
  assert.equal(parseDay('soon', now), undefined);
});

test('members record adoptions for the agency the .gov registry lists for their address; editors for any', () => {
  const gsa = { editor: false, domain: 'gsa.gov', registered: { agency: 'General Services Administration', bureau: null } };
  assert.deepEqual(
    adoptionAgency(gsa, ' general services administration '),
    { ok: true, agency: 'General Services Administration' },
    'spelled as the registry spells it',
  );
  assert.deepEqual(adoptionAgency(gsa, 'Department of Defense'), {
    ok: false,
    message:
      'You can record adoptions for General Services Administration, the agency the .gov registry lists for your address (gsa.gov). Ask a coordinator to record another agency.',
  });
  const forest = { editor: false, domain: 'fs.usda.gov', registered: { agency: 'Department of Agriculture', bureau: 'Forest Service' } };
  assert.deepEqual(adoptionAgency(forest, 'forest service'), { ok: true, agency: 'Forest Service' }, 'the bureau of the address too');
  assert.deepEqual(adoptionAgency(forest, 'Department of Agriculture'), { ok: true, agency: 'Department of Agriculture' });
  assert.match(
    (adoptionAgency({ editor: false, domain: 'contractor.com', registered: undefined }, 'Department of Defense') as { message: string }).message,
    /lists no agency for your address \(contractor\.com\)/,
  );
  assert.deepEqual(adoptionAgency({ editor: true, domain: 'hhs.gov', registered: undefined }, 'Department of Energy'), {
    ok: true,
    agency: 'Department of Energy',
  });
});

test('search snippets are escaped before matches are marked', () => {
  assert.equal(snippetHtml('a <b> \u0001cyber\u0002 & co'), 'a &lt;b&gt; <mark>cyber</mark> &amp; co');
});
