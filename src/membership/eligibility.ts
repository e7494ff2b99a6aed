/**
 * Who may join: "government employees and contractors with an official .gov or .mil email".
 *
 * `checkEligibility` runs the rules below in order; the first that decides wins, and its name
 * and reason are kept with the decision so a coordinator can see why a request was held. The
 * rules are pure: the caller passes in the policy and a view of the .gov registry
 * (gov-registry.ts builds one from the database).
 *
 *   address-syntax  one plain mailbox, name@agency.gov (address.ts)
 *   domain          the domain is a valid name and not a look-alike of .gov or .mil
 *   deny-list       operator: never these domains
 *   allow-list      operator: always these domains (e.g. si.edu)
 *   mil             any x.mil
 *   gov-registry    a .gov domain, or a parent of it, is in the imported registry
 *   gov-unregistered  a .gov domain missing from a full registry import: a coordinator checks it
 *   gov-any         no full registry import yet: any .gov, agency unknown
 *   level           the community's levels of government, applied to the three above
 *   other-domain    everything else: a coordinator decides, if the community allows exceptions
 */
import { domainToUnicode } from 'node:url';
import { parseAddress, type AddressProblem } from './address.ts';

export interface RegistryEntry {
  domain: string;
  /** As the registry writes it: 'Federal - Executive', 'City', 'State or territory', 'County', 'Tribal', ... */
  domainType: string;
  /** The registrant organization; for federal domains, the agency. */
  agency?: string;
  /** The registrant's sub-organization; for federal domains, the bureau or office. */
  bureau?: string;
  /** Two-letter state or territory code; tells territories apart from states. */
  state?: string;
}

export interface RegistryView {
  /** True once a full registry (current-full.csv) has been imported: only then is a missing .gov domain unregistered. */
  loaded: boolean;
  /** exact registered domain → entry */
  find(domain: string): RegistryEntry | undefined;
}

export type GovernmentLevel = 'federal' | 'state' | 'local' | 'tribal' | 'territorial' | 'military' | 'other';

export const GOVERNMENT_LEVELS: readonly GovernmentLevel[] = ['federal', 'state', 'local', 'tribal', 'territorial', 'military', 'other'];

export interface EligibilityPolicy {
  /** operator allow-list: exact domains ('si.edu') and '*.suffix' patterns ('*.state.ny.us') */
  allowDomains: string[];
  /** operator deny-list, same pattern forms */
  denyDomains: string[];
  /** community: government levels that are eligible; 'all' = any level */
  eligibleLevels: GovernmentLevel[] | 'all';
  /** community: whether people who don't qualify by address may ask a coordinator (contractors, exceptions) */
  allowExceptions: boolean;
}

export type RuleName =
  'address-syntax' | 'domain' | 'deny-list' | 'allow-list' | 'mil' | 'gov-registry' | 'gov-unregistered' | 'gov-any' | 'level' | 'other-domain';

export type EligibilityDecision =
  | {
      outcome: 'eligible';
      rule: RuleName;
      address: string;
      domain: string;
      level?: GovernmentLevel;
      domainType?: string;
      agency?: string;
      bureau?: string;
      reason: string;
    }
  | {
      outcome: 'needs-approval';
      rule: RuleName;
      address: string;
      domain: string;
      /** shown to the coordinator */ reason: string;
      /** shown to the applicant */ message: string;
    }
  | { outcome: 'ineligible'; rule: RuleName; address?: string; domain?: string; /** plain language for the applicant */ message: string };

type Eligible = Extract<EligibilityDecision, { outcome: 'eligible' }>;

/** Territories: the registry files them under 'State or territory'; the State column tells them apart. */
const TERRITORIES = new Set(['AS', 'GU', 'MP', 'PR', 'VI', 'UM']);

/**
 * The level of government for a registry domain type (matched without regard to case):
 * - 'Federal', 'Federal - Executive', 'Federal - Legislative', 'Federal - Judicial' → federal
 * - 'State or territory' → state, or territorial when `state` is AS, GU, MP, PR, VI or UM
 * - 'City', 'County', 'Special district', 'School district', 'Independent intrastate' → local
 * - 'Tribal' → tribal
 * - 'Interstate' (compacts, commissions), and any type not listed here → other
 * - 'X - Election' (election offices) → the level of X: 'City - Election' is local,
 *   'State or territory - Election' is state, 'Tribal - Election' is tribal.
 * 'military' is never a registry type: it comes from .mil addresses.
 */
export function levelOf(domainType: string, state?: string): GovernmentLevel {
  const base = domainType
    .trim()
    .toLowerCase()
    .replace(/\s*-\s*election$/, '');
  if (base === 'federal' || base.startsWith('federal ')) return 'federal';
  if (base === 'state or territory') return state && TERRITORIES.has(state.trim().toUpperCase()) ? 'territorial' : 'state';
  if (['city', 'county', 'special district', 'school district', 'independent intrastate'].includes(base)) return 'local';
  if (base === 'tribal') return 'tribal';
  return 'other';
}

/** The registry's domain types that `levelOf` knows by name (the import warns about others). */
export const KNOWN_DOMAIN_TYPES = [
  'Federal',
  'Federal - Executive',
  'Federal - Legislative',
  'Federal - Judicial',
  'State or territory',
  'City',
  'County',
  'Special district',
  'School district',
  'Independent intrastate',
  'Tribal',
  'Interstate',
  'State or territory - Election',
  'City - Election',
  'County - Election',
  'Special district - Election',
  'Tribal - Election',
];

const LEVEL_WORDS: Record<GovernmentLevel, string> = {
  federal: 'federal government',
  state: 'state government',
  local: 'local government',
  tribal: 'tribal government',
  territorial: 'territorial government',
  military: 'the military',
  other: 'other public bodies (such as interstate commissions)',
};

/** "a local government address" */
const ADDRESS_WORDS: Record<GovernmentLevel, string> = {
  federal: 'a federal government address',
  state: 'a state government address',
  local: 'a local government address',
  tribal: 'a tribal government address',
  territorial: 'a territorial government address',
  military: 'a military address',
  other: 'the address of another public body (such as an interstate commission)',
};

/** "federal government, state government or the military" */
export function describeLevels(levels: readonly GovernmentLevel[]): string {
  const words = levels.map((l) => LEVEL_WORDS[l]);
  if (words.length === 0) return 'no level of government';
  return words.length === 1 ? words[0]! : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

/** the domains to look up for an address's domain: itself and each parent ending in .gov (so 'fs.usda.gov' → ['fs.usda.gov','usda.gov']) */
export function registryCandidates(domain: string): string[] {
  const labels = domain.toLowerCase().replace(/\.$/, '').split('.');
  if (labels.length < 2 || labels[labels.length - 1] !== 'gov' || labels.some((l) => l === '')) return [];
  const out: string[] = [];
  for (let i = 0; i <= labels.length - 2; i++) out.push(labels.slice(i).join('.'));
  return out;
}

/** An allow- or deny-list entry: 'si.edu' matches exactly that domain; '*.state.ny.us' matches any domain under state.ny.us (not state.ny.us itself). */
export function domainMatches(domain: string, pattern: string): boolean {
  const p = pattern.trim().toLowerCase().replace(/\.$/, '');
  if (p.startsWith('*.')) return domain.endsWith(p.slice(1));
  return domain === p;
}

// ---- the domain rule: look-alikes --------------------------------------------------------------

/** Letters from other alphabets that look like Latin ones: a short list of the usual suspects, not Unicode's whole confusables table. */
const LOOK_ALIKES: Record<string, string> = {
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  һ: 'h',
  і: 'i',
  ї: 'i',
  ј: 'j',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  ѕ: 's',
  ԁ: 'd',
  ԍ: 'g',
  ԛ: 'q',
  ԝ: 'w',
  ӏ: 'l',
  ѵ: 'v',
  ν: 'v',
  ο: 'o',
  α: 'a',
  ι: 'i',
  κ: 'k',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  ɡ: 'g',
  ı: 'i',
  ℓ: 'l',
  ɩ: 'i',
  ɑ: 'a',
  ʋ: 'v',
  ᴠ: 'v',
  ⅼ: 'l',
  ⅰ: 'i',
  ⅴ: 'v',
  ｖ: 'v',
};

function skeleton(label: string): string {
  return [...label.normalize('NFKD').replace(/\p{M}/gu, '')].map((c) => LOOK_ALIKES[c] ?? c).join('');
}

const SCRIPTS: Array<[string, RegExp]> = [
  ['Latin', /\p{Script=Latin}/u],
  ['Cyrillic', /\p{Script=Cyrillic}/u],
  ['Greek', /\p{Script=Greek}/u],
  ['Armenian', /\p{Script=Armenian}/u],
  ['Han', /\p{Script=Han}/u],
  ['Hiragana', /\p{Script=Hiragana}/u],
  ['Katakana', /\p{Script=Katakana}/u],
  ['Hangul', /\p{Script=Hangul}/u],
  ['Bopomofo', /\p{Script=Bopomofo}/u],
];
/** Script mixes that are normal in one label (UTS #39 "highly restrictive"): Japanese, Chinese and Korean with Latin. */
const SCRIPT_MIXES = [
  ['Latin', 'Han', 'Hiragana', 'Katakana'],
  ['Latin', 'Han', 'Bopomofo'],
  ['Latin', 'Han', 'Hangul'],
];

function scriptsOf(label: string): Set<string> {
  const found = new Set<string>();
  for (const c of label) {
    if (!/\p{L}/u.test(c)) continue;
    found.add(SCRIPTS.find(([, re]) => re.test(c))?.[0] ?? 'Other');
  }
  return found;
}

function mixedScript(label: string): boolean {
  const scripts = scriptsOf(label);
  if (scripts.size < 2) return false;
  return !SCRIPT_MIXES.some((mix) => [...scripts].every((s) => mix.includes(s)));
}

const LOOK_ALIKE_MESSAGE =
  'The part after @ uses letters from another alphabet that look like ordinary letters (for example a Cyrillic "о" in place of "o"). ' +
  'Type your work address again using ordinary letters a–z.';

/** International (punycode) names: .gov and .mil have none, so one there, or a look-alike of them, is refused. */
function checkLookAlike(domain: string): string | undefined {
  const labels = domain.split('.');
  if (!labels.some((l) => l.startsWith('xn--'))) return undefined;
  const unicode = domainToUnicode(domain).split('.');
  const tld = labels[labels.length - 1]!;
  if (tld === 'gov' || tld === 'mil') {
    return `.${tld} domain names use only ordinary letters a–z, digits and hyphens, and this one has other characters. Type your work address again using ordinary letters.`;
  }
  if (unicode.some((l) => ['gov', 'mil'].includes(skeleton(l)) && l !== skeleton(l))) return LOOK_ALIKE_MESSAGE;
  if (unicode.some(mixedScript)) return LOOK_ALIKE_MESSAGE;
  return undefined;
}

// ---- the pipeline ------------------------------------------------------------------------------

interface Applicant {
  address: string;
  domain: string;
}

interface Rule {
  name: RuleName;
  description: string;
  check(a: Applicant, policy: EligibilityPolicy, registry: RegistryView): EligibilityDecision | undefined;
}

const AFTER_REVIEW = 'A coordinator of this community will review your request and let you know by email.';

function registryDetails(entry: RegistryEntry): Pick<Eligible, 'level' | 'domainType' | 'agency' | 'bureau'> {
  const d: Pick<Eligible, 'level' | 'domainType' | 'agency' | 'bureau'> = { level: levelOf(entry.domainType, entry.state), domainType: entry.domainType };
  if (entry.agency) d.agency = entry.agency;
  if (entry.bureau) d.bureau = entry.bureau;
  return d;
}

function findRegistered(domain: string, registry: RegistryView): RegistryEntry | undefined {
  for (const candidate of registryCandidates(domain)) {
    const entry = registry.find(candidate);
    if (entry) return entry;
  }
  return undefined;
}

/** "gsa.gov (Federal - Executive, General Services Administration)" */
function describeEntry(entry: RegistryEntry): string {
  return `${entry.domain} (${[entry.domainType, entry.agency].filter(Boolean).join(', ')})`;
}

const RULES: Rule[] = [
  {
    name: 'domain',
    description: 'The domain is not an international look-alike of .gov or .mil.',
    check: (a) => {
      const message = checkLookAlike(a.domain);
      return message ? { outcome: 'ineligible', rule: 'domain', address: a.address, domain: a.domain, message } : undefined;
    },
  },
  {
    name: 'deny-list',
    description: 'The site operator has said addresses at these domains may never join.',
    check: (a, policy) => {
      if (!policy.denyDomains.some((p) => domainMatches(a.domain, p))) return undefined;
      return {
        outcome: 'ineligible',
        rule: 'deny-list',
        address: a.address,
        domain: a.domain,
        message: `Addresses at ${a.domain} can't be used to join. If you have another work address, use that one; if you think this is a mistake, contact the community's coordinators.`,
      };
    },
  },
  {
    name: 'allow-list',
    description: 'The site operator has said addresses at these domains are government addresses.',
    check: (a, policy, registry) => {
      if (!policy.allowDomains.some((p) => domainMatches(a.domain, p))) return undefined;
      const entry = findRegistered(a.domain, registry);
      return {
        outcome: 'eligible',
        rule: 'allow-list',
        address: a.address,
        domain: a.domain,
        ...(entry ? registryDetails(entry) : {}),
        reason: `${a.domain} is on this site's list of eligible domains.`,
      };
    },
  },
  {
    name: 'mil',
    description: 'Any .mil address: U.S. military.',
    check: (a) =>
      a.domain.endsWith('.mil')
        ? { outcome: 'eligible', rule: 'mil', address: a.address, domain: a.domain, level: 'military', reason: `${a.domain} is a .mil domain (U.S. military).` }
        : undefined,
  },
  {
    name: 'gov-registry',
    description: 'A .gov domain: the registry gives its level of government and agency; unregistered ones are checked by a coordinator.',
    check: (a, _policy, registry) => {
      if (!a.domain.endsWith('.gov')) return undefined;
      const entry = findRegistered(a.domain, registry);
      if (entry) {
        const details = registryDetails(entry);
        // The bureau names the registrant of that exact domain; a sub-domain's may differ.
        if (entry.domain !== a.domain) delete details.bureau;
        return {
          outcome: 'eligible',
          rule: 'gov-registry',
          address: a.address,
          domain: a.domain,
          ...details,
          reason:
            entry.domain === a.domain
              ? `${describeEntry(entry)} is a registered .gov domain.`
              : `${a.domain} is under ${describeEntry(entry)}, a registered .gov domain.`,
        };
      }
      if (registry.loaded) {
        return {
          outcome: 'needs-approval',
          rule: 'gov-unregistered',
          address: a.address,
          domain: a.domain,
          reason: `${a.domain} ends in .gov but is not in the .gov registry as last imported: it may be new, or mistyped. Check that it belongs to a government organization.`,
          message: `We couldn't find ${a.domain} in the list of registered .gov domains. ${AFTER_REVIEW}`,
        };
      }
      return {
        outcome: 'eligible',
        rule: 'gov-any',
        address: a.address,
        domain: a.domain,
        reason: `${a.domain} is a .gov domain (agency unknown: the .gov registry has not been imported).`,
      };
    },
  },
];

/** The community's levels of government, applied to an address that qualified. */
function applyLevels(d: Eligible, policy: EligibilityPolicy): EligibilityDecision {
  if (policy.eligibleLevels === 'all') return d;
  if (d.level && policy.eligibleLevels.includes(d.level)) return d;
  const wanted = describeLevels(policy.eligibleLevels);
  if (!d.level) {
    // Not the applicant's doing (no registry, or an allow-listed domain): a coordinator checks.
    return {
      outcome: 'needs-approval',
      rule: 'level',
      address: d.address,
      domain: d.domain,
      reason: `${d.reason} Its level of government is not known, and this community is open to ${wanted} only.`,
      message: `This community is open to people in ${wanted}. ${AFTER_REVIEW}`,
    };
  }
  const theirs = ADDRESS_WORDS[d.level];
  if (policy.allowExceptions) {
    return {
      outcome: 'needs-approval',
      rule: 'level',
      address: d.address,
      domain: d.domain,
      reason: `${d.reason} That is ${theirs}${d.domainType ? ` (${d.domainType})` : ''}; this community is open to ${wanted}.`,
      message: `This community is open to people in ${wanted}, and ${d.domain} is ${theirs}. ${AFTER_REVIEW}`,
    };
  }
  return {
    outcome: 'ineligible',
    rule: 'level',
    address: d.address,
    domain: d.domain,
    message: `This community is open only to people in ${wanted}, and ${d.domain} is ${theirs}, so you can't join with it. If you have a work address in ${wanted}, use that one.`,
  };
}

function otherDomain(a: Applicant, policy: EligibilityPolicy): EligibilityDecision {
  // "agency.gov.example.com" belongs to example.com: say so, so nobody takes it for a .gov address.
  const dressedUp = /(^|\.)(gov|mil)\./.test(a.domain)
    ? ` It contains ".gov" or ".mil" but is not under .gov or .mil: it belongs to ${a.domain.split('.').slice(-2).join('.')}.`
    : '';
  if (policy.allowExceptions) {
    return {
      outcome: 'needs-approval',
      rule: 'other-domain',
      address: a.address,
      domain: a.domain,
      reason: `${a.domain} is not a .gov or .mil domain.${dressedUp} Approve only if the person works for or with government (for example a contractor).`,
      message: `Your address is not a .gov or .mil address. If you are a government contractor or work with government, tell us about your work in your request. ${AFTER_REVIEW}`,
    };
  }
  return {
    outcome: 'ineligible',
    rule: 'other-domain',
    address: a.address,
    domain: a.domain,
    message:
      'This community is open to government employees with an official .gov or .mil email address. Join with your work address (for example name@agency.gov).',
  };
}

const DOMAIN_PROBLEMS: ReadonlySet<AddressProblem> = new Set(['bad-domain', 'idna', 'ip-literal']);

export function checkEligibility(input: string, policy: EligibilityPolicy, registry: RegistryView): EligibilityDecision {
  const parsed = parseAddress(input);
  if (!parsed.ok) {
    // An invisible character after the @ is a domain look-alike; before it, a typing problem.
    const inDomain = DOMAIN_PROBLEMS.has(parsed.problem) || (parsed.problem === 'invisible' && /\p{Cf}/u.test(input.slice(input.lastIndexOf('@') + 1)));
    return { outcome: 'ineligible', rule: inDomain ? 'domain' : 'address-syntax', message: parsed.message };
  }
  const applicant: Applicant = { address: parsed.address, domain: parsed.domain };
  for (const rule of RULES) {
    const decision = rule.check(applicant, policy, registry);
    if (!decision) continue;
    return decision.outcome === 'eligible' ? applyLevels(decision, policy) : decision;
  }
  return otherDomain(applicant, policy);
}

/** The rules in the order they run, for help pages and the coordinator's view. */
export const ELIGIBILITY_RULES: ReadonlyArray<{ name: RuleName; description: string }> = [
  { name: 'address-syntax', description: 'One plain email address, like name@agency.gov.' },
  ...RULES.map(({ name, description }) => ({ name, description })),
  { name: 'level', description: "The community's levels of government." },
  { name: 'other-domain', description: 'Any other address: a coordinator decides, if the community allows exceptions.' },
];
