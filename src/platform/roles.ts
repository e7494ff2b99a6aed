/**
 * Long-running parts of the mail-in and worker roles (listeners, the delivery runner). A feature
 * adds a starter here; startPlatform runs the starters of the roles this process has.
 */
import { startListDelivery, startListMailIn } from '../lists/jobs.ts';
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

export const ROLE_STARTERS: Record<'mail-in' | 'worker', RoleStarter[]> = {
  'mail-in': [startListMailIn],
  worker: [startListDelivery],
};
