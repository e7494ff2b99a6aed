/** The server's route table, for the tests that walk every route (the hostile-value sweep, the page sweep). */
import type { FastifyInstance } from 'fastify';

export interface Route {
  method: 'GET' | 'POST';
  path: string;
}

/** The route table, read from Fastify's own printout (one line per route node, four columns a level). */
export function routeTable(app: FastifyInstance): Route[] {
  const routes: Route[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const at = line.search(/[├└]── /);
    if (at < 0) continue;
    const depth = at / 4;
    const m = /^(.*?)(?: \(([A-Z, ]+)\))?$/.exec(line.slice(at + 4))!;
    stack[depth] = m[1]!;
    stack.length = depth + 1;
    const path = stack.join('').replace(/^\/\//, '/');
    for (const method of (m[2] ?? '').split(', ')) if (method === 'GET' || method === 'POST') routes.push({ method, path });
  }
  return routes;
}
