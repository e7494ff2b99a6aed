/** Subjects for display: without the list tag ("[SocialGov]") that every copy carries. */
export function cleanSubject(subject: string): string {
  const s = subject
    .replace(/^(\s*(re|fwd?|aw)\s*:)?\s*\[[^\]]{1,60}\]\s*/i, '$1 ')
    .replace(/\s+/g, ' ')
    .trim();
  return s || '(no subject)';
}
