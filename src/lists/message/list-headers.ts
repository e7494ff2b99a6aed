/**
 * The list's own header fields: RFC 2369 (List-Help, -Subscribe, -Unsubscribe, -Post, -Owner,
 * -Archive), RFC 2919 (List-Id), RFC 5064 (Archived-At), Precedence and X-Loop.
 * The unsubscribe field here is the general one (mail to the request address); each
 * recipient's copy gets a personal one-click link instead (personalize.ts).
 */
import { encodePhrase } from './encoded-words.ts';
import { makeHeader, type HeaderField } from './raw.ts';

export interface ListUrls {
  help: string;
  subscribe: string;
  archive: string;
  /** Where to post: undefined means mail to the list address, null an announce-only list ("NO"). */
  post?: string | null;
  owner: string;
  /** This post's page in the archive (RFC 5064). */
  archivedAt?: string;
}

export interface ListIdentity {
  listAddress: string;
  listName: string;
  listId: string;
  /** Address for commands (subscribe, unsubscribe, help); default "<local>-request@<domain>". */
  requestAddress?: string;
}

/** A list URL or address that cannot be written in a header. */
export class ListHeaderError extends Error {
  readonly code = 'LIST_HEADER_INVALID';
}

/** "<url>" for a header, refusing what would break the field (RFC 2369 §2). */
function bracketed(what: string, url: string): string {
  if (!/^[a-z][a-z0-9+.-]*:[^\s<>"]+$/i.test(url)) {
    throw new ListHeaderError(`The ${what} "${url}" is not a usable URL; give a full https: or mailto: address without spaces or angle brackets.`);
  }
  return `<${url}>`;
}

/** The request address for a list address: sm@lists.example.gov → sm-request@lists.example.gov. */
export function requestAddressFor(listAddress: string): string {
  const at = listAddress.lastIndexOf('@');
  return `${listAddress.slice(0, at)}-request${listAddress.slice(at)}`;
}

/** The list's header fields for one post, in the order they are written. */
export function listHeaders(list: ListIdentity, urls: ListUrls, extra: { postNumber: number; loopTag: string }): HeaderField[] {
  if (!/^[^\s<>@]+@[^\s<>@]+$/.test(list.listAddress)) {
    throw new ListHeaderError(`The list address "${list.listAddress}" is not a plain address like name@lists.example.gov.`);
  }
  if (!/^[a-z0-9!#$%&'*+\-/=?^_`{|}~.]+$/i.test(list.listId) || !list.listId.includes('.')) {
    throw new ListHeaderError(`The list id "${list.listId}" must look like a domain name, for example sm.lists.example.gov (RFC 2919).`);
  }
  const request = list.requestAddress ?? requestAddressFor(list.listAddress);
  const mailto = (subject: string) => bracketed('request address', `mailto:${request}?subject=${subject}`);
  const post = urls.post === null ? 'NO' : bracketed('posting address', urls.post ?? `mailto:${list.listAddress}`);
  const fields: HeaderField[] = [
    makeHeader('List-Id', `${encodePhrase(list.listName)} <${list.listId}>`),
    makeHeader('List-Help', `${bracketed('help page', urls.help)}, ${mailto('help')}`),
    makeHeader('List-Subscribe', `${bracketed('subscribe page', urls.subscribe)}, ${mailto('subscribe')}`),
    makeHeader('List-Unsubscribe', mailto('unsubscribe')),
    makeHeader('List-Post', post),
    makeHeader('List-Owner', bracketed('owner address', urls.owner)),
    makeHeader('List-Archive', bracketed('archive page', urls.archive)),
  ];
  if (urls.archivedAt) fields.push(makeHeader('Archived-At', bracketed('archived-at page', urls.archivedAt)));
  if (!Number.isSafeInteger(extra.postNumber) || extra.postNumber < 0) {
    throw new ListHeaderError(`The post number ${extra.postNumber} must be a whole number, 0 or more.`);
  }
  fields.push(makeHeader('X-List-Sequence', String(extra.postNumber)), makeHeader('Precedence', 'list'), makeHeader('X-Loop', extra.loopTag));
  return fields;
}
