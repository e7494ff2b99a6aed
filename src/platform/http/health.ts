/** /healthz: the process answers. /readyz: the database answers and every migration is applied. */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { pendingMigrations } from '../db/migrate.ts';
import type { AppContext } from './context.ts';

const Health = Type.Object({ status: Type.Literal('ok') });
const Ready = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('not ready')]),
  database: Type.Union([Type.Literal('ok'), Type.Literal('unreachable')]),
  pendingMigrations: Type.Array(Type.String()),
  message: Type.Optional(Type.String()),
});

export function healthRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    const api = app.withTypeProvider<TypeBoxTypeProvider>();
    api.get(
      '/healthz',
      { config: { anonymous: true }, schema: { operationId: 'health', tags: ['health'], summary: 'The process is up', response: { 200: Health } } },
      async () => ({
        status: 'ok' as const,
      }),
    );
    api.get(
      '/readyz',
      {
        // (a session query would fail first when the database is down: the answer is 503, not 500)
        config: { anonymous: true },
        schema: {
          operationId: 'ready',
          tags: ['health'],
          summary: 'Ready to serve',
          description: 'Ready when the database answers and every migration is applied; 503 otherwise.',
          response: { 200: Ready, 503: Ready },
        },
      },
      async (_req, reply) => {
        let pending: string[];
        try {
          pending = await pendingMigrations(ctx.pool);
        } catch {
          return reply.code(503).send({ status: 'not ready', database: 'unreachable', pendingMigrations: [], message: 'The database does not answer.' });
        }
        if (pending.length) {
          return reply.code(503).send({ status: 'not ready', database: 'ok', pendingMigrations: pending, message: 'Run "socialgov migrate".' });
        }
        return { status: 'ready' as const, database: 'ok' as const, pendingMigrations: [] };
      },
    );
  };
}
