/** JSON shapes of the registry API: the single source for validation, serialization and the OpenAPI document. */
import { Type, type Static } from '@sinclair/typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const DateTime = Type.String({ format: 'date-time' });

export const RegistryPlatformRef = Type.Object({ key: Type.String(), name: Type.String() });

export const RegistryRecordJson = Type.Object(
  {
    id: Type.Integer(),
    kind: Type.Union([Type.Literal('account'), Type.Literal('app'), Type.Literal('website')]),
    status: Type.Union([Type.Literal('published'), Type.Literal('archive-requested'), Type.Literal('archived')], {
      description: 'archive-requested: still official until a reviewer archives it.',
    }),
    name: Type.String(),
    platform: Nullable(RegistryPlatformRef),
    account: Nullable(Type.String({ description: 'The account as the platform shows it, e.g. @USAGov.' })),
    platformUserId: Nullable(Type.String({ description: 'The platform’s persistent user id, when recorded (survives renames).' })),
    url: Nullable(Type.String({ format: 'uri', description: 'Canonical address of the account or website.' })),
    domain: Nullable(Type.String()),
    appStores: Type.Array(Type.Object({ store: Type.String(), url: Type.String() })),
    appVersions: Type.Array(Type.Object({ platform: Type.String(), version: Type.String(), released: Type.Optional(Type.String()) })),
    agencies: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), slug: Type.String() }), { description: 'Sponsoring agencies.' }),
    language: Type.String(),
    shortDescription: Type.String(),
    longDescription: Type.String(),
    categoryTags: Type.Array(Type.String()),
    geoTags: Type.Array(Type.String()),
    publishedAt: Nullable(DateTime),
    lastReviewedAt: Nullable(DateTime),
    archivedAt: Nullable(DateTime),
    updatedAt: DateTime,
    links: Type.Object({ self: Type.String({ format: 'uri' }), page: Type.String({ format: 'uri' }) }),
  },
  { $id: 'RegistryRecord', title: 'Registry record' },
);
export type RegistryRecordJson = Static<typeof RegistryRecordJson>;

export const RegistryRecordList = Type.Object(
  {
    total: Type.Integer({ minimum: 0, description: 'Records matching the query, on all pages.' }),
    page: Type.Integer({ minimum: 1 }),
    pageSize: Type.Integer({ minimum: 1, maximum: 500 }),
    links: Type.Object({
      self: Type.String({ format: 'uri' }),
      next: Nullable(Type.String({ format: 'uri' })),
      prev: Nullable(Type.String({ format: 'uri' })),
    }),
    data: Type.Array(Type.Ref(RegistryRecordJson)),
  },
  { $id: 'RegistryRecordList', title: 'Registry records (one page)' },
);
export type RegistryRecordListJson = Static<typeof RegistryRecordList>;

export const VerifyJson = Type.Object(
  {
    verified: Type.Boolean({ description: 'True only when a published record matches the address.' }),
    reason: Type.Union(
      [Type.Literal('registered'), Type.Literal('not-registered'), Type.Literal('archived'), Type.Literal('former-handle'), Type.Literal('user-id-mismatch')],
      {
        description:
          'registered: official. not-registered: not in the registry. archived: was official, now archived. former-handle: the agency renamed the account; this handle is no longer theirs. user-id-mismatch: the handle is registered to another user id (a taken-over handle).',
      },
    ),
    message: Type.String({ description: 'The answer in plain language.' }),
    url: Type.String({ description: 'The address as given.' }),
    platform: RegistryPlatformRef,
    kind: Type.Union([Type.Literal('handle'), Type.Literal('user-id')], { description: 'Whether the address names a handle or a persistent user id.' }),
    account: Type.String({ description: 'The account read from the address.' }),
    canonicalUrl: Type.String({ format: 'uri' }),
    status: Type.Optional(Type.Union([Type.Literal('published'), Type.Literal('archived')])),
    archivedAt: Type.Optional(DateTime),
    record: Type.Optional(Type.Ref(RegistryRecordJson)),
  },
  { $id: 'RegistryVerify', title: 'Verification answer' },
);
export type VerifyJson = Static<typeof VerifyJson>;

export const RegistryAgencyJson = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  slug: Type.String(),
  level: Type.Union([Type.Literal('department'), Type.Literal('bureau'), Type.Literal('office')]),
  parentId: Nullable(Type.Integer()),
  path: Type.String({ description: 'Department › bureau › office.' }),
  publishedRecords: Type.Integer({ minimum: 0, description: 'Published records this agency sponsors directly.' }),
});

export const RegistryAgencyList = Type.Object(
  { total: Type.Integer(), data: Type.Array(RegistryAgencyJson) },
  { $id: 'RegistryAgencyList', title: 'Registry agencies' },
);

export const RegistryPlatformJson = Type.Object({
  key: Type.String(),
  name: Type.String(),
  hosts: Type.Array(Type.String(), { description: 'Host names; *.example.com for sub-domains; * for any host (Mastodon).' }),
  rules: Type.Array(
    Type.Object({
      kind: Type.Union([Type.Literal('handle'), Type.Literal('user-id')]),
      path: Type.String({ description: 'Regular expression over the path, with a named group "account".' }),
      query: Type.Optional(Type.String()),
      accountPattern: Type.Optional(Type.String()),
      reserved: Type.Optional(Type.Array(Type.String())),
      caseSensitive: Type.Optional(Type.Boolean()),
      key: Type.Optional(Type.String()),
      canonical: Type.String(),
      display: Type.String(),
    }),
  ),
});

export const RegistryPlatformList = Type.Object(
  { total: Type.Integer(), data: Type.Array(RegistryPlatformJson) },
  { $id: 'RegistryPlatformList', title: 'Registry platforms' },
);

export const RegistryTagList = Type.Object(
  {
    total: Type.Integer(),
    data: Type.Array(
      Type.Object({ tag: Type.String(), kind: Type.Union([Type.Literal('category'), Type.Literal('geographic')]), count: Type.Integer({ minimum: 1 }) }),
    ),
  },
  { $id: 'RegistryTagList', title: 'Registry tags' },
);

export const SearchQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Words; every word must appear (name, account, descriptions, tags, agencies).' })),
  agencies: Type.Optional(Type.String({ maxLength: 2000, description: 'Comma-separated agency ids or slugs; agencies under them count too.' })),
  platforms: Type.Optional(Type.String({ maxLength: 500, description: 'Comma-separated platform keys, e.g. x,youtube.' })),
  tags: Type.Optional(Type.String({ maxLength: 1000, description: 'Comma-separated tags (category or geographic).' })),
  language: Type.Optional(Type.String({ maxLength: 20, description: 'Language code, e.g. en or es (es-US matches es).' })),
  kind: Type.Optional(Type.Union([Type.Literal('account'), Type.Literal('app'), Type.Literal('website')])),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 })),
  page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50, description: 'At most 500.' })),
});
export type SearchQuery = Static<typeof SearchQuery>;

export const VerifyQuery = Type.Object({
  url: Type.String({
    minLength: 1,
    maxLength: 2000,
    description: 'The account address to check, e.g. https://x.com/USAGov (also @user@instance for Mastodon).',
  }),
  user_id: Type.Optional(
    Type.String({
      maxLength: 100,
      description: 'The platform’s user id of the account at that address, if you know it: a registered handle now held by another user id is not verified.',
    }),
  ),
});

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

export const REGISTRY_SCHEMAS = [RegistryRecordJson, RegistryRecordList, VerifyJson, RegistryAgencyList, RegistryPlatformList, RegistryTagList];
