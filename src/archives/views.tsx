/** Archive pages: the list's months, a month's threads, a thread, a message (search and the feed page: search-views.tsx). */
import Html from '@kitajs/html';
import { Page, type Crumb, type Site } from '../web/layout.tsx';
import { ErrorSummary, type FieldErrors } from '../web/forms.tsx';
import { listHomePath, type List } from '../lists/index.ts';
import type { ArchivedPost, MonthSummary, ThreadSummary } from './browse.ts';
import { monthTitle, showTime } from './months.ts';
import { isSignature } from './message.ts';
import { cleanSubject } from './subjects.ts';
import { obfuscateAddresses } from './text.ts';
import { formatSize } from './format.ts';
import { ComposeForm, ComposeNoticeBox, MuteForm, type ComposeNotice, type ComposeProps } from './web-post-views.tsx';
import { formatCount } from '../web/format.ts';

export interface ArchiveView {
  site: Site;
  list: List;
  /** Readers who are not members see addresses hidden. */
  hideAddresses: boolean;
  member: boolean;
}

export const base = (list: List) => `/archives/${list.localPart}`;

export function crumbs(v: ArchiveView, more: Crumb[]): Crumb[] {
  return [
    { href: '/', label: 'Home' },
    { href: '/communities', label: 'Communities' },
    { href: listHomePath(v.list), label: v.list.name },
    { href: base(v.list), label: 'Archive' },
    ...more,
  ];
}

export function sender(v: { hideAddresses: boolean }, name: string | null, address: string): string {
  const a = v.hideAddresses ? obfuscateAddresses(address) : address;
  return name ? `${name} <${a}>` : a;
}

export function senderName(v: { hideAddresses: boolean }, name: string | null, address: string): string {
  return name ?? (v.hideAddresses ? obfuscateAddresses(address) : address);
}

export function plural(n: number, one: string, many: string): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

function SearchForm({ v, words = '' }: { v: ArchiveView; words?: string }) {
  return (
    <form class="usa-search usa-search--small margin-bottom-4" role="search" method="get" action={`${base(v.list)}/search`}>
      <label class="usa-sr-only" for="archive-search">
        Search the archive
      </label>
      <input class="usa-input" id="archive-search" type="search" name="q" value={words} />
      <button class="usa-button" type="submit">
        <span class="usa-search__submit-text">Search</span>
      </button>
    </form>
  );
}

/** Posting from the web: the form for members who may post, or why this viewer may not. */
export type PostingView = { compose: ComposeProps; refusal?: undefined } | { compose?: undefined; refusal?: string | undefined };

export function ArchiveHomePage(
  p: ArchiveView & PostingView & { months: MonthSummary[]; exportErrors?: FieldErrors; exportValues?: { month?: string; from?: string; to?: string } },
): string {
  const v = p;
  const total = p.months.reduce((n, m) => n + m.posts, 0);
  const errors = p.exportErrors ?? {};
  return Page({
    site: p.site,
    title: `${p.list.name} archive`,
    section: 'communities',
    breadcrumbs: crumbs(v, [])
      .slice(0, -1)
      .concat([{ label: 'Archive' }]),
    children: (
      <>
        <h1 safe>{`${p.list.name} archive`}</h1>
        <p class="usa-intro" safe>
          {`${plural(total, 'message', 'messages')} posted to the list. ${p.list.archivePublic ? 'This archive is public; addresses are hidden from people who are not members.' : 'This archive is for members only.'}`}
        </p>
        <SearchForm v={v} />
        <p>
          <a href={`${base(p.list)}/search`}>Advanced search</a>: by sender, dates, attachments, or across the whole community.
        </p>
        {p.compose ? (
          <p>
            <a href="#compose">Start a new thread</a> from this page.
          </p>
        ) : (
          ''
        )}
        <h2>Messages by month</h2>
        {p.months.length ? (
          <table class="usa-table usa-table--borderless">
            <caption class="usa-sr-only">Months with messages</caption>
            <thead>
              <tr>
                <th scope="col">Month</th>
                <th scope="col">New threads</th>
                <th scope="col">Messages</th>
              </tr>
            </thead>
            <tbody>
              {p.months.map((m) => (
                <tr>
                  <th scope="row">
                    <a href={`${base(p.list)}/months/${m.month}`} safe>
                      {monthTitle(m.month)}
                    </a>
                  </th>
                  <td safe>{formatCount(m.threads)}</td>
                  <td safe>{formatCount(m.posts)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p>Nothing has been posted yet.</p>
        )}
        {p.compose ? (
          <ComposeForm p={p.compose} heading="Start a new thread" />
        ) : p.refusal ? (
          <p class="margin-top-4" safe>
            {p.refusal}
          </p>
        ) : (
          ''
        )}
        {p.member ? (
          <>
            <h2 id="export">Download as mbox</h2>
            <p>
              Mail programs (Thunderbird, mutt, Apple Mail) and archiving tools open mbox files. The file is compressed (.mbox.gz). Choose a month, or a range
              of days.
            </p>
            <ErrorSummary errors={errors} />
            <form class="usa-form" method="get" action={`${base(p.list)}/export`}>
              <ExportField name="month" label="Month" hint="Year and month, for example 2019-04." value={p.exportValues?.month} error={errors.month} />
              <p class="margin-y-1">or</p>
              <ExportField name="from" label="From day" hint="For example 2019-04-01." value={p.exportValues?.from} error={errors.from} type="date" />
              <ExportField name="to" label="To day (included)" hint="For example 2019-04-30." value={p.exportValues?.to} error={errors.to} type="date" />
              <button class="usa-button" type="submit">
                Download
              </button>
            </form>
            <h2>Follow new threads</h2>
            <p>
              <a href={`${base(p.list)}/feed`}>Get a private feed address</a> for your feed reader (Atom).
            </p>
          </>
        ) : (
          ''
        )}
      </>
    ),
  });
}

export function ExportField(p: { name: string; label: string; hint: string; value?: string | undefined; error?: string | undefined; type?: string }) {
  const described = [`${p.name}-hint`, p.error ? `${p.name}-error` : ''].filter(Boolean).join(' ');
  return (
    <div class={p.error ? 'usa-form-group usa-form-group--error' : 'usa-form-group'}>
      <label class={p.error ? 'usa-label usa-label--error' : 'usa-label'} for={p.name} safe>
        {p.label}
      </label>
      <div class="usa-hint" id={`${p.name}-hint`} safe>
        {p.hint}
      </div>
      {p.error ? (
        <span class="usa-error-message" id={`${p.name}-error`} role="alert" safe>
          {p.error}
        </span>
      ) : (
        ''
      )}
      <input
        class={p.error ? 'usa-input usa-input--error' : 'usa-input'}
        id={p.name}
        name={p.name}
        type={p.type ?? 'text'}
        value={p.value ?? ''}
        aria-describedby={described}
      />
    </div>
  );
}

function ThreadItem({ v, t, extra }: { v: ArchiveView; t: ThreadSummary; extra?: string }) {
  return (
    <li class="border-bottom-1px border-base-lighter padding-y-2">
      <a class="text-bold" href={`${base(v.list)}/threads/${t.id}`} safe>
        {cleanSubject(t.subject)}
      </a>
      <div class="sg-card-meta" safe>
        {`Started by ${senderName(v, t.starter.name, t.starter.address)}, ${showTime(t.startedAt, v.list.timeZone)} · ${plural(t.replies, 'reply', 'replies')} · ${plural(t.participants, 'participant', 'participants')}${t.replies ? ` · last ${showTime(t.lastAt, v.list.timeZone)}` : ''}${extra ? ` · ${extra}` : ''}`}
      </div>
    </li>
  );
}

export type MonthView = ArchiveView & {
  month: string;
  threads: ThreadSummary[];
  continued?: Array<ThreadSummary & { messagesBetween: number }>;
  previous?: string | undefined;
  next?: string | undefined;
};

/** A month page's main content: the same for every reader with the same `hideAddresses`, so it may be made once and kept. */
export function MonthContent(p: MonthView): JSX.Element {
  const title = monthTitle(p.month);
  const continued = p.continued ?? [];
  const intro = `${plural(p.threads.length, 'thread', 'threads')} started in ${title} on ${p.list.name}.${continued.length ? ` ${plural(continued.length, 'earlier thread', 'earlier threads')} had new messages.` : ''}`;
  return (
    <>
      <h1 safe>{title}</h1>
      <p class="usa-intro" safe>
        {intro}
      </p>
      <SearchForm v={p} />
      <h2 safe>{`Threads started in ${title}`}</h2>
      {p.threads.length ? (
        <ul class="usa-list usa-list--unstyled">
          {p.threads.map((t) => (
            <ThreadItem v={p} t={t} />
          ))}
        </ul>
      ) : (
        <p>No threads started this month.</p>
      )}
      {continued.length ? (
        <>
          <h2 safe>{`Earlier threads with messages in ${title}`}</h2>
          <ul class="usa-list usa-list--unstyled">
            {continued.map((t) => (
              <ThreadItem v={p} t={t} extra={`${plural(t.messagesBetween, 'message', 'messages')} this month`} />
            ))}
          </ul>
        </>
      ) : (
        ''
      )}
      <nav aria-label="Other months" class="margin-top-3">
        <ul class="usa-list usa-list--unstyled display-flex flex-justify">
          <li>{p.previous ? <a href={`${base(p.list)}/months/${p.previous}`} safe>{`Previous: ${monthTitle(p.previous)}`}</a> : ''}</li>
          <li>{p.next ? <a href={`${base(p.list)}/months/${p.next}`} safe>{`Next: ${monthTitle(p.next)}`}</a> : ''}</li>
        </ul>
      </nav>
    </>
  );
}

/** A month page around its content (`content`: MonthContent made earlier for these same values). */
export function MonthPage(p: MonthView & { content?: string }): string {
  const title = monthTitle(p.month);
  return Page({
    site: p.site,
    title: `${title} – ${p.list.name} archive`,
    section: 'communities',
    breadcrumbs: crumbs(p, [{ label: title }]),
    children: p.content ?? MonthContent(p),
  });
}

export interface RenderedPost {
  post: ArchivedPost;
  /** Safe HTML of the body (sanitized mail HTML or folded plain text). */
  bodyHtml: string;
}

function Attachments({ v, post }: { v: ArchiveView; post: ArchivedPost }) {
  const files = v.hideAddresses ? post.attachments.filter((a) => !isSignature(a)) : post.attachments;
  if (!files.length) return '';
  return (
    <div class="margin-top-2">
      <p class="text-bold margin-bottom-05">Attachments</p>
      <ul class="usa-list">
        {files.map((a) => (
          <li>
            <a href={`${base(v.list)}/${post.number}/attachments/${a.index}`} download={a.filename} safe>
              {a.filename}
            </a>{' '}
            <span class="sg-card-meta" safe>{`(${a.contentType}, ${formatSize(a.size)})`}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

export { formatSize };

function Body({ html, label }: { html: string; label: string }) {
  return (
    <div class="sg-mail-body" role="region" aria-label={label} tabindex="0">
      {html as 'safe'}
    </div>
  );
}

/** A thread's posts: the same for every reader with the same `hideAddresses`, so they may be made once and kept. */
export function ThreadPosts(p: ArchiveView & { posts: RenderedPost[] }): JSX.Element {
  return (
    <>
      {p.posts.map(({ post, bodyHtml }) => (
        <article class="border-top-1px border-base-lighter padding-top-2 margin-top-3" id={`m${post.number}`} aria-labelledby={`m${post.number}-h`}>
          <h2 class="font-heading-md margin-bottom-05" id={`m${post.number}-h`} safe>
            {senderName(p, post.fromName, post.fromAddress)}
          </h2>
          <p class="sg-card-meta margin-top-0">
            <span safe>{showTime(post.sentAt, p.list.timeZone)}</span> · <a href={`${base(p.list)}/${post.number}`} safe>{`Message ${post.number}`}</a>
            {post.parentNumber ? (
              <>
                {' '}
                · <a href={`#m${post.parentNumber}`} safe>{`in reply to message ${post.parentNumber}`}</a>
              </>
            ) : (
              ''
            )}
          </p>
          <Body html={bodyHtml} label={`Message ${post.number}`} />
          <Attachments v={p} post={post} />
        </article>
      ))}
    </>
  );
}

/** When a thread ran: "sent <time>" when its first and last messages show the same time. */
function span(first: string, last: string): string {
  return first === last ? `sent ${first}` : `${first} to ${last}`;
}

/** A thread page (`postsHtml`: ThreadPosts made earlier for these same posts). */
export function ThreadPage(
  p: ArchiveView &
    PostingView & {
      thread: ThreadSummary;
      posts: RenderedPost[];
      postsHtml?: JSX.Element;
      month: string;
      notice?: ComposeNotice | undefined;
      mute?: { csrf: string; muted: boolean } | undefined;
    },
): string {
  const subject = cleanSubject(p.thread.subject);
  return Page({
    site: p.site,
    title: `${subject} – ${p.list.name} archive`,
    section: 'communities',
    breadcrumbs: crumbs(p, [{ href: `${base(p.list)}/months/${p.month}`, label: monthTitle(p.month) }, { label: 'Thread' }]),
    children: (
      <>
        <h1 safe>{subject}</h1>
        <p class="usa-intro" safe>
          {`${plural(p.thread.messages, 'message', 'messages')} from ${plural(p.thread.participants, 'person', 'people')}, ${span(showTime(p.thread.startedAt, p.list.timeZone), showTime(p.thread.lastAt, p.list.timeZone))}.`}
        </p>
        <ComposeNoticeBox notice={p.notice} />
        {p.compose ? (
          <p>
            <a href="#compose">Reply to this thread</a>
          </p>
        ) : (
          ''
        )}
        {p.mute ? <MuteForm action={`${base(p.list)}/threads/${p.thread.id}/mute`} csrf={p.mute.csrf} muted={p.mute.muted} /> : ''}
        {/* markup ThreadPosts made (its text escaped there) */}
        {(p.postsHtml ?? ThreadPosts(p)) as 'safe'}
        {p.compose ? (
          <ComposeForm p={p.compose} heading="Reply to this thread" />
        ) : p.refusal ? (
          <p class="margin-top-4" safe>
            {p.refusal}
          </p>
        ) : (
          ''
        )}
      </>
    ),
  });
}

export function MessagePage(
  p: ArchiveView & {
    rendered: RenderedPost;
    month: string;
    thread: ThreadSummary;
    replies: Array<{ number: number; fromName: string | null; fromAddress: string; sentAt: Date }>;
    format: 'text' | 'html';
    hasHtml: boolean;
    imagesShown: boolean;
    imagesBlocked: number;
  },
): string {
  const { post, bodyHtml } = p.rendered;
  const subject = cleanSubject(post.subject);
  const here = `${base(p.list)}/${post.number}`;
  return Page({
    site: p.site,
    title: `${subject} – ${p.list.name} archive`,
    section: 'communities',
    breadcrumbs: crumbs(p, [{ href: `${base(p.list)}/months/${p.month}`, label: monthTitle(p.month) }, { label: `Message ${post.number}` }]),
    children: (
      <>
        <h1 safe>{subject}</h1>
        <dl class="sg-mail-meta">
          <dt>From</dt>
          <dd safe>{sender(p, post.fromName, post.fromAddress)}</dd>
          <dt>Date</dt>
          <dd safe>{showTime(post.sentAt, p.list.timeZone)}</dd>
          <dt>Thread</dt>
          <dd>
            <a href={`${base(p.list)}/threads/${p.thread.id}#m${post.number}`} safe>
              {`${cleanSubject(p.thread.subject)} (${plural(p.thread.messages, 'message', 'messages')})`}
            </a>
          </dd>
          {post.parentNumber ? (
            <>
              <dt>In reply to</dt>
              <dd>
                <a href={`${base(p.list)}/${post.parentNumber}`} safe>{`Message ${post.parentNumber}`}</a>
              </dd>
            </>
          ) : (
            ''
          )}
        </dl>
        {p.hasHtml ? (
          <p>
            {p.format === 'html' ? (
              <a href={`${here}?format=text`}>Show as plain text</a>
            ) : (
              <a href={`${here}?format=html`}>Show the formatted (HTML) version</a>
            )}
            {p.format === 'html' && p.imagesBlocked > 0 && !p.imagesShown ? (
              <>
                {' '}
                · <a href={`${here}?format=html&amp;images=show`} safe>{`Show ${plural(p.imagesBlocked, 'image', 'images')} from other websites`}</a>
              </>
            ) : (
              ''
            )}
          </p>
        ) : (
          ''
        )}
        <Body html={bodyHtml} label="Message text" />
        <Attachments v={p} post={post} />
        <h2>Replies</h2>
        {p.replies.length ? (
          <ul class="usa-list">
            {p.replies.map((r) => (
              <li>
                <a href={`${base(p.list)}/${r.number}`} safe>{`Message ${r.number}`}</a>{' '}
                <span safe>{`from ${senderName(p, r.fromName, r.fromAddress)}, ${showTime(r.sentAt, p.list.timeZone)}`}</span>
              </li>
            ))}
          </ul>
        ) : (
          <p>No replies.</p>
        )}
      </>
    ),
  });
}
