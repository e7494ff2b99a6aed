/** Apply a checked import plan in one transaction: authors first, then topics, articles, guides, tools, contacts. */
import type pg from 'pg';
import type { Actor } from '../platform/audit.ts';
import { inTransaction } from '../platform/db/queryable.ts';
import { saveImportedArticle } from './articles.ts';
import { saveAuthor } from './authors.ts';
import { saveGuide } from './guides.ts';
import type { ImportPlan } from './import-files.ts';
import { replaceContacts, saveImportedTool } from './tools.ts';
import { saveTopic } from './topics.ts';

export interface ImportCounts {
  articles: { created: number; updated: number };
  guides: { created: number; updated: number };
  tools: { created: number; updated: number };
  topics: number;
  authors: number;
  contacts: number;
}

export function planSize(plan: ImportPlan): number {
  return plan.articles.length + plan.guides.length + plan.topics.length + plan.authors.length + plan.tools.length + (plan.contacts.length ? 1 : 0);
}

export async function applyImport(
  pool: pg.Pool,
  actor: Actor,
  plan: ImportPlan,
  opts: { communityId?: number; progress?: (done: number, total: number) => void } = {},
): Promise<ImportCounts> {
  if (plan.errors.length) throw new Error('An import plan with errors cannot be applied.');
  const counts: ImportCounts = {
    articles: { created: 0, updated: 0 },
    guides: { created: 0, updated: 0 },
    tools: { created: 0, updated: 0 },
    topics: 0,
    authors: 0,
    contacts: 0,
  };
  const total = planSize(plan);
  let done = 0;
  const tick = () => opts.progress?.(++done, total);
  await inTransaction(pool, async (db) => {
    for (const a of plan.authors) {
      await saveAuthor(db, actor, a);
      counts.authors++;
      tick();
    }
    for (const t of plan.topics) {
      await saveTopic(db, actor, { ...t, deck: t.deck ?? null, summary: t.summary ?? null });
      counts.topics++;
      tick();
    }
    for (const a of plan.articles) {
      counts.articles[await saveImportedArticle(db, actor, { ...a, communityId: opts.communityId ?? null })]++;
      tick();
    }
    for (const g of plan.guides) {
      counts.guides[await saveGuide(db, actor, { ...g, communityId: opts.communityId ?? null })]++;
      tick();
    }
    for (const t of plan.tools) {
      counts.tools[await saveImportedTool(db, actor, t)]++;
      tick();
    }
    if (plan.contacts.length) {
      await replaceContacts(
        db,
        actor,
        plan.contacts.map((c) => ({ ...c, email: c.email ?? null, title: c.title ?? null })),
      );
      counts.contacts = plan.contacts.length;
      tick();
    }
  });
  return counts;
}
