/**
 * Remember a pure function's answers for the texts it was last asked about: Markdown rendered and
 * sanitized is the same HTML every time for the same source, and costs milliseconds a page.
 * Bounded by total characters kept (keys and answers); the least recently used go first.
 */
export function memoText(fn: (source: string) => string, maxChars = 16 * 1024 * 1024): ((source: string) => string) & { size(): number } {
  const kept = new Map<string, string>();
  let chars = 0;
  const memo = (source: string): string => {
    const hit = kept.get(source);
    if (hit !== undefined) {
      // most recently used last
      kept.delete(source);
      kept.set(source, hit);
      return hit;
    }
    const out = fn(source);
    const cost = source.length + out.length;
    if (cost > maxChars / 4) return out;
    kept.set(source, out);
    chars += cost;
    for (const [k, v] of kept) {
      if (chars <= maxChars) break;
      kept.delete(k);
      chars -= k.length + v.length;
    }
    return out;
  };
  return Object.assign(memo, { size: () => kept.size });
}
