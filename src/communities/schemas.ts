/** JSON shapes of the communities API; the single source for validation and the OpenAPI document. */
import { Type, type Static } from '@sinclair/typebox';
import { AUDIENCES, PLATFORMS } from './community-file.ts';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const CommunitySummary = Type.Object(
  {
    slug: Type.String({ description: 'Identifier used in addresses.', examples: ['social-media'] }),
    title: Type.String(),
    shortName: Nullable(Type.String()),
    summary: Nullable(Type.String()),
    deck: Nullable(Type.String()),
    weight: Type.Integer({ minimum: 0, maximum: 2, description: '0 hidden from listings, 1 visible, 2 featured.' }),
    featured: Type.Boolean({ description: 'Shown first: highlighted, or weight 2.' }),
    memberCount: Type.Integer({ minimum: 0, description: 'Active members now, computed from the membership records.' }),
    url: Type.String({ format: 'uri', description: 'The community page.' }),
  },
  { $id: 'CommunitySummary', title: 'Community (summary)' },
);

export const ReportedFigure = Type.Object(
  {
    text: Type.String({ description: 'The figure exactly as typed on the imported page, e.g. "1,462".' }),
    value: Type.Union([Type.Integer(), Type.Null()]),
    recordedOn: Type.String({ format: 'date', description: 'The day socialgov recorded it.' }),
  },
  { description: 'A historical, hand-typed member figure. Not a live count.' },
);

export const JoinChannel = Type.Object({
  platform: Type.Union(PLATFORMS.map((p) => Type.Literal(p))),
  audience: Type.Union(
    AUDIENCES.map((a) => Type.Literal(a)),
    { description: 'Who may join (digital.gov "type").' },
  ),
  subscribeEmail: Nullable(Type.String()),
  subscribeSubject: Nullable(Type.String()),
  subscribeBody: Nullable(Type.String()),
  terms: Nullable(Type.String({ description: 'Eligibility terms shown to people who want to join.' })),
  joinButton: Nullable(Type.String()),
  reportedMembers: Type.Union([ReportedFigure, Type.Null()]),
});

export const CommunityDetail = Type.Object(
  {
    ...CommunitySummary.properties,
    kicker: Nullable(Type.String()),
    body: Type.String({ description: 'The page body, Markdown.' }),
    leads: Type.Array(Type.Object({ slug: Type.String(), name: Type.String() })),
    topics: Type.Array(Type.String()),
    eventCommunities: Type.Array(Type.String({ description: 'digital.gov event_cop keys.' })),
    channels: Type.Array(JoinChannel),
    redirectTo: Nullable(Type.String({ format: 'uri' })),
    publishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    reviewedAt: Type.String({ format: 'date-time', description: 'Page reviewed/updated.' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'CommunityDetail', title: 'Community' },
);

export const CommunityList = Type.Object(
  {
    total: Type.Integer({ minimum: 0 }),
    data: Type.Array(Type.Ref(CommunitySummary)),
  },
  { $id: 'CommunityList', title: 'Community list' },
);

export const SlugParams = Type.Object({ slug: Type.String({ maxLength: 200, description: 'Community slug, e.g. social-media.' }) });

export type CommunitySummaryJson = Static<typeof CommunitySummary>;
export type CommunityDetailJson = Static<typeof CommunityDetail>;
