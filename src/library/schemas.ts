/** JSON shapes of the library API: shared tools with their agreements and adoptions. The single source for validation and OpenAPI. */
import { Type, type Static } from '@sinclair/typebox';
import { AGREEMENT_STATUSES, DOC_TYPES } from './tools.ts';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const ToolAdoption = Type.Object({
  agency: Type.String(),
  signedOn: Type.String({ format: 'date' }),
  contactName: Type.String(),
  contactEmail: Type.String(),
  documentUrl: Nullable(Type.String({ format: 'uri', description: 'The signed document: an uploaded file on this site, or a link.' })),
});

export const ToolAgreement = Type.Object({
  status: Type.Union(AGREEMENT_STATUSES.map((s) => Type.Literal(s))),
  documentUrl: Nullable(Type.String({ format: 'uri' })),
  documentType: Type.Union([...DOC_TYPES.map((d) => Type.Literal(d)), Type.Null()]),
  date: Nullable(Type.String({ format: 'date' })),
  dateText: Nullable(Type.String({ description: 'The date as written in the imported list, when it was not a full date (e.g. "07-2014").' })),
  history: Type.Array(
    Type.Object({
      status: Type.String(),
      changedOn: Type.String({ format: 'date' }),
      changedBy: Type.String({
        description: 'Who recorded the change, by role: "a library editor", "the operator" (the command line) or "the site"; never a person\'s address.',
        examples: ['a library editor'],
      }),
      note: Nullable(Type.String()),
    }),
  ),
  adoptions: Type.Array(ToolAdoption),
});

export const Tool = Type.Object(
  {
    slug: Type.String({ examples: ['amazon-appstore'] }),
    name: Type.String(),
    vendorUrl: Nullable(Type.String()),
    description: Nullable(Type.String()),
    category: Nullable(Type.String()),
    url: Type.String({ format: 'uri', description: 'The tool page.' }),
    agreements: Type.Array(ToolAgreement, { description: 'Newest first; the first is the current agreement.' }),
  },
  { $id: 'Tool', title: 'Shared tool' },
);

export const ToolList = Type.Object({ total: Type.Integer({ minimum: 0 }), data: Type.Array(Type.Ref(Tool)) }, { $id: 'ToolList', title: 'Shared tool list' });

export const ToolSlugParams = Type.Object({ slug: Type.String({ maxLength: 200, description: 'Tool slug, e.g. amazon-appstore.' }) });

export type ToolJson = Static<typeof Tool>;
