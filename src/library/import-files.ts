/**
 * Turn digital.gov files into library records, without touching the database: news and
 * resources (articles), guides (a folder of pages), topics, author profiles, and the terms-of-
 * service YAML lists. Every problem names the file and line.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { convertShortcodes, fieldLine, list, MAX_ALIASES, parseLooseDate, slugFrom, splitFrontMatter, text, yamlValue, type ParsedDate } from './hugo.ts';
import type { ArticleKind } from './articles.ts';
import { AGREEMENT_STATUSES, type AgreementStatus, type DocType } from './tools.ts';
import { nameProblem } from '../platform/text.ts';
import { compareText } from '../platform/text.ts';

export interface ArticleRecord {
  kind: ArticleKind;
  slug: string;
  title: string;
  deck?: string;
  summary?: string;
  body: string;
  topics: string[];
  authors: string[];
  sourceName?: string;
  sourceUrl?: string;
  heroImageUrl?: string;
  heroImageAlt?: string;
  redirectTo?: string;
  publishedAt?: Date;
  reviewedAt?: Date;
}

export interface SectionRecord {
  slug: string;
  title: string;
  summary?: string;
  body: string;
  order: number;
}

export interface GuideRecord {
  slug: string;
  title: string;
  deck?: string;
  summary?: string;
  body: string;
  topics: string[];
  publishedAt?: Date;
  sections: SectionRecord[];
}

export interface TopicRecord {
  slug: string;
  title: string;
  deck?: string;
  summary?: string;
  body: string;
  weight: number;
  featuredCommunities: string[];
  featuredLinks: Array<{ title: string; summary?: string; href: string }>;
}

export interface AuthorRecord {
  slug: string;
  name: string;
  agency?: string;
  bio: string;
}

export interface ToolRecord {
  slug: string;
  name: string;
  vendorUrl?: string;
  description?: string;
  documentUrl?: string;
  docType?: DocType;
  date?: Date;
  dateText?: string;
  status: AgreementStatus;
}

export interface ContactRecord {
  kind: 'cabinet' | 'non-cabinet';
  person: string;
  email?: string;
  title?: string;
  agency: string;
}

export interface ImportPlan {
  articles: ArticleRecord[];
  guides: GuideRecord[];
  topics: TopicRecord[];
  authors: AuthorRecord[];
  tools: ToolRecord[];
  contacts: ContactRecord[];
  /** "file:line: error: ..." — any error means nothing is imported. */
  errors: string[];
  /** "file:line: warning: ..." — imported anyway. */
  warnings: string[];
  skipped: string[];
}

export function emptyPlan(): ImportPlan {
  return { articles: [], guides: [], topics: [], authors: [], tools: [], contacts: [], errors: [], warnings: [], skipped: [] };
}

/** Every file under the given files and folders, in a stable order. */
export function collectFiles(paths: string[], missing: (p: string) => void): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      missing(p);
      return;
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) if (!name.startsWith('.')) walk(path.join(p, name));
    } else if (/\.(md|markdown|ya?ml)$/i.test(p)) out.push(p);
  };
  for (const p of paths) walk(p);
  return out;
}

type Kind = 'article' | 'guide' | 'topic' | 'author' | 'yaml';

/** What a file is, from where it sits in a digital.gov checkout. */
export function classify(file: string): { kind: Kind; articleKind?: ArticleKind; guide?: string } | undefined {
  const parts = file.split(path.sep);
  const base = parts[parts.length - 1]!;
  if (/\.ya?ml$/i.test(base)) return { kind: 'yaml' };
  const at = (name: string) => parts.lastIndexOf(name);
  if (at('guides') >= 0 && parts.length - at('guides') === 3) return { kind: 'guide', guide: parts[at('guides') + 1]! };
  if (at('topics') >= 0 && base === '_index.md') return { kind: 'topic' };
  if (at('authors') >= 0 && base === '_index.md' && parts.length - at('authors') === 3) return { kind: 'author' };
  if (base === '_index.md') return undefined;
  if (at('news') >= 0) return { kind: 'article', articleKind: 'news' };
  if (at('resources') >= 0) return { kind: 'article', articleKind: 'resource' };
  return undefined;
}

function dateField(plan: ImportPlan, file: string, src: string, name: string, value: unknown): Date | undefined {
  const d: ParsedDate = parseLooseDate(value);
  if (d.kind === 'invalid') {
    plan.errors.push(`${file}:${fieldLine(src, name)}: error: ${name} "${d.text}" is not a date; write it as YYYY-MM-DD (for example 2014-06-09).`);
    return undefined;
  }
  if (d.kind === 'month')
    plan.warnings.push(`${file}:${fieldLine(src, name)}: warning: ${name} "${d.text}" gives only a month; the first of the month is used.`);
  return d.kind === 'none' ? undefined : d.at;
}

const SLUG_RE = /^[a-z0-9]+(-[a-z0-9]+)*$/;

function readPage(plan: ImportPlan, file: string, src: string) {
  const parsed = splitFrontMatter(src);
  if (!parsed.ok) {
    plan.errors.push(`${file}:${parsed.problem.line}: error: ${parsed.problem.message}.`);
    return undefined;
  }
  const { data, body, bodyLine } = parsed.file;
  for (const w of parsed.warnings) plan.warnings.push(`${file}:${w.line}: warning: ${w.message}.`);
  const converted = convertShortcodes(body, bodyLine);
  for (const w of converted.warnings) plan.warnings.push(`${file}:${w.line}: warning: ${w.message}.`);
  return { data, body: converted.body.trim() + '\n' };
}

function needTitle(plan: ImportPlan, file: string, data: Record<string, unknown>): string | undefined {
  const t = text(data.title);
  if (!t) plan.errors.push(`${file}:1: error: the page has no title; add a "title:" line to the front matter.`);
  return t;
}

function needSlug(plan: ImportPlan, file: string, src: string, slug: string): boolean {
  if (SLUG_RE.test(slug)) return true;
  plan.errors.push(
    `${file}:${fieldLine(src, 'slug')}: error: the slug "${slug}" can only use lower-case letters, digits and single hyphens; fix the "slug:" line.`,
  );
  return false;
}

function readArticle(plan: ImportPlan, file: string, src: string, kind: ArticleKind) {
  const page = readPage(plan, file, src);
  if (!page) return;
  const { data, body } = page;
  const title = needTitle(plan, file, data);
  const slug = slugFrom(data, path.basename(file));
  if (!title || !needSlug(plan, file, src, slug)) return;
  const featured = data.featured_image && typeof data.featured_image === 'object' ? (data.featured_image as Record<string, unknown>) : undefined;
  const rec: ArticleRecord = {
    kind,
    slug,
    title,
    body,
    topics: list(data.topics),
    authors: list(data.authors).map((a) => a.toLowerCase()),
    deck: text(data.deck),
    summary: text(data.summary),
    sourceName: text(data.source),
    sourceUrl: text(data.source_url) ?? text(data.canonical),
    redirectTo: text(data.redirectto),
    publishedAt: dateField(plan, file, src, 'date', data.date),
  };
  rec.reviewedAt = dateField(plan, file, src, 'lastmod', data.lastmod) ?? rec.publishedAt;
  if (featured && text(featured.uid)) {
    const alt = text(featured.alt);
    if (alt) {
      rec.heroImageUrl = `https://s3.amazonaws.com/digitalgov/${text(featured.uid)}.jpg`;
      rec.heroImageAlt = alt;
    } else
      plan.warnings.push(`${file}:${fieldLine(src, 'featured_image')}: warning: the featured image has no alt text, so it is left out; add "alt:" to keep it.`);
  }
  const badAuthor = rec.authors.find((a) => !SLUG_RE.test(a));
  if (badAuthor) {
    plan.errors.push(`${file}:${fieldLine(src, 'authors')}: error: author "${badAuthor}" is not an author slug such as jherman; fix the authors list.`);
    return;
  }
  plan.articles.push(rec);
}

function readTopic(plan: ImportPlan, file: string, src: string) {
  const page = readPage(plan, file, src);
  if (!page) return;
  const { data, body } = page;
  const title = needTitle(plan, file, data);
  const slug = slugFrom(data, path.basename(path.dirname(file)));
  if (!title || !needSlug(plan, file, src, slug)) return;
  const links =
    data.featured_links && typeof data.featured_links === 'object' ? ((data.featured_links as Record<string, unknown>).resources as unknown) : undefined;
  plan.topics.push({
    slug,
    title,
    body,
    deck: text(data.deck),
    summary: text(data.summary),
    weight: Number(data.weight ?? 1) || 1,
    featuredCommunities: list(data.featured_communities),
    featuredLinks: Array.isArray(links)
      ? links.flatMap((l: Record<string, unknown>) =>
          text(l?.title) && text(l?.href) ? [{ title: text(l.title)!, summary: text(l.summary), href: text(l.href)! }] : [],
        )
      : [],
  });
}

function readAuthor(plan: ImportPlan, file: string, src: string) {
  const page = readPage(plan, file, src);
  if (!page) return;
  const { data, body } = page;
  const slug = slugFrom(data, path.basename(path.dirname(file)));
  if (!needSlug(plan, file, src, slug)) return;
  const name = text(data.display_name) ?? [text(data.first_name), text(data.last_name)].filter(Boolean).join(' ');
  if (!name) {
    plan.errors.push(`${file}:1: error: the author has no name; add "display_name:" (or first_name and last_name).`);
    return;
  }
  const badName = nameProblem(name, 'The author’s name');
  if (badName) {
    plan.errors.push(`${file}:${fieldLine(src, text(data.display_name) ? 'display_name' : 'first_name')}: error: ${badName}`);
    return;
  }
  plan.authors.push({ slug, name, agency: text(data.agency_full_name) ?? text(data.agency), bio: body.trim() });
}

/** The order of a guide section: its weight, else the first number in its first heading ("Play 2"). */
function sectionOrder(data: Record<string, unknown>, body: string): number {
  const w = Number(data.weight ?? data.guide_weight);
  if (Number.isFinite(w) && data.weight !== undefined) return w;
  const m = /^#{1,6}\s.*?(\d+)/m.exec(body);
  return m ? Number(m[1]) : 1000;
}

function readGuidePage(plan: ImportPlan, guides: Map<string, GuideRecord>, file: string, src: string, guideSlug: string) {
  const page = readPage(plan, file, src);
  if (!page) return;
  const { data, body } = page;
  const title = needTitle(plan, file, data);
  if (!title) return;
  let guide = guides.get(guideSlug);
  if (!guide) {
    guide = { slug: guideSlug, title: guideSlug, body: '', topics: [], sections: [] };
    guides.set(guideSlug, guide);
  }
  if (path.basename(file) === '_index.md') {
    Object.assign(guide, {
      title,
      deck: text(data.deck),
      summary: text(data.summary),
      body,
      topics: list(data.topics),
      publishedAt: dateField(plan, file, src, 'date', data.date),
    });
    return;
  }
  const slug = slugFrom({}, path.basename(file));
  if (!needSlug(plan, file, src, slug)) return;
  guide.sections.push({ slug, title, summary: text(data.summary), body, order: sectionOrder(data, body) });
}

const DOC_TYPE_NAMES: Record<string, DocType> = { pdf: 'pdf', 'word doc': 'word', word: 'word', 'google doc': 'google-doc', website: 'website' };

function readYaml(plan: ImportPlan, file: string, src: string) {
  const doc = YAML.parseDocument(src, { prettyErrors: false });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    plan.errors.push(`${file}:${e.linePos?.[0]?.line ?? 1}: error: not valid YAML (${e.message.split('\n')[0]}); fix the line.`);
    return;
  }
  // Resolved once with a limit on aliases; the items below are read from the same, checked document.
  const value = yamlValue(doc, src, 'the file');
  if (!value.ok) {
    plan.errors.push(`${file}:${value.line}: error: ${value.message}.`);
    return;
  }
  const lineOf = (node: unknown) => {
    const range = (node as { range?: [number, number] } | undefined)?.range;
    return range ? src.slice(0, range[0]).split('\n').length : 1;
  };
  const root = doc.contents;
  if (!YAML.isMap(root)) {
    plan.errors.push(`${file}:1: error: expected "termsofservice:" or "cabinet:"/"noncabinet:" lists; this file has neither.`);
    return;
  }
  const tos = root.get('termsofservice', true);
  const cabinet = root.get('cabinet', true);
  const noncabinet = root.get('noncabinet', true);
  if (!tos && !cabinet && !noncabinet) {
    plan.errors.push(`${file}:1: error: expected "termsofservice:" or "cabinet:"/"noncabinet:" lists; this file has neither.`);
    return;
  }
  if (YAML.isSeq(tos)) {
    const seen = new Set<string>();
    for (const item of tos.items) {
      const line = lineOf(item);
      const e = (YAML.isMap(item) ? item.toJS(doc, { maxAliasCount: MAX_ALIASES }) : {}) as Record<string, unknown>;
      const name = text(e.name);
      if (!name) {
        plan.errors.push(`${file}:${line}: error: an agreement has no name; add "name:".`);
        continue;
      }
      const slug = name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '');
      if (seen.has(slug)) {
        plan.errors.push(`${file}:${line}: error: "${name}" is listed twice; keep one entry per tool.`);
        continue;
      }
      seen.add(slug);
      const rawStatus = (text(e.status) ?? 'compatible').toLowerCase();
      if (!(AGREEMENT_STATUSES as readonly string[]).includes(rawStatus)) {
        plan.errors.push(`${file}:${line}: error: "${name}" has status "${rawStatus}"; use blank (compatible), ${AGREEMENT_STATUSES.join(', ')}.`);
        continue;
      }
      const uri = text(e.uri);
      const rec: ToolRecord = {
        slug,
        name,
        status: rawStatus as AgreementStatus,
        vendorUrl: text(e.url),
        description: text(e.description),
        documentUrl: uri ? (/^https?:\/\//.test(uri) ? uri : `https://s3.amazonaws.com/digitalgov/${uri.replace(/^\/+/, '')}`) : undefined,
      };
      const typeText = text(e.type)?.toLowerCase();
      if (typeText) {
        const t = DOC_TYPE_NAMES[typeText];
        if (!t) plan.errors.push(`${file}:${line}: error: "${name}" has type "${text(e.type)}"; use PDF, Word Doc, Google Doc or Website.`);
        else rec.docType = t;
      } else if (rec.documentUrl) {
        rec.docType = /\.pdf$/i.test(rec.documentUrl) ? 'pdf' : /\.docx?$/i.test(rec.documentUrl) ? 'word' : 'website';
        plan.warnings.push(`${file}:${line}: warning: "${name}" has no type; "${rec.docType}" is assumed from the document address.`);
      }
      const d = parseLooseDate(e.updated);
      if (d.kind === 'invalid') {
        rec.dateText = d.text;
        plan.warnings.push(`${file}:${line}: warning: "${name}" has the date "${d.text}", which is not a date; it is kept as text.`);
      } else if (d.kind === 'month') {
        rec.date = d.at;
        rec.dateText = d.text;
        plan.warnings.push(
          `${file}:${line}: warning: "${name}" is dated "${d.text}" (a month only); the first of the month is used and the original text is kept.`,
        );
      } else if (d.kind === 'instant') rec.date = d.at;
      plan.tools.push(rec);
    }
  }
  for (const [kind, seq] of [
    ['cabinet', cabinet],
    ['non-cabinet', noncabinet],
  ] as const) {
    if (!YAML.isSeq(seq)) continue;
    for (const item of seq.items) {
      const e = (YAML.isMap(item) ? item.toJS(doc, { maxAliasCount: MAX_ALIASES }) : {}) as Record<string, unknown>;
      const person = text(e.person);
      const agency = text(e.agency);
      if (!person || !agency) {
        plan.errors.push(`${file}:${lineOf(item)}: error: a point of contact needs "person:" and "agency:".`);
        continue;
      }
      plan.contacts.push({ kind, person, agency, email: text(e.email), title: text(e.title) });
    }
  }
}

/** Read and check every file; returns the plan (with errors, if any). */
export function planImport(paths: string[], progress: (done: number, total: number) => void = () => undefined): ImportPlan {
  const plan = emptyPlan();
  const files = collectFiles(paths, (p) => plan.errors.push(`${p}: error: no such file or folder; check the path.`));
  const guides = new Map<string, GuideRecord>();
  files.forEach((file, i) => {
    const kind = classify(file);
    if (!kind) plan.skipped.push(file);
    else {
      const src = readFileSync(file, 'utf8');
      if (kind.kind === 'yaml') readYaml(plan, file, src);
      else if (kind.kind === 'article') readArticle(plan, file, src, kind.articleKind!);
      else if (kind.kind === 'topic') readTopic(plan, file, src);
      else if (kind.kind === 'author') readAuthor(plan, file, src);
      else readGuidePage(plan, guides, file, src, kind.guide!);
    }
    progress(i + 1, files.length);
  });
  for (const g of guides.values()) {
    g.sections.sort((a, b) => a.order - b.order || compareText(a.slug, b.slug));
    plan.guides.push(g);
  }
  const slugs = new Set<string>();
  plan.articles = plan.articles.filter((a) => {
    if (!slugs.has(a.slug)) return slugs.add(a.slug);
    plan.errors.push(`error: two articles share the slug "${a.slug}" (the second is “${a.title}”); give one of them another "slug:".`);
    return false;
  });
  if (!files.length && !plan.errors.length) plan.errors.push('error: no .md or .yml files found; give digital.gov content folders or files.');
  return plan;
}
