/** The web post form (start a thread, reply) with its preview and outcome, and the mute controls. */
import Html from '@kitajs/html';
import { CsrfField, ErrorSummary, TextField, type FieldErrors } from '../web/forms.tsx';
import { formatSize } from './format.ts';
import type { KeptUpload } from './web-post.ts';
import { MAX_TEXT } from './web-post.ts';

export interface ComposeValues {
  subject: string;
  text: string;
  draft: string;
  /** Replying: the number of the post answered. */
  parent?: number | undefined;
}

/** What became of a post just sent, shown above the form. */
export interface ComposeNotice {
  kind: 'success' | 'info' | 'warning';
  heading: string;
  lines: string[];
}

export interface ComposeProps {
  action: string;
  csrf: string;
  /** A reply: the subject is the thread's (shown, not typed). */
  replySubject?: string | undefined;
  values: ComposeValues;
  errors: FieldErrors;
  kept: KeptUpload[];
  /** The list's largest post, for the hint. */
  maxBytes: number;
  preview?: { subject: string; bodyHtml: string } | undefined;
  notice?: ComposeNotice | undefined;
}

const IDS = { subject: 'post-subject', text: 'post-text', attachments: 'post-attachments', draft: 'post-text' };

export function ComposeNoticeBox({ notice }: { notice: ComposeNotice | undefined }) {
  if (!notice) return '';
  return (
    <div class={`usa-alert usa-alert--${notice.kind} margin-bottom-3`} role={notice.kind === 'warning' ? 'alert' : 'status'}>
      <div class="usa-alert__body">
        <h3 class="usa-alert__heading" safe>
          {notice.heading}
        </h3>
        {notice.lines.map((l) => (
          <p class="usa-alert__text" safe>
            {l}
          </p>
        ))}
      </div>
    </div>
  );
}

export function ComposeForm({ p, heading }: { p: ComposeProps; heading: string }) {
  const e = p.errors;
  return (
    <section class="border-top-1px border-base-lighter padding-top-2 margin-top-4" id="compose" aria-labelledby="compose-heading">
      <h2 id="compose-heading" safe>
        {heading}
      </h2>
      <ComposeNoticeBox notice={p.notice} />
      <ErrorSummary errors={e} ids={IDS} />
      {p.preview ? (
        <div class="usa-summary-box margin-bottom-3" role="region" aria-labelledby="preview-heading">
          <div class="usa-summary-box__body">
            <h3 class="usa-summary-box__heading" id="preview-heading">
              Preview: not sent yet
            </h3>
            <p class="text-bold" safe>
              {`Subject: ${p.preview.subject}`}
            </p>
            <div class="sg-mail-body">{p.preview.bodyHtml as 'safe'}</div>
            {p.kept.length ? <p safe>{`Attachments: ${p.kept.map((k) => `${k.filename} (${formatSize(k.size)})`).join(', ')}`}</p> : ''}
            <p class="margin-bottom-0">Check it, change it below if you want, then select “Send to the list”.</p>
          </div>
        </div>
      ) : (
        ''
      )}
      {/* The answer opens at this section (its notice, errors or preview), not the top of a long thread. */}
      <form class="usa-form usa-form--large" method="post" action={`${p.action}#compose`} enctype="multipart/form-data">
        <CsrfField token={p.csrf} />
        <input type="hidden" name="draft" value={p.values.draft} />
        {p.values.parent !== undefined ? <input type="hidden" name="parent" value={String(p.values.parent)} /> : ''}
        {p.replySubject !== undefined ? (
          <p class="margin-top-0" safe>{`Subject: ${p.replySubject}`}</p>
        ) : (
          <TextField name="subject" id={IDS.subject} label="Subject" value={p.values.subject} error={e.subject} required />
        )}
        <div class={e.text ? 'usa-form-group usa-form-group--error' : 'usa-form-group'}>
          <label class={e.text ? 'usa-label usa-label--error' : 'usa-label'} for={IDS.text}>
            Your message
          </label>
          <div class="usa-hint" id="post-text-hint">
            Plain text. It goes to every member by email, and into the archive.
          </div>
          {e.text ? (
            <span class="usa-error-message" id="post-text-error" safe>
              {e.text}
            </span>
          ) : (
            ''
          )}
          <textarea
            class={e.text ? 'usa-textarea usa-input--error' : 'usa-textarea'}
            id={IDS.text}
            name="text"
            rows="10"
            maxlength={MAX_TEXT}
            aria-describedby={e.text ? 'post-text-hint post-text-error' : 'post-text-hint'}
            aria-invalid={e.text ? 'true' : undefined}
            safe
          >
            {p.values.text}
          </textarea>
        </div>
        {p.kept.length ? (
          <fieldset class="usa-fieldset margin-top-3">
            <legend class="usa-legend">Files attached</legend>
            {p.kept.map((k) => (
              <div class="usa-checkbox">
                <input class="usa-checkbox__input" id={`keep-${k.id}`} name="keep" type="checkbox" value={String(k.id)} checked />
                <label class="usa-checkbox__label" for={`keep-${k.id}`} safe>
                  {`${k.filename} (${formatSize(k.size)})`}
                </label>
              </div>
            ))}
          </fieldset>
        ) : (
          ''
        )}
        <div class={e.attachments ? 'usa-form-group usa-form-group--error' : 'usa-form-group'}>
          <label class={e.attachments ? 'usa-label usa-label--error' : 'usa-label'} for={IDS.attachments}>
            Attach files <span class="text-base">(optional)</span>
          </label>
          <div class="usa-hint" id="post-attachments-hint" safe>
            {`This list takes posts of up to ${formatSize(p.maxBytes)} in all, files included.`}
          </div>
          {e.attachments ? (
            <span class="usa-error-message" id="post-attachments-error" safe>
              {e.attachments}
            </span>
          ) : (
            ''
          )}
          <input
            class="usa-file-input"
            id={IDS.attachments}
            name="attachment"
            type="file"
            multiple
            aria-describedby={e.attachments ? 'post-attachments-hint post-attachments-error' : 'post-attachments-hint'}
          />
        </div>
        <div class="margin-top-3">
          <button class="usa-button usa-button--outline" type="submit" name="action" value="preview">
            Preview
          </button>
          <button class="usa-button" type="submit" name="action" value="send">
            Send to the list
          </button>
        </div>
      </form>
    </section>
  );
}

/** The Mute / Unmute button of a thread page (members only). */
export function MuteForm({ action, csrf, muted }: { action: string; csrf: string; muted: boolean }) {
  return (
    <form class="margin-y-2" method="post" action={action}>
      <CsrfField token={csrf} />
      <input type="hidden" name="action" value={muted ? 'unmute' : 'mute'} />
      <p class="margin-bottom-1">
        {muted
          ? 'You muted this thread: you get no more of its messages by email or in digests.'
          : 'Mute this thread to get no more of its messages by email or in digests. The rest of the list keeps coming.'}
      </p>
      <button class="usa-button usa-button--outline" type="submit">
        {muted ? 'Unmute this thread' : 'Mute this thread'}
      </button>
    </form>
  );
}
