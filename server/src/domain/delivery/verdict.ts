/** What a reviewer decided (DESIGN §5, "Review loop"). */
export type Verdict =
  { readonly approved: true } | { readonly approved: false; readonly reason: string };

/**
 * `VERDICT: APPROVED`, or `VERDICT: REJECTED` then an em dash, en dash, hyphen or colon and the
 * reason. Case-insensitive, on a line of its own (leading and trailing spaces, and the Markdown
 * a model may wrap it in — bold, a heading, a list or quote marker — are allowed).
 */
const VERDICT_LINE =
  /^[\s>*_#`-]*verdict\s*:[\s*_`]*(?:(approved)\b[\s*_`.!]*(?:[—–:-].*)?|(rejected)\b[\s*_`]*[—–:-]\s*(.*?)[\s*_`]*)$/i;

/**
 * The reviewer's verdict: the last line of `output` that is one. A rejection without a reason
 * is not a verdict (the reason becomes the developer's instructions). Undefined when there is
 * none, and the review run has failed.
 */
export function parseVerdict(output: string): Verdict | undefined {
  let verdict: Verdict | undefined;
  for (const line of output.split(/\r?\n/)) {
    const match = VERDICT_LINE.exec(line);
    if (!match) continue;
    if (match[1]) {
      verdict = { approved: true };
      continue;
    }
    const reason = (match[3] ?? '').trim();
    if (reason !== '') verdict = { approved: false, reason };
  }
  return verdict;
}
