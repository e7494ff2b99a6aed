/**
 * The .gov domain lookup: what the registry says about a domain (its agency and bureau), so the
 * join form can fill in the agency while a person types. The registry is public (CISA publishes
 * it), and only the domain is sent, never the address.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import { NotFoundError, type AppContext } from '../platform/http/context.ts';
import { ApiError } from '../platform/http/schemas.ts';
import { agencyOfDomain } from './gov-registry.ts';

export const GovDomain = Type.Object(
  {
    domain: Type.String({ description: 'The domain asked about, in lower case.' }),
    registered: Type.String({ description: 'The registered domain that answered: the domain itself, or its nearest parent in the registry.' }),
    domainType: Type.String({ description: 'The registry\'s domain type, e.g. "Federal - Executive".' }),
    agency: Type.Union([Type.String(), Type.Null()], { description: 'The registrant organization; for federal domains, the agency.' }),
    bureau: Type.Union([Type.String(), Type.Null()], { description: 'The suborganization, when the registry names one.' }),
  },
  { $id: 'GovDomain', title: 'A .gov domain in the registry' },
);

const DomainParams = Type.Object({ domain: Type.String({ maxLength: 253, description: 'A domain such as fs.usda.gov (not an email address).' }) });

export function membershipApiRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    const api = app.withTypeProvider<TypeBoxTypeProvider>();
    api.get(
      '/api/v1/gov-domains/:domain',
      {
        schema: {
          operationId: 'lookUpGovDomain',
          tags: ['membership'],
          summary: 'The agency of a .gov domain, from the .gov registry',
          description:
            'Answers from the registry the operator imported (socialgov agencies import). A subdomain that is not registered itself answers with its nearest registered parent. 404 when the domain is not a .gov domain in the registry.',
          params: DomainParams,
          response: { 200: Type.Ref(GovDomain), 404: Type.Ref(ApiError) },
        },
      },
      async (req, reply): Promise<Static<typeof GovDomain>> => {
        const found = await agencyOfDomain(ctx.pool, req.params.domain);
        if (!found) throw new NotFoundError(`${req.params.domain} is not a .gov domain in the registry. Type the agency yourself.`);
        // the registry changes when the operator imports a new one: an hour is fresh enough
        void reply.header('cache-control', 'public, max-age=3600');
        return found;
      },
    );
  };
}
