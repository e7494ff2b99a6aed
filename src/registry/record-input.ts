/**
 * A record as a person (web form) or a file (CSV import) gives it, checked and normalised. Every
 * problem is reported against its field in plain language, and nothing is stored until all pass.
 */
import type { Queryable } from '../platform/db/queryable.ts';
import type { FieldErrors } from '../web/forms.tsx';
import { findMemberByEmail, normaliseDomain } from '../membership/index.ts';
import { belongsTo, memberHomeAgency, type Agency } from './agencies.ts';
import { parseAccountAddress, type Platform } from './platforms.ts';
import type { AppStoreLink, AppVersion, RecordKind } from './records.ts';

export const APP_STORES: Array<{ store: string; label: string }> = [
  { store: 'apple', label: 'Apple App Store' },
  { store: 'google', label: 'Google Play' },
  { store: 'amazon', label: 'Amazon Appstore' },
  { store: 'microsoft', label: 'Microsoft Store' },
];

export interface RecordInput {
  kind: RecordKind;
  name: string;
  /** Accounts: the account's address. Websites: the site's address or domain. Apps: unused. */
  address: string;
  platformUserId: string;
  appStores: AppStoreLink[];
  appVersions: AppVersion[];
  language: string;
  shortDescription: string;
  longDescription: string;
  categoryTags: string[];
  geoTags: string[];
  agencyIds: number[];
  /** Contacts' addresses; each must be a member of this site. */
  contacts: string[];
}

export interface CleanRecord extends RecordInput {
  platformKey: string | null;
  account: string | null;
  accountKey: string | null;
  url: string | null;
  domain: string | null;
  contactIds: number[];
}

export function emptyInput(kind: RecordKind): RecordInput {
  return {
    kind,
    name: '',
    address: '',
    platformUserId: '',
    appStores: [],
    appVersions: [],
    language: 'en',
    shortDescription: '',
    longDescription: '',
    categoryTags: [],
    geoTags: [],
    agencyIds: [],
    contacts: [],
  };
}

/** "a, b; c" -> ["a", "b", "c"], trimmed, without repeats (ignoring case). */
export function splitList(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const part of text.split(/[,;\n]/)) {
    const v = part.trim().replace(/\s+/g, ' ');
    if (v && !seen.has(v.toLowerCase())) {
      seen.add(v.toLowerCase());
      out.push(v);
    }
  }
  return out;
}

const LANGUAGE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
const USER_ID = /^[A-Za-z0-9:._@-]{1,100}$/;

function httpsUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return u.protocol === 'https:' && u.hostname.includes('.');
  } catch {
    return false;
  }
}

/** The one answer, on the web, for a contact the form cannot use (see checkRecordInput). */
export const UNUSABLE_CONTACT =
  'Each contact must be a member of this site whose email address belongs to a sponsoring agency (a bureau’s staff count as the department’s). Check the addresses.';

/** Check `input`; `platforms` and `agencies` are the current lists. */
export async function checkRecordInput(
  db: Queryable,
  input: RecordInput,
  platforms: Platform[],
  agencies: Agency[],
  /**
   * `detailed` (reviewers, the operator's CLI) names each address that is not a member. `uniform`
   * (every other member, on the web) gives one answer for any contact it cannot use, and looks a
   * contact up only when its address belongs to a sponsoring agency, so the form cannot be used
   * to ask whether an address is a member.
   */
  contactCheck: 'detailed' | 'uniform' = 'detailed',
): Promise<{ ok: true; record: CleanRecord } | { ok: false; errors: FieldErrors }> {
  const errors: FieldErrors = {};
  const out: CleanRecord = { ...input, platformKey: null, account: null, accountKey: null, url: null, domain: null, contactIds: [] };
  out.name = input.name.trim().replace(/\s+/g, ' ');

  if (input.kind === 'account') {
    if (!input.address.trim()) errors.address = 'Enter the account’s address, such as https://x.com/USAGov.';
    else {
      const parsed = parseAccountAddress(input.address, platforms);
      if (!parsed.ok) errors.address = parsed.message;
      else {
        const p = parsed.parsed;
        out.platformKey = p.platform.key;
        out.account = p.display;
        out.accountKey = p.kind === 'user-id' ? `id:${p.key}` : p.key;
        out.url = p.canonicalUrl;
        if (p.kind === 'user-id') {
          if (input.platformUserId.trim() && input.platformUserId.trim() !== p.key) {
            errors.platformUserId = `The address names user id ${p.key}, but this field says ${input.platformUserId.trim()}. Leave this field empty, or give the handle’s address instead.`;
          }
          out.platformUserId = p.key;
        }
        if (!out.name) out.name = `${p.platform.name} ${p.display}`;
      }
    }
    if (input.platformUserId.trim() && !USER_ID.test(input.platformUserId.trim())) {
      errors.platformUserId = 'A platform user id has only letters, digits and : . _ @ - (at most 100), such as 1234567890 or UCxyz....';
    }
    out.platformUserId = out.platformUserId.trim();
  } else if (input.kind === 'website') {
    const text = input.address.trim();
    let host = text;
    try {
      if (/^https?:\/\//i.test(text)) host = new URL(text).hostname;
    } catch {
      host = '';
    }
    const d = host ? normaliseDomain(host.replace(/\/.*$/, '')) : undefined;
    if (!text) errors.address = 'Enter the website’s address, such as https://www.usa.gov.';
    else if (!d?.ok) errors.address = `“${text}” is not a website address. Enter it as https://www.agency.gov or agency.gov.`;
    else {
      out.domain = d.domain.replace(/^www\./, '');
      out.url = `https://${d.domain}`;
    }
    if (!out.name) errors.name = 'Enter the website’s name, such as USAGov.';
  } else {
    if (!out.name) errors.name = 'Enter the app’s name as the stores show it.';
    if (!input.appStores.length) errors.appStores = 'Give the address of the app in at least one app store.';
    for (const s of input.appStores) {
      if (!httpsUrl(s.url)) errors.appStores = `“${s.url}” is not an https:// address. Copy the app’s address from the store.`;
    }
    for (const v of input.appVersions) {
      if (!v.version.trim() || v.version.length > 40) errors.appVersions = 'Each version needs a version number of at most 40 characters, such as 2.4.1.';
    }
  }
  if (out.name.length > 300) errors.name = 'Use at most 300 characters for the name.';
  if (!LANGUAGE.test(input.language.trim())) errors.language = 'Give the language as a code such as en, es or zh-Hant.';
  out.language = input.language.trim();
  out.shortDescription = input.shortDescription.trim();
  out.longDescription = input.longDescription.trim();
  if (out.shortDescription.length > 300) errors.shortDescription = `The short description has ${out.shortDescription.length} characters; use at most 300.`;
  if (out.longDescription.length > 5000) errors.longDescription = `The long description has ${out.longDescription.length} characters; use at most 5,000.`;
  for (const [field, tags] of [
    ['categoryTags', input.categoryTags],
    ['geoTags', input.geoTags],
  ] as const) {
    if (tags.length > 20) errors[field] = 'Use at most 20 tags.';
    else if (tags.some((t) => t.length > 60)) errors[field] = 'Each tag can have at most 60 characters.';
  }

  const agencyIds = [...new Set(input.agencyIds)];
  if (!agencyIds.length) errors.agencyIds = 'Choose at least one sponsoring agency.';
  else if (agencyIds.some((id) => !agencies.some((a) => a.id === id))) errors.agencyIds = 'One of the agencies chosen is not in the list. Choose again.';
  out.agencyIds = agencyIds;

  const contacts = [...new Set(input.contacts.map((c) => c.trim().toLowerCase()).filter(Boolean))];
  if (!contacts.length) errors.contacts = 'Give at least one contact: the address of a member of the sponsoring agency.';
  else if (contactCheck === 'uniform') {
    let usable = true;
    for (const email of contacts) {
      const home = await memberHomeAgency(db, email, agencies);
      const m = agencyIds.some((s) => belongsTo(agencies, home, s)) ? await findMemberByEmail(db, email) : undefined;
      if (m) out.contactIds.push(m.id);
      else usable = false;
    }
    if (!usable) errors.contacts = UNUSABLE_CONTACT;
  } else {
    const missing: string[] = [];
    let ofAgency = false;
    for (const email of contacts) {
      const m = await findMemberByEmail(db, email);
      if (!m) {
        missing.push(email);
        continue;
      }
      out.contactIds.push(m.id);
      const home = await memberHomeAgency(db, m.email, agencies);
      if (agencyIds.some((s) => belongsTo(agencies, home, s))) ofAgency = true;
    }
    if (missing.length)
      errors.contacts = `${missing.join(', ')} ${missing.length === 1 ? 'is not a member' : 'are not members'} of this site. Contacts must join first.`;
    else if (!ofAgency && !errors.agencyIds) errors.contacts = 'At least one contact must work for a sponsoring agency (their address must belong to it).';
  }
  out.contacts = contacts;
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, record: out };
}
