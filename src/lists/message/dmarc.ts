/**
 * A sender domain's DMARC policy (RFC 7489 §6.6.3), to decide whether a post needs the From
 * rewrite. Looks up _dmarc.<domain>, then _dmarc.<organizational domain>, where a subdomain
 * gets the sp= policy when there is one.
 *
 * Limitation: the organizational domain comes from a small built-in list of public suffixes,
 * not the full Public Suffix List: it is the last two labels (agency.gov, army.mil, example.com),
 * or three under the few multi-label suffixes listed below (state.ny.us, agency.gc.ca,
 * dept.gov.uk). A domain under an unlisted multi-label suffix (say city.k12.ca.us) is looked up
 * one level too high, where normally no record exists, so it is treated as having none.
 */

export type DmarcPolicy = 'reject' | 'quarantine' | 'none';
export type TxtResolver = (name: string, type: 'TXT') => Promise<string[][]>;

/** A DNS failure other than "no such record": the answer is unknown, not "no policy". */
export class DmarcLookupError extends Error {
  readonly code = 'DMARC_LOOKUP_FAILED';
}

/** Suffixes of more than one label under which registrations happen. */
const MULTI_LABEL_SUFFIXES = new Set([
  'gov.uk',
  'ac.uk',
  'co.uk',
  'org.uk',
  'nhs.uk',
  'police.uk',
  'gc.ca',
  'gov.au',
  'com.au',
  'edu.au',
  'govt.nz',
  'co.nz',
  'gov.in',
  'gov.br',
  'com.br',
  'gob.mx',
  'go.jp',
  'co.jp',
  'gov.za',
  'co.za',
  'fed.us',
  'dni.us',
  'nsn.us',
  'isa.us',
]);
const US_STATES = new Set(
  'al ak az ar ca co ct de dc fl ga hi id il in ia ks ky la me md ma mi mn ms mo mt ne nv nh nj nm ny nc nd oh ok or pa pr ri sc sd tn tx ut vt va wa wv wi wy as gu mp vi'.split(
    ' ',
  ),
);

/** The organizational domain of a domain (see the limitation above). */
export function organizationalDomain(domain: string): string {
  const labels = normalize(domain).split('.');
  if (labels.length <= 2) return labels.join('.');
  const lastTwo = labels.slice(-2).join('.');
  const isStateSuffix = labels[labels.length - 1] === 'us' && US_STATES.has(labels[labels.length - 2]!);
  if (MULTI_LABEL_SUFFIXES.has(lastTwo) || isStateSuffix) return labels.slice(-3).join('.');
  return lastTwo;
}

function normalize(domain: string): string {
  return domain.trim().toLowerCase().replace(/\.$/, '');
}

/** The DMARC record's tags, or null when the TXT set has no single valid DMARC record. */
async function lookup(domain: string, resolver: TxtResolver): Promise<Record<string, string> | null> {
  let records: string[][];
  try {
    records = await resolver(`_dmarc.${domain}`, 'TXT');
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOTFOUND' || code === 'ENODATA') return null;
    throw new DmarcLookupError(`Could not look up the DMARC policy of ${domain} (${code ?? (err as Error).message}); try again later.`);
  }
  const dmarc = records.map((chunks) => chunks.join('')).filter((r) => /^\s*v\s*=\s*DMARC1\s*(;|$)/i.test(r));
  // More than one record means none applies (RFC 7489 §6.6.3 step 5).
  if (dmarc.length !== 1) return null;
  const tags: Record<string, string> = {};
  for (const part of dmarc[0]!.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    const k = part.slice(0, eq).trim().toLowerCase();
    if (k && !(k in tags)) tags[k] = part.slice(eq + 1).trim();
  }
  return tags;
}

const asPolicy = (v: string | undefined): DmarcPolicy | null => {
  const p = v?.toLowerCase();
  return p === 'reject' || p === 'quarantine' || p === 'none' ? p : null;
};

/** The policy from a record: an unknown p= with a rua= counts as none, without one the record is void. */
function policyOf(tags: Record<string, string>, subdomain: boolean): DmarcPolicy | null {
  const p = (subdomain ? asPolicy(tags.sp) : null) ?? asPolicy(tags.p);
  if (p) return p;
  return tags.rua ? 'none' : null;
}

/**
 * The DMARC policy for mail From this domain: 'reject', 'quarantine', 'none', or null when the
 * domain and its organizational domain publish no usable record. Throws DmarcLookupError on a
 * DNS failure, so a caller can decide (for example, rewrite From to be safe).
 */
export async function dmarcPolicyFor(domain: string, resolver: TxtResolver): Promise<DmarcPolicy | null> {
  const d = normalize(domain);
  if (!d) return null;
  const own = await lookup(d, resolver);
  if (own) return policyOf(own, false);
  const org = organizationalDomain(d);
  if (org === d) return null;
  const orgTags = await lookup(org, resolver);
  return orgTags ? policyOf(orgTags, true) : null;
}
