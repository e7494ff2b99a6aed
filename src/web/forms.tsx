/**
 * USWDS form fields with errors next to the field and an error summary at the top, as the
 * design system and GOV.UK recommend. Every form also carries the CSRF token.
 */
import Html from '@kitajs/html';

export type FieldErrors = Record<string, string>;

export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />;
}

/** `ids`: the field's id where it is not its name (two forms on one page with a field of the same name). */
export function ErrorSummary({ errors, ids = {} }: { errors: FieldErrors; ids?: Record<string, string> }) {
  const entries = Object.entries(errors);
  if (!entries.length) return '';
  return (
    <div class="usa-alert usa-alert--error margin-bottom-3" role="alert" aria-labelledby="error-summary-heading">
      <div class="usa-alert__body">
        <h2 class="usa-alert__heading" id="error-summary-heading">
          There is a problem
        </h2>
        <ul class="usa-list">
          {entries.map(([field, message]) => (
            <li>
              <a href={`#${ids[field] ?? field}`} safe>
                {message}
              </a>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

interface FieldProps {
  name: string;
  /** The element's id when it cannot be the name (another form on the page has a field of that name). */
  id?: string;
  label: string;
  hint?: string;
  value?: string | null;
  error?: string;
  type?: 'text' | 'email';
  required?: boolean;
  autocomplete?: string;
  maxlength?: number;
}

function describedBy(p: { name: string; id?: string; hint?: string; error?: string }): string | undefined {
  const id = p.id ?? p.name;
  const ids = [p.hint ? `${id}-hint` : '', p.error ? `${id}-error` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

function FieldFrame(p: FieldProps & { children: Html.Children }) {
  const id = p.id ?? p.name;
  return (
    <div class={p.error ? 'usa-form-group usa-form-group--error' : 'usa-form-group'}>
      <label class={p.error ? 'usa-label usa-label--error' : 'usa-label'} for={id}>
        <span safe>{p.label}</span>
        {p.required ? '' : <span class="text-base"> (optional)</span>}
      </label>
      {p.hint ? (
        <div class="usa-hint" id={`${id}-hint`} safe>
          {p.hint}
        </div>
      ) : (
        ''
      )}
      {p.error ? (
        <span class="usa-error-message" id={`${id}-error`} safe>
          {p.error}
        </span>
      ) : (
        ''
      )}
      {p.children as 'safe'}
    </div>
  );
}

export function TextField(p: FieldProps) {
  return (
    <FieldFrame {...p}>
      <input
        class={p.error ? 'usa-input usa-input--error' : 'usa-input'}
        id={p.id ?? p.name}
        name={p.name}
        type={p.type ?? 'text'}
        value={p.value ?? ''}
        required={p.required}
        autocomplete={p.autocomplete}
        maxlength={p.maxlength ?? 200}
        aria-describedby={describedBy(p)}
        aria-invalid={p.error ? 'true' : undefined}
      />
    </FieldFrame>
  );
}

export function TextArea(p: FieldProps & { rows?: number }) {
  return (
    <FieldFrame {...p}>
      <textarea
        class={p.error ? 'usa-textarea usa-input--error' : 'usa-textarea'}
        id={p.id ?? p.name}
        name={p.name}
        rows={String(p.rows ?? 4)}
        maxlength={p.maxlength ?? 2000}
        aria-describedby={describedBy(p)}
        aria-invalid={p.error ? 'true' : undefined}
        safe
      >
        {p.value ?? ''}
      </textarea>
    </FieldFrame>
  );
}

export function Checkbox(p: { name: string; label: string; checked?: boolean; error?: string; value?: string }) {
  return (
    <div class={p.error ? 'usa-form-group usa-form-group--error' : 'usa-form-group'}>
      {p.error ? (
        <span class="usa-error-message" id={`${p.name}-error`} safe>
          {p.error}
        </span>
      ) : (
        ''
      )}
      <div class="usa-checkbox">
        <input
          class="usa-checkbox__input"
          id={p.name}
          name={p.name}
          type="checkbox"
          value={p.value ?? 'yes'}
          checked={p.checked}
          aria-describedby={p.error ? `${p.name}-error` : undefined}
        />
        <label class="usa-checkbox__label" for={p.name} safe>
          {p.label}
        </label>
      </div>
    </div>
  );
}

/** A form value as trimmed text, or '' when absent or not text. */
/** Spaces at either end, but not U+FEFF (which String.trim also drops): an invisible character must reach the checks that refuse it. */
const EDGE_SPACE = /^[^\S\uFEFF]+|[^\S\uFEFF]+$/g;

export function field(body: unknown, name: string, max = 2000): string {
  const v = body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
  return typeof v === 'string' ? v.replace(EDGE_SPACE, '').slice(0, max) : '';
}

/** "Saved" and similar confirmations after a form, announced to screen readers. */
export function SuccessNotice({ text }: { text: string | undefined }) {
  if (!text) return '';
  return (
    <div class="usa-alert usa-alert--success usa-alert--slim" role="status">
      <div class="usa-alert__body">
        <p class="usa-alert__text" safe>
          {text}
        </p>
      </div>
    </div>
  );
}

/** A select box with its label, hint and error, as USWDS writes one. */
export function SelectField(p: {
  name: string;
  id?: string;
  label: string;
  options: Array<{ value: string; label: string }>;
  value?: string;
  error?: string;
  hint?: string;
  required?: boolean;
}) {
  return (
    <FieldFrame {...p}>
      <select class="usa-select" id={p.id ?? p.name} name={p.name} aria-describedby={describedBy(p)} aria-invalid={p.error ? 'true' : undefined}>
        {p.options.map((o) => (
          <option value={o.value} selected={o.value === (p.value ?? '')} safe>
            {o.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

/** Radio buttons in a fieldset, with the legend and error. */
export function RadioGroup(p: { name: string; legend: string; options: Array<{ value: string; label: string }>; value?: string; error?: string }) {
  return (
    <div class={p.error ? 'usa-form-group usa-form-group--error' : 'usa-form-group'}>
      <fieldset class="usa-fieldset" id={p.name} aria-describedby={p.error ? `${p.name}-error` : undefined}>
        <legend class={p.error ? 'usa-legend usa-label--error' : 'usa-legend'} safe>
          {p.legend}
        </legend>
        {p.error ? (
          <span class="usa-error-message" id={`${p.name}-error`} safe>
            {p.error}
          </span>
        ) : (
          ''
        )}
        {p.options.map((o) => (
          <div class="usa-radio">
            <input class="usa-radio__input" id={`${p.name}-${o.value}`} type="radio" name={p.name} value={o.value} checked={p.value === o.value} />
            <label class="usa-radio__label" for={`${p.name}-${o.value}`} safe>
              {o.label}
            </label>
          </div>
        ))}
      </fieldset>
    </div>
  );
}

/** A slim alert for one line of text; nothing when there is no text. */
export function Alert(p: { kind: 'error' | 'warning' | 'info'; text: string | undefined }) {
  if (!p.text) return '';
  return (
    <div class={`usa-alert usa-alert--${p.kind} usa-alert--slim margin-bottom-2`} role={p.kind === 'error' ? 'alert' : 'status'}>
      <div class="usa-alert__body">
        <p class="usa-alert__text" safe>
          {p.text}
        </p>
      </div>
    </div>
  );
}
