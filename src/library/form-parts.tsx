/** Form rows the library's article, guide and tool forms share, built on src/web/forms.tsx. */
import Html from '@kitajs/html';
import { SelectField } from '../web/forms.tsx';

/** The community an article or a guide belongs to, if any. */
export function CommunitySelect(p: { communities: Array<{ slug: string; title: string }>; value: string }) {
  return <SelectField name="community" label="Community" value={p.value} options={[{ value: '', label: 'No community' }, ...p.communities.map((c) => ({ value: c.slug, label: c.title }))]} />;
}

/** [value, label] pairs from a list of values and their texts, as SelectField takes them. */
export function choicesOf<T extends string>(values: readonly T[], text: Record<T, string>): Array<{ value: string; label: string }> {
  return values.map((value) => ({ value, label: text[value] }));
}
