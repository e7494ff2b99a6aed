/**
 * Long-running parts of the mail-in and worker roles (listeners, the delivery runner). A feature
 * names its starters in its descriptor (`roles`); startPlatform runs the starters of the roles
 * this process has, in feature order.
 */
import { installedFeatures } from './feature.ts';
import type { WorkerContext } from './jobs.ts';

export interface RoleHandle {
  name: string;
  /** A line for the start-up output, e.g. "Mail-in: SMTP on 127.0.0.1:2525". */
  description?: string;
  /** Ports or other facts tests and the CLI need. */
  info?: Record<string, unknown>;
  close(): Promise<void>;
}

export type RoleStarter = (ctx: WorkerContext) => Promise<RoleHandle>;

/** The installed features' starters for one role. */
export function roleStarters(role: 'mail-in' | 'worker'): RoleStarter[] {
  return installedFeatures().flatMap((f) => f.roles?.[role] ?? []);
}
