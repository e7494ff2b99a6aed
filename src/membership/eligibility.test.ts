import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseAddress, type AddressProblem } from './address.ts';
import {
  checkEligibility,
  domainMatches,
  levelOf,
  registryCandidates,
  type EligibilityDecision,
  type EligibilityPolicy,
  type RegistryEntry,
  type RegistryView,
  type RuleName,
} from './eligibility.ts';
import { combineRegistryFiles, formatRegistryProblems, parseRegistryFile, type RegistryRow } from './gov-registry.ts';

const SHARED = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared');
const DOTGOV = path.join(SHARED, 'data/dotgov');
const NO_DOTGOV = existsSync(path.join(DOTGOV, 'current-full.csv')) ? false : 'needs ../shared (real data); present in CI';

const ENTRIES: RegistryEntry[] = [
  { domain: 'gsa.gov', domainType: 'Federal - Executive', agency: 'General Services Administration', bureau: 'Office of GSA IT' },
  { domain: 'usda.gov', domainType: 'Federal - Executive', agency: 'Department of Agriculture' },
  { domain: 'house.gov', domainType: 'Federal - Legislative', agency: 'United States House of Representatives' },
  { domain: 'ca.gov', domainType: 'State or territory', agency: 'State of California', state: 'CA' },
  { domain: 'americansamoa.gov', domainType: 'State or territory', agency: 'American Samoa Government', state: 'AS' },
  { domain: '29palms.gov', domainType: 'City', agency: 'City of Twentynine Palms', state: 'CA' },
  { domain: 'cherokee.gov', domainType: 'Tribal', agency: 'Cherokee Nation', state: 'OK' },
  { domain: 'counselingcompact.gov', domainType: 'Interstate', agency: 'Counseling Compact Commission', state: 'KY' },
];

function view(entries: Iterable<RegistryEntry>, loaded = true): RegistryView {
  const byDomain = new Map([...entries].map((e) => [e.domain, e]));
  return { loaded, find: (d) => byDomain.get(d) };
}
const REGISTRY = view(ENTRIES);
const NO_REGISTRY = view([], false);

const OPEN: EligibilityPolicy = {
  allowDomains: ['si.edu', '*.state.ny.us'],
  denyDomains: ['*.spam.gov', 'badguys.gov'],
  eligibleLevels: 'all',
  allowExceptions: true,
};
const STRICT: EligibilityPolicy = { ...OPEN, allowExceptions: false };
const FEDERAL_ONLY: EligibilityPolicy = { ...OPEN, eligibleLevels: ['federal', 'military'] };

type Outcome = EligibilityDecision['outcome'];
const messageOf = (d: EligibilityDecision) => (d.outcome === 'eligible' ? '' : d.message);

/** [typed address, outcome with OPEN (exceptions allowed), rule, normalised address or level/agency detail] */
const ADDRESSES: Array<[string, Outcome, RuleName, Partial<{ address: string; level: string; agency: string; domain: string }>?]> = [
  // registered .gov, exact and sub-domain
  ['someone@gsa.gov', 'eligible', 'gov-registry', { level: 'federal', agency: 'General Services Administration' }],
  ['Some.One@GSA.GOV', 'eligible', 'gov-registry', { address: 'Some.One@gsa.gov' }],
  ['  someone@gsa.gov  ', 'eligible', 'gov-registry', { address: 'someone@gsa.gov' }],
  ['x@fs.usda.gov', 'eligible', 'gov-registry', { level: 'federal', agency: 'Department of Agriculture' }],
  ['x@a.b.fs.usda.gov', 'eligible', 'gov-registry', { agency: 'Department of Agriculture' }],
  ['member@mail.house.gov', 'eligible', 'gov-registry', { level: 'federal' }],
  ['clerk@ca.gov', 'eligible', 'gov-registry', { level: 'state' }],
  ['x@americansamoa.gov', 'eligible', 'gov-registry', { level: 'territorial' }],
  ['x@29palms.gov', 'eligible', 'gov-registry', { level: 'local', agency: 'City of Twentynine Palms' }],
  ['x@cherokee.gov', 'eligible', 'gov-registry', { level: 'tribal' }],
  ['x@counselingcompact.gov', 'eligible', 'gov-registry', { level: 'other' }],
  ['first.last+cop@gsa.gov', 'eligible', 'gov-registry'],
  ["o'brien@gsa.gov", 'eligible', 'gov-registry'],
  ['x@agency.gov.', 'needs-approval', 'gov-unregistered', { address: 'x@agency.gov' }],
  ['x@gsa.gov.', 'eligible', 'gov-registry', { address: 'x@gsa.gov' }],
  ['x@ｇｓａ.ｇｏｖ', 'eligible', 'gov-registry', { address: 'x@gsa.gov' }],
  // unregistered .gov
  ['x@not-registered-anywhere.gov', 'needs-approval', 'gov-unregistered'],
  ['x@gov.gov', 'needs-approval', 'gov-unregistered'],
  // .mil
  ['soldier@army.mil', 'eligible', 'mil', { level: 'military' }],
  ['x@us.af.mil', 'eligible', 'mil', { level: 'military' }],
  // operator lists
  ['curator@si.edu', 'eligible', 'allow-list'],
  ['x@dot.state.ny.us', 'eligible', 'allow-list'],
  ['x@state.ny.us', 'needs-approval', 'other-domain'],
  ['x@badguys.gov', 'ineligible', 'deny-list'],
  ['x@a.spam.gov', 'ineligible', 'deny-list'],
  // everything else
  ['contractor@example.com', 'needs-approval', 'other-domain'],
  ['x@agency.gov.example.com', 'needs-approval', 'other-domain'],
  ['x@gsa.gov.evil.com', 'needs-approval', 'other-domain'],
  ['x@gov.uk', 'needs-approval', 'other-domain'],
  ['x@münchen.de', 'needs-approval', 'other-domain', { domain: 'xn--mnchen-3ya.de' }],
  ['x@mil.example.org', 'needs-approval', 'other-domain'],
  // sub-domain and dot tricks
  ['x@gov', 'ineligible', 'domain'],
  ['x@mil', 'ineligible', 'domain'],
  ['x@.gov', 'ineligible', 'domain'],
  ['x@agency.gov..', 'ineligible', 'domain'],
  ['x@agency..gov', 'ineligible', 'domain'],
  ['x@-agency.gov', 'ineligible', 'domain'],
  ['x@agency_1.gov', 'ineligible', 'domain'],
  ['x@a%2e.gov', 'ineligible', 'domain'],
  ['x@123', 'ineligible', 'domain'],
  ['x@agency.123', 'ineligible', 'domain'],
  // international look-alikes (Cyrillic о U+043E, Cyrillic а U+0430, Latin script ɡ U+0261)
  ['x@agency.g\u043ev', 'ineligible', 'domain'],
  ['x@g\u043ev.gov', 'ineligible', 'domain'],
  ['x@\u0430gency.gov', 'ineligible', 'domain'],
  ['x@agency.\u0261ov', 'ineligible', 'domain'],
  ['x@ex\u00e4mple.gov', 'ineligible', 'domain'],
  ['x@xn--gency-3ve.gov', 'ineligible', 'domain'],
  ['x@pay\u0440al.com', 'ineligible', 'domain'],
  ['x@xn--zz.gov', 'ineligible', 'domain'],
  ['x@a\u200db.gov', 'ineligible', 'domain'],
  // address syntax
  ['', 'ineligible', 'address-syntax'],
  ['   ', 'ineligible', 'address-syntax'],
  ['Jane Doe <jane@gsa.gov>', 'ineligible', 'address-syntax'],
  ['<jane@gsa.gov>', 'ineligible', 'address-syntax'],
  ['jane(work)@gsa.gov', 'ineligible', 'address-syntax'],
  ['"jane doe"@gsa.gov', 'ineligible', 'address-syntax'],
  ['jane@doe@gsa.gov', 'ineligible', 'address-syntax'],
  ['jane.gsa.gov', 'ineligible', 'address-syntax'],
  ['@gsa.gov', 'ineligible', 'address-syntax'],
  ['jane@', 'ineligible', 'domain'],
  ['jane@[192.0.2.1]', 'ineligible', 'domain'],
  ['jane@192.0.2.1', 'ineligible', 'domain'],
  ['.jane@gsa.gov', 'ineligible', 'address-syntax'],
  ['jane.@gsa.gov', 'ineligible', 'address-syntax'],
  ['ja..ne@gsa.gov', 'ineligible', 'address-syntax'],
  ['ja ne@gsa.gov', 'ineligible', 'address-syntax'],
  ['jane,doe@gsa.gov', 'ineligible', 'address-syntax'],
  ['jöns@gsa.gov', 'ineligible', 'address-syntax'],
  ['mailto:jane@gsa.gov', 'ineligible', 'address-syntax'],
  [`${'a'.repeat(65)}@gsa.gov`, 'ineligible', 'address-syntax'],
  [`${'a'.repeat(64)}@gsa.gov`, 'eligible', 'gov-registry'],
  [`x@${'a'.repeat(64)}.gov`, 'ineligible', 'address-syntax'],
  [`x@${'a.'.repeat(130)}gov`, 'ineligible', 'address-syntax'],
];

describe('checkEligibility: addresses', () => {
  test(`the table has at least 40 addresses (${ADDRESSES.length})`, () => assert.ok(ADDRESSES.length >= 40));
  for (const [input, outcome, rule, detail] of ADDRESSES) {
    test(`${JSON.stringify(input.length > 60 ? `${input.slice(0, 40)}…` : input)} → ${outcome} (${rule})`, () => {
      const d = checkEligibility(input, OPEN, REGISTRY);
      assert.equal(d.outcome, outcome, JSON.stringify(d));
      assert.equal(d.rule, rule, JSON.stringify(d));
      for (const [k, v] of Object.entries(detail ?? {})) assert.equal((d as Record<string, unknown>)[k], v, `${k}: ${JSON.stringify(d)}`);
      if (d.outcome === 'ineligible' || d.outcome === 'needs-approval') {
        assert.ok(d.message.length > 20 && /[.!]$/.test(d.message), `a plain message: ${d.message}`);
        assert.doesNotMatch(d.message, /RFC|IDNA|punycode|regex|undefined/i, 'no jargon in messages for people');
      }
      // Without exceptions nobody is left waiting for a coordinator, except for unregistered .gov
      // domains and unknown levels, which the operator's data can't settle.
      const strict = checkEligibility(input, STRICT, REGISTRY);
      if (outcome === 'needs-approval' && rule === 'other-domain') assert.equal(strict.outcome, 'ineligible');
      else assert.equal(strict.outcome, outcome);
    });
  }
});

describe('parseAddress', () => {
  const problems: Array<[string, AddressProblem]> = [
    ['', 'empty'],
    ['Jane <j@gsa.gov>', 'display-name'],
    ['j(x)@gsa.gov', 'comment'],
    ['"j"@gsa.gov', 'quoted-local'],
    ['a@b@gsa.gov', 'multiple-at'],
    ['gsa.gov', 'no-at'],
    ['j@[1.2.3.4]', 'ip-literal'],
    ['j@1.2.3.4', 'ip-literal'],
    ['j@0x7f.1', 'ip-literal'],
    ['j;k@gsa.gov', 'bad-local'],
    ['j@gsa..gov', 'bad-domain'],
    ['j@x', 'bad-domain'],
    [`${'j'.repeat(300)}@gsa.gov`, 'too-long'],
    ['j@xn--zz.gov', 'bad-domain'],
    ['j@\u200d.gov', 'invisible'],
    ['j@a\ufffdb.gov', 'idna'],
  ];
  for (const [input, problem] of problems) {
    test(`${JSON.stringify(input.slice(0, 30))} → ${problem}`, () => {
      const p = parseAddress(input);
      assert.equal(p.ok, false);
      if (!p.ok) assert.equal(p.problem, problem, p.message);
    });
  }

  test('normalises the domain only: lower case, one trailing dot, IDNA to ASCII', () => {
    assert.deepEqual(parseAddress(' Jane.Doe@Fs.USDA.gov. '), { ok: true, local: 'Jane.Doe', domain: 'fs.usda.gov', address: 'Jane.Doe@fs.usda.gov' });
    const idn = parseAddress('x@Bücher.example');
    assert.ok(idn.ok);
    assert.equal(idn.domain, 'xn--bcher-kva.example');
  });
});

describe('the rules and the policy', () => {
  test('deny-list wins over allow-list and over the registry', () => {
    const policy = { ...OPEN, allowDomains: ['gsa.gov'], denyDomains: ['gsa.gov'] };
    assert.equal(checkEligibility('x@gsa.gov', policy, REGISTRY).rule, 'deny-list');
  });

  test('an allow-listed .gov domain still reports what the registry knows', () => {
    const d = checkEligibility('x@gsa.gov', { ...OPEN, allowDomains: ['gsa.gov'] }, REGISTRY);
    assert.equal(d.rule, 'allow-list');
    assert.equal(d.outcome === 'eligible' && d.agency, 'General Services Administration');
  });

  test('without a full registry import, any .gov is eligible with the agency unknown', () => {
    const d = checkEligibility('x@anything.gov', OPEN, NO_REGISTRY);
    assert.equal(d.outcome, 'eligible');
    assert.equal(d.rule, 'gov-any');
    assert.equal(d.outcome === 'eligible' && d.agency, undefined);
    // ... but what a partial (federal-only) import does know is used
    const partial = view(
      ENTRIES.filter((e) => e.domainType.startsWith('Federal')),
      false,
    );
    const gsa = checkEligibility('x@gsa.gov', OPEN, partial);
    assert.equal(gsa.rule, 'gov-registry');
    assert.equal(checkEligibility('x@29palms.gov', OPEN, partial).rule, 'gov-any');
  });

  test('levels: a level the community is not open to needs approval, or is refused without exceptions; the message names the level', () => {
    const city = checkEligibility('x@29palms.gov', FEDERAL_ONLY, REGISTRY);
    assert.equal(city.outcome, 'needs-approval');
    assert.equal(city.rule, 'level');
    assert.match(messageOf(city), /federal government or the military.*local government address/);
    const refused = checkEligibility('x@29palms.gov', { ...FEDERAL_ONLY, allowExceptions: false }, REGISTRY);
    assert.equal(refused.outcome, 'ineligible');
    assert.equal(refused.rule, 'level');
    assert.match(refused.message, /open only to people in federal government or the military, and 29palms\.gov is a local government address/);
    assert.equal(checkEligibility('x@gsa.gov', FEDERAL_ONLY, REGISTRY).outcome, 'eligible');
    assert.equal(checkEligibility('x@army.mil', FEDERAL_ONLY, REGISTRY).outcome, 'eligible');
    assert.equal(checkEligibility('x@army.mil', { ...OPEN, eligibleLevels: ['federal'] }, REGISTRY).outcome, 'needs-approval');
    assert.match(
      messageOf(checkEligibility('x@army.mil', { ...STRICT, eligibleLevels: ['federal'] }, REGISTRY)),
      /army\.mil is a military address, so you can't join/,
    );
    assert.match(
      messageOf(checkEligibility('x@counselingcompact.gov', { ...STRICT, eligibleLevels: ['state', 'local'] }, REGISTRY)),
      /open only to people in state government or local government, and counselingcompact\.gov is the address of another public body/,
    );
    assert.equal(checkEligibility('x@americansamoa.gov', { ...STRICT, eligibleLevels: ['territorial'] }, REGISTRY).outcome, 'eligible');
  });

  test('levels: an unknown level (no registry, or an allow-listed domain) goes to a coordinator', () => {
    const d = checkEligibility('x@anything.gov', { ...STRICT, eligibleLevels: ['federal'] }, NO_REGISTRY);
    assert.equal(d.outcome, 'needs-approval');
    assert.equal(d.rule, 'level');
    assert.match(d.outcome === 'needs-approval' ? d.reason : '', /level of government is not known/);
    assert.equal(checkEligibility('x@si.edu', { ...STRICT, eligibleLevels: ['federal'] }, REGISTRY).outcome, 'needs-approval');
  });

  test('a coordinator is told why, and warned about .gov in the middle of a domain', () => {
    const d = checkEligibility('x@gsa.gov.evil.com', OPEN, REGISTRY);
    assert.equal(d.outcome, 'needs-approval');
    assert.match(d.outcome === 'needs-approval' ? d.reason : '', /belongs to evil\.com/);
  });

  test('levelOf: every registry domain type', () => {
    const cases: Array<[string, string, string?]> = [
      ['Federal - Executive', 'federal'],
      ['Federal - Legislative', 'federal'],
      ['Federal - Judicial', 'federal'],
      ['Federal', 'federal'],
      ['State or territory', 'state', 'NY'],
      ['State or territory', 'territorial', 'PR'],
      ['State or territory', 'territorial', 'gu'],
      ['City', 'local'],
      ['County', 'local'],
      ['Special district', 'local'],
      ['School district', 'local'],
      ['Independent intrastate', 'local'],
      ['City - Election', 'local'],
      ['County - Election', 'local'],
      ['Special district - Election', 'local'],
      ['State or territory - Election', 'state'],
      ['Tribal - Election', 'tribal'],
      ['Tribal', 'tribal'],
      ['Interstate', 'other'],
      ['Something new', 'other'],
      ['  federal - executive ', 'federal'],
    ];
    for (const [type, level, state] of cases) assert.equal(levelOf(type, state), level, type);
  });

  test('registryCandidates and domainMatches', () => {
    assert.deepEqual(registryCandidates('fs.usda.gov'), ['fs.usda.gov', 'usda.gov']);
    assert.deepEqual(registryCandidates('gsa.gov'), ['gsa.gov']);
    assert.deepEqual(registryCandidates('gov'), []);
    assert.deepEqual(registryCandidates('gsa.gov.example.com'), []);
    assert.deepEqual(registryCandidates('army.mil'), []);
    assert.ok(domainMatches('si.edu', 'si.edu'));
    assert.ok(!domainMatches('x.si.edu', 'si.edu'));
    assert.ok(domainMatches('a.b.state.ny.us', '*.state.ny.us'));
    assert.ok(!domainMatches('state.ny.us', '*.state.ny.us'));
    assert.ok(!domainMatches('evilstate.ny.us', '*.state.ny.us'));
  });
});

const HEADER = 'Domain name,Domain type,Organization name,Suborganization name,City,State,Security contact email';

describe('parseRegistryFile', () => {
  test('reads quoted values, CRLF, a BOM and "(blank)"; tells the full file from the federal one', () => {
    const full = parseRegistryFile(
      Buffer.from(
        `\uFEFF${HEADER}\r\nACTON-MA.gov,City,"Town of Acton, Massachusetts",,Acton,ma,(blank)\r\ngsa.gov,Federal - Executive,General Services Administration,"Office of ""GSA"" IT",DC,DC,x@gsa.gov\r\n\r\n`,
      ),
    );
    assert.ok(full.ok, JSON.stringify(full));
    assert.equal(full.kind, 'full');
    assert.deepEqual(full.rows[0], {
      line: 2,
      domain: 'acton-ma.gov',
      domainType: 'City',
      organization: 'Town of Acton, Massachusetts',
      city: 'Acton',
      state: 'MA',
    });
    assert.equal(full.rows[1]!.suborganization, 'Office of "GSA" IT');
    const federal = parseRegistryFile(`${HEADER}\ngsa.gov,Federal - Executive,General Services Administration,,DC,DC,\n`);
    assert.ok(federal.ok);
    assert.equal(federal.kind, 'federal');
  });

  const bad: Array<[string, string, RegExp]> = [
    [
      'an unclosed quote',
      `${HEADER}\ngsa.gov,Federal - Executive,"General Services,,,,\nusda.gov,City,,,,,\n`,
      /^f:2: error: column 3 \(Organization name\): a value starts with a double quote/,
    ],
    ['a stray quote', `${HEADER}\ngsa.gov,Federal - Executive,Gen"eral,,,,\n`, /^f:2: error: column 3 \(Organization name\): a double quote/],
    ['too few values', `${HEADER}\ngsa.gov,City\n`, /^f:2: error: column 2 \(Domain type\): the line has 2 values; expected 7/],
    ['not a domain', `${HEADER}\ngsa.gov,City,,,,,\nnot a domain,City,,,,,\n`, /^f:3: error: column 1 \(Domain name\): "not a domain" is not a domain name/],
    ['not .gov', `${HEADER}\nexample.com,City,,,,,\n`, /^f:2: error: column 1 \(Domain name\): "example\.com" is not a \.gov domain/],
    ['a duplicate', `${HEADER}\ngsa.gov,City,,,,,\nGSA.gov,City,,,,,\n`, /^f:3: error: column 1 \(Domain name\): gsa\.gov is listed twice \(also on line 2\)/],
    ['no domain type', `${HEADER}\ngsa.gov,,,,,,\n`, /^f:2: error: column 2 \(Domain type\): the domain type for gsa\.gov is empty/],
    [
      'another header',
      'Agency,Bureau\nGSA,\n',
      /^f:1: error: column 1 \(Domain name\): the header has "Agency" where "Domain name" should be\. This does not look like a \.gov registry file/,
    ],
    ['an extra column', `${HEADER},Notes\n`, /^f:1: error: column 8: the header has more than 7 columns/],
    ['only the header', `${HEADER}\n`, /^f:2: error: the file has no domains/],
    ['an empty file', '', /^f:1: error: the file is empty/],
  ];
  for (const [what, text, message] of bad) {
    test(`${what}: an error naming the line and column`, () => {
      const r = parseRegistryFile(text);
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(formatRegistryProblems('f', r.errors, 'error')[0]!, message);
    });
  }

  test('bytes that are not UTF-8: the line is named', () => {
    const r = parseRegistryFile(Buffer.concat([Buffer.from(`${HEADER}\ngsa.gov,City,Caf`), Buffer.from([0xe9]), Buffer.from(',,,,\n')]));
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(formatRegistryProblems('f', r.errors, 'error')[0]!, /^f:2: error: character 17 is not UTF-8 text/);
  });

  test('an unknown domain type is a warning, not an error', () => {
    const r = parseRegistryFile(`${HEADER}\nx.gov,Regional council,,,,,\n`);
    assert.ok(r.ok);
    assert.match(
      formatRegistryProblems('f', r.warnings, 'warning')[0]!,
      /^f:2: warning: column 2 \(Domain type\): "Regional council" is a domain type socialgov doesn't know; its domains count as level "other"/,
    );
  });
});

describe('the real .gov registry (cisagov/dotgov-data)', { skip: NO_DOTGOV }, () => {
  const read = (name: string) => {
    const r = parseRegistryFile(readFileSync(path.join(DOTGOV, name)));
    assert.ok(r.ok, r.ok ? '' : formatRegistryProblems(name, r.errors, 'error').slice(0, 5).join('\n'));
    return r;
  };
  const full = NO_DOTGOV ? undefined : read('current-full.csv');
  const federal = NO_DOTGOV ? undefined : read('current-federal.csv');
  const rows = (r: typeof full) => (r?.ok ? r.rows : []) as RegistryRow[];

  test('both files read without problems, and each is recognised', () => {
    assert.equal(full?.ok && full.kind, 'full');
    assert.equal(federal?.ok && federal.kind, 'federal');
    assert.deepEqual(full?.warnings, [], 'every domain type in the registry is one levelOf knows');
    assert.ok(rows(full).length > 15_000, `${rows(full).length} domains`);
    assert.ok(rows(federal).length > 1_000, `${rows(federal).length} federal domains`);
    assert.ok(
      rows(full).some((r) => r.organization?.includes('’')),
      'curly apostrophes survive as UTF-8',
    );
  });

  test('combined: agencies and bureaus from the federal file, types for every domain from the full file', () => {
    const combined = combineRegistryFiles([
      { file: 'current-federal.csv', kind: 'federal', rows: rows(federal) },
      { file: 'current-full.csv', kind: 'full', rows: rows(full) },
    ]);
    assert.equal(combined.full, true);
    assert.equal(combined.records.size, rows(full).length);
    const registry = view(combined.records.values());
    const gsa = checkEligibility('someone@gsa.gov', OPEN, registry);
    assert.equal(gsa.outcome, 'eligible');
    if (gsa.outcome === 'eligible') {
      assert.equal(gsa.domainType, 'Federal - Executive');
      assert.equal(gsa.agency, 'General Services Administration');
      assert.equal(gsa.level, 'federal');
    }
    const fs = checkEligibility('x@fs.usda.gov', OPEN, registry);
    assert.equal(fs.outcome === 'eligible' && fs.agency, 'Department of Agriculture');
    const expect: Array<[string, string]> = [
      ['x@house.gov', 'federal'],
      ['x@uscourts.gov', 'federal'],
      ['x@ca.gov', 'state'],
      ['x@americansamoa.gov', 'territorial'],
      ['x@aselectionoffice.gov', 'territorial'],
      ['x@29palms.gov', 'local'],
      ['x@alabamavotes.gov', 'state'],
      ['x@cherokee.gov', 'tribal'],
      ['x@alpineschoolsca.gov', 'local'],
      ['x@counselingcompact.gov', 'other'],
      ['x@smithsonian.gov', 'federal'],
    ];
    for (const [address, level] of expect) {
      const d = checkEligibility(address, OPEN, registry);
      assert.equal(d.outcome === 'eligible' && d.level, level, `${address}: ${JSON.stringify(d)}`);
    }
    assert.equal(checkEligibility('x@surely-not-registered-socialgov.gov', OPEN, registry).rule, 'gov-unregistered');
    for (const r of combined.records.values()) {
      const d = checkEligibility(`someone@${r.domain}`, OPEN, registry);
      if (d.outcome !== 'eligible' || d.rule !== 'gov-registry') assert.fail(`${r.domain}: ${JSON.stringify(d)}`);
    }
  });

  test('a federal file alone replaces only federal domains and keeps the registry "not loaded"', () => {
    const alone = combineRegistryFiles([{ file: 'current-federal.csv', kind: 'federal', rows: rows(federal) }]);
    assert.equal(alone.full, false);
    assert.ok([...alone.records.values()].every((r) => levelOf(r.domainType) === 'federal'));
  });
});
