// "Did you mean": the known name closest to a misspelt one, for error messages.

/** Levenshtein distance: insertions, deletions and substitutions count one each. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/**
 * The name within `maxDistance` edits of what was typed (case-insensitive), nearest first; a name
 * that one of them starts with counts as one edit away. Undefined when none is near: a typo is
 * suggested, a guess is not.
 */
export function closest<T extends string>(typed: string, names: readonly T[], maxDistance: number): T | undefined {
  const lower = typed.toLowerCase();
  let best: { name: T; d: number } | undefined;
  for (const name of names) {
    const n = name.toLowerCase();
    const d = n.startsWith(lower) || lower.startsWith(n) ? 1 : editDistance(lower, n);
    if (d <= maxDistance && (!best || d < best.d)) best = { name, d };
  }
  return best?.name;
}
