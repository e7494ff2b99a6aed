/**
 * The feature descriptor: what one feature (src/<feature>/feature.ts) hands the platform — its
 * settings, routes, jobs, long-running roles, first-start step, and what it adds to other features' pages
 * (site-search sources, metric sources, community-page panels, "download my data" parts) or does
 * for them (leaving a working group's list).
 *
 * The platform never imports a feature. The composition root (src/app) lists the features and
 * installs their descriptors once, before the platform starts; the platform and the features
 * that offer a place to plug in (search, metrics, the community page, my data) read what was
 * installed through the functions below.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { TSchema } from '@sinclair/typebox';
import type pg from 'pg';
import type { Alongside, AppContext, Viewer } from './http/context.ts';
import type { SettingGroup } from './config-settings.ts';
import type { WorkerContext } from './jobs.ts';
import type { RoleStarter } from './roles.ts';
import type { CommunityPanel, GroupListLeaving, MetricSource, MyDataSource, SearchSource } from './contributions.ts';

export interface Feature {
  /** The feature's folder name under src/, e.g. "lists". */
  name: string;
  /** Its settings (src/<feature>/settings.ts, which adds their keys to Config), read at start-up with the platform's. */
  settings?: SettingGroup;
  /** Its route plugins, registered in this order (pages, JSON API, feeds). */
  routes?: (ctx: AppContext) => FastifyPluginAsync[];
  /** Shared schemas its JSON API refers to by $id, and the OpenAPI tags it uses. */
  api?: { schemas?: TSchema[]; tags?: Array<{ name: string; description: string }> };
  /** Registers its job handlers and schedules (the worker role). */
  jobs?: (w: WorkerContext) => Promise<void>;
  /** Long-running parts of the mail-in and worker roles (listeners, the delivery runner). */
  roles?: Partial<Record<'mail-in' | 'worker', RoleStarter[]>>;
  /** Runs at every start after the migrations when seeding is on; returns a line to show when it did something. */
  firstStart?: (pool: pg.Pool) => Promise<string | undefined>;
  /**
   * Who is signed in, from the request (the membership feature's session cookie). With the
   * route's `alongside` query, it reads that in the same round trip and sets `req.alongside`.
   */
  identify?: (ctx: AppContext, req: FastifyRequest, alongside?: Alongside) => Promise<Viewer | null>;
  /** The cookie `identify` reads (a kept member page is served only to requests with it and neutral ones). */
  sessionCookie?: string;
  searchSources?: SearchSource[];
  metricSources?: MetricSource[];
  communityPanels?: CommunityPanel[];
  myDataSources?: MyDataSource[];
  /** What leaving a working group's list does to the group (the groups feature; one feature at most). */
  leaveGroupList?: GroupListLeaving;
}

let installed: readonly Feature[] | undefined;

export class NoFeaturesError extends Error {
  readonly code = 'NO_FEATURES';
}

/** Called once by the composition root (src/app) with every feature, in the order they appear. */
export function installFeatures(features: readonly Feature[]): void {
  const names = new Set<string>();
  for (const f of features) {
    if (names.has(f.name)) throw new Error(`The feature "${f.name}" is listed twice in src/app/features.ts.`);
    names.add(f.name);
  }
  const leavers = features.filter((f) => f.leaveGroupList).map((f) => f.name);
  if (leavers.length > 1) throw new Error(`Only one feature may say what leaving a group's list does; ${leavers.join(' and ')} both do.`);
  installed = Object.freeze([...features]);
}

/** The installed features, in order. Throws when nothing installed them (import src/app first). */
export function installedFeatures(): readonly Feature[] {
  if (!installed)
    throw new NoFeaturesError(
      'No features are installed: start socialgov through src/app (its index.ts installs every feature), not through src/platform directly.',
    );
  return installed;
}

/** Every feature's site-search sources, in feature order (the order the search filter lists them). */
export const searchSources = (): SearchSource[] => installedFeatures().flatMap((f) => f.searchSources ?? []);
/** Every feature's metric sources, in feature order (the order of the dashboard's tables). */
export const metricSources = (): MetricSource[] => installedFeatures().flatMap((f) => f.metricSources ?? []);
/** Every feature's panels on the community page, in feature order. */
export const communityPanels = (): CommunityPanel[] => installedFeatures().flatMap((f) => f.communityPanels ?? []);
/** Every feature's part of "Download my data", in feature order. */
export const myDataSources = (): MyDataSource[] => installedFeatures().flatMap((f) => f.myDataSources ?? []);

/** What leaving a working group's list does to the group: the installed feature's that has working groups. */
export function groupListLeaving(): GroupListLeaving {
  const leave = installedFeatures().find((f) => f.leaveGroupList)?.leaveGroupList;
  if (!leave)
    throw new NoFeaturesError('No installed feature says what leaving a working group’s list does: install the groups feature (src/app/features.ts).');
  return leave;
}
