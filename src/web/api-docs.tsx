/**
 * /api/docs: the OpenAPI document rendered as a plain page (no JavaScript, no third-party
 * viewer), so people can read the API the routes actually serve.
 */
import Html from '@kitajs/html';
import type { FastifyPluginAsync } from 'fastify';
import { absoluteUrl, sendPage, siteFor, type AppContext } from '../platform/http/context.ts';
import { Page, toHtml, type Site } from './layout.tsx';
import { slugify } from './markdown.ts';

interface SchemaObject {
  type?: string | string[];
  $ref?: string;
  title?: string;
  description?: string;
  format?: string;
  enum?: unknown[];
  const?: unknown;
  items?: SchemaObject;
  anyOf?: SchemaObject[];
  oneOf?: SchemaObject[];
  properties?: Record<string, SchemaObject>;
  required?: string[];
}
interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: SchemaObject;
}
interface Operation {
  summary?: string;
  description?: string;
  operationId?: string;
  tags?: string[];
  parameters?: Parameter[];
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: SchemaObject }> }>;
}
interface OpenApiDoc {
  info: { title: string; version: string; description?: string };
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, SchemaObject> };
}

/** A short type name for a schema: "string (date-time)", "CommunitySummary[]", "listserv | slack". */
export function typeName(s: SchemaObject | undefined): string {
  if (!s) return 'any';
  if (s.$ref) return s.$ref.split('/').pop()!;
  const alts = s.anyOf ?? s.oneOf;
  if (alts) return alts.map(typeName).join(' | ');
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum) return s.enum.map((e) => JSON.stringify(e)).join(' | ');
  if (s.type === 'array') return `${typeName(s.items)}[]`;
  if (s.title && s.type === 'object') return s.title;
  const t = Array.isArray(s.type) ? s.type.join(' | ') : (s.type ?? 'any');
  return s.format ? `${t} (${s.format})` : t;
}

function Properties({ schema }: { schema: SchemaObject }) {
  const props = Object.entries(schema.properties ?? {});
  if (!props.length) return <p safe>{typeName(schema)}</p>;
  return (
    <table class="usa-table usa-table--borderless usa-table--stacked sg-api-table">
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Type</th>
          <th scope="col">Description</th>
        </tr>
      </thead>
      <tbody>
        {props.map(([name, p]) => (
          <tr>
            <th scope="row" data-label="Field">
              <code safe>{name}</code>
              {schema.required?.includes(name) ? '' : ' (optional)'}
            </th>
            <td data-label="Type">
              <code safe>{typeName(p)}</code>
            </td>
            <td data-label="Description" safe>
              {p.description ?? ''}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ApiDocsPage({ site, doc, base }: { site: Site; doc: OpenApiDoc; base: string }): string {
  const operations = Object.entries(doc.paths ?? {}).flatMap(([p, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path: p, method: method.toUpperCase(), op })),
  );
  return toHtml(
    <Page site={site} title="API documentation" section="api" breadcrumbs={[{ href: '/', label: 'Home' }, { label: 'API' }]}>
      <h1>API documentation</h1>
      <p class="usa-intro" safe>
        {doc.info.description ?? ''}
      </p>
      <p>
        The machine-readable description is the OpenAPI {'3.1'} document at <a href="/api/openapi.json">/api/openapi.json</a>. Every error answer has the fields{' '}
        <code>statusCode</code>, <code>code</code>, <code>message</code> and <code>requestId</code>.
      </p>
      <h2>Operations</h2>
      <ul class="usa-list">
        {operations.map(({ path: p, method, op }) => (
          <li>
            <a href={`#${slugify(op.operationId ?? `${method}-${p}`)}`}>
              <code safe>{`${method} ${p}`}</code>
            </a>
            {op.summary ? <span safe>{` — ${op.summary}`}</span> : ''}
          </li>
        ))}
      </ul>
      {operations.map(({ path: p, method, op }) => (
        <section aria-labelledby={slugify(op.operationId ?? `${method}-${p}`)}>
          <h3 id={slugify(op.operationId ?? `${method}-${p}`)}>
            <code safe>{`${method} ${p}`}</code>
          </h3>
          {op.summary ? (
            <p class="text-bold" safe>
              {op.summary}
            </p>
          ) : (
            ''
          )}
          {op.description ? <p safe>{op.description}</p> : ''}
          {op.parameters?.length ? (
            <>
              <h4>Parameters</h4>
              <ul class="usa-list">
                {op.parameters.map((prm) => (
                  <li>
                    <code safe>{prm.name}</code> <span safe>{`(${prm.in}, ${typeName(prm.schema)}${prm.required ? ', required' : ''})`}</span>
                    {prm.description ? <span safe>{`: ${prm.description}`}</span> : ''}
                  </li>
                ))}
              </ul>
            </>
          ) : (
            ''
          )}
          <h4>Responses</h4>
          <ul class="usa-list">
            {Object.entries(op.responses ?? {}).map(([status, r]) => (
              <li>
                <strong safe>{status}</strong>: <code safe>{typeName(r.content?.['application/json']?.schema)}</code>
              </li>
            ))}
          </ul>
          <h4>Example</h4>
          <pre class="sg-code bg-base-lightest padding-1">
            <code safe>{`curl ${base}${p.replace(/\{slug\}/, 'social-media')}`}</code>
          </pre>
        </section>
      ))}
      <h2>Data shapes</h2>
      {Object.entries(doc.components?.schemas ?? {}).map(([name, schema]) => (
        <section aria-labelledby={`schema-${slugify(name)}`}>
          <h3 id={`schema-${slugify(name)}`} safe>
            {name}
          </h3>
          {schema.description ? <p safe>{schema.description}</p> : ''}
          <Properties schema={schema} />
        </section>
      ))}
    </Page>,
  );
}

export function apiDocsRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/api/docs', { schema: { hide: true } }, async (req, reply) => {
      const doc = app.swagger() as unknown as OpenApiDoc;
      return sendPage(reply, ApiDocsPage({ site: siteFor(ctx, req), doc, base: absoluteUrl(ctx, '') }));
    });
  };
}
