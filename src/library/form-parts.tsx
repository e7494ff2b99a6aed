/** Form rows the library's article, guide and tool forms share, built on src/web/forms.tsx. */
import Html from '@kitajs/html';
import { SelectField } from '../web/forms.tsx';

/** The community an article or a guide belongs to, if any. */
export function CommunitySelect(p: { communities: Array<{ slug: string; title: string }>; value: string }) {
  return (
    <SelectField
      name="community"
      label="Community"
      value={p.value}
      options={[{ value: '', label: 'No community' }, ...p.communities.map((c) => ({ value: c.slug, label: c.title }))]}
    />
  );
}

/** [value, label] pairs from a list of values and their texts, as SelectField takes them. */
export function choicesOf<T extends string>(values: readonly T[], text: Record<T, string>): Array<{ value: string; label: string }> {
  return values.map((value) => ({ value, label: text[value] }));
}

/** The file input for an agreement or a signed adoption: PDF or Word, with its error. */
export function DocumentUpload(p: { label: string; error: string | undefined }) {
  return (
    <div class={p.error ? 'usa-form-group usa-form-group--error' : 'usa-form-group'}>
      <label class="usa-label" for="document">
        <span safe>{p.label}</span> <span class="text-base">(optional)</span>
      </label>
      <div class="usa-hint" id="document-hint">
        PDF or Word, up to 10 MB.
      </div>
      {p.error ? (
        <span class="usa-error-message" id="document-error" safe>
          {p.error}
        </span>
      ) : (
        ''
      )}
      <input class="usa-file-input" id="document" name="document" type="file" accept=".pdf,.doc,.docx" aria-describedby="document-hint" />
    </div>
  );
}
