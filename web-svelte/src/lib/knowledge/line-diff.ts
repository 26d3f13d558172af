/** One line of a diff: kept in both, removed from the old text, or added in the new one. */
export interface DiffLine {
  readonly kind: 'same' | 'removed' | 'added';
  readonly text: string;
  /** 1-based line number in the old text (same, removed). */
  readonly oldLine?: number;
  /** 1-based line number in the new text (same, added). */
  readonly newLine?: number;
}

/** Above this many cells (old lines × new lines after trimming) the diff is not computed. */
export const MAX_DIFF_CELLS = 4_000_000;

function lines(text: string): string[] {
  if (text === '') return [];
  const split = text.split('\n');
  // a final newline ends the last line; it is not an empty line of its own
  if (split.at(-1) === '') split.pop();
  return split;
}

/**
 * A line diff of two texts by longest common subsequence: the common prefix and suffix are
 * taken out first, then a dynamic-programming table over what is left. Removed lines come
 * before the added lines that replace them. Undefined when what is left is too large.
 */
export function lineDiff(before: string, after: string): DiffLine[] | undefined {
  const a = lines(before);
  const b = lines(after);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const n = endA - start;
  const m = endB - start;
  if (n * m > MAX_DIFF_CELLS) return undefined;

  // lcs[i][j]: the LCS length of a[start + i ..endA) and b[start + j ..endB), row-major
  const width = m + 1;
  const lcs = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * width + j] =
        a[start + i] === b[start + j]
          ? (lcs[(i + 1) * width + j + 1] ?? 0) + 1
          : Math.max(lcs[(i + 1) * width + j] ?? 0, lcs[i * width + j + 1] ?? 0);
    }
  }

  const out: DiffLine[] = [];
  for (let k = 0; k < start; k++) {
    out.push({ kind: 'same', text: a[k] as string, oldLine: k + 1, newLine: k + 1 });
  }
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[start + i] === b[start + j]) {
      out.push({
        kind: 'same',
        text: a[start + i] as string,
        oldLine: start + i + 1,
        newLine: start + j + 1,
      });
      i++;
      j++;
    } else if (
      j >= m ||
      (i < n && (lcs[(i + 1) * width + j] ?? 0) >= (lcs[i * width + j + 1] ?? 0))
    ) {
      out.push({ kind: 'removed', text: a[start + i] as string, oldLine: start + i + 1 });
      i++;
    } else {
      out.push({ kind: 'added', text: b[start + j] as string, newLine: start + j + 1 });
      j++;
    }
  }
  for (let k = 0; k < a.length - endA; k++) {
    out.push({
      kind: 'same',
      text: a[endA + k] as string,
      oldLine: endA + k + 1,
      newLine: endB + k + 1,
    });
  }
  return out;
}

/** How many lines a diff adds and removes. */
export function diffStats(diff: readonly DiffLine[]): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const line of diff) {
    if (line.kind === 'added') added++;
    else if (line.kind === 'removed') removed++;
  }
  return { added, removed };
}

/**
 * What a reader wants of a long diff: the changed lines with `context` unchanged lines around
 * them; runs of unchanged lines between are folded into a count.
 */
export type DiffRow = DiffLine | { readonly kind: 'folded'; readonly count: number };

export function foldUnchanged(diff: readonly DiffLine[], context = 3): DiffRow[] {
  const keep = diff.map((line) => line.kind !== 'same');
  const near = keep.map((_, index) => {
    for (
      let k = Math.max(0, index - context);
      k <= Math.min(diff.length - 1, index + context);
      k++
    ) {
      if (keep[k]) return true;
    }
    return false;
  });
  const rows: DiffRow[] = [];
  let folded = 0;
  diff.forEach((line, index) => {
    if (near[index]) {
      if (folded > 0) rows.push({ kind: 'folded', count: folded });
      folded = 0;
      rows.push(line);
    } else {
      folded++;
    }
  });
  if (folded > 0) rows.push({ kind: 'folded', count: folded });
  return rows;
}
