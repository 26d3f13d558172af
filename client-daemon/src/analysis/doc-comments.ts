/**
 * The documentation comment of a declaration, as its author wrote it: the first paragraph,
 * on one line. Read by patterns like the symbols themselves, so it is deterministic (the same
 * file gives the same text) and approximate.
 */

/** A doc comment is cut to this many characters, at a word, with an ellipsis. */
export const MAX_DOC_CHARS = 300;
/** How far a comment block may reach above its declaration, or a docstring below it. */
const MAX_COMMENT_LINES = 80;

/** Which comments document a declaration in each language, and where they are. */
type Style = 'block' | 'triple-slash' | 'go' | 'docstring';
const STYLES: Record<string, readonly Style[]> = {
  TypeScript: ['block'],
  JavaScript: ['block'],
  Java: ['block'],
  Kotlin: ['block'],
  'C#': ['triple-slash', 'block'],
  Rust: ['triple-slash', 'block'],
  Go: ['go'],
  Python: ['docstring'],
};

/**
 * Lines between a doc comment and its declaration that belong to neither: decorators and
 * annotations (`@Injectable()`, `@Override`), Rust and C# attributes (`#[derive(Debug)]`,
 * `[Serializable]`).
 */
const BETWEEN = /^(?:@[\w.]+(?:\(.*\))?|#\[.*\]|\[[\w.]+(?:\(.*\))?\])$/;

/**
 * The doc comment of the declaration on `line` (1-based) of `lines`, in `language`: JSDoc,
 * Javadoc and KDoc blocks (`/** … *\/`), Rust's and C#'s `///` lines, Go's `//` lines right
 * above, Python's docstring right below. Undefined when there is none.
 */
export function docCommentAt(
  language: string,
  lines: readonly string[],
  line: number,
): string | undefined {
  const styles = STYLES[language] ?? [];
  const index = line - 1;
  for (const style of styles) {
    const raw =
      style === 'docstring' ? docstringBelow(lines, index) : commentAbove(lines, index, style);
    const text = raw === undefined ? undefined : firstParagraph(raw, language);
    if (text) return text;
  }
  return undefined;
}

/** The comment directly above the declaration (decorators aside), its markers removed. */
function commentAbove(lines: readonly string[], index: number, style: Style): string[] | undefined {
  let at = index - 1;
  while (at >= 0 && BETWEEN.test((lines[at] ?? '').trim())) at--;
  const last = (lines[at] ?? '').trim();
  if (style === 'block') {
    if (!last.endsWith('*/')) return undefined;
    const body: string[] = [];
    for (let from = at; from >= 0 && at - from < MAX_COMMENT_LINES; from--) {
      const text = (lines[from] ?? '').trim();
      body.unshift(text);
      const opened = text.indexOf('/*');
      if (opened >= 0) {
        // `/**` documents; `/*` (a license header, code commented out) does not
        if (!text.startsWith('/**') || text.startsWith('/**/')) return undefined;
        return body.map((one, i) => {
          let stripped = i === 0 ? one.slice(3) : one;
          if (i === body.length - 1) stripped = stripped.replace(/\*\/\s*$/, '');
          return stripped.replace(/^\s*\*(?!\/)\s?/, '').trim();
        });
      }
    }
    return undefined;
  }
  const marker = style === 'go' ? /^\/\/(?!\/)/ : /^\/\/\/(?!\/)/;
  const body: string[] = [];
  for (let from = at; from >= 0 && at - from < MAX_COMMENT_LINES; from--) {
    const text = (lines[from] ?? '').trim();
    if (!marker.test(text)) break;
    const content = text.replace(style === 'go' ? /^\/\/\s?/ : /^\/\/\/\s?/, '');
    // Go's directives (//go:generate, //nolint) are not prose
    if (style === 'go' && /^(?:go:|nolint|lint:|export |line |\+build)/.test(content)) break;
    body.unshift(content);
  }
  return body.length > 0 ? body : undefined;
}

/** A Python docstring: the first statement under the `def` or `class` line, if a string. */
function docstringBelow(lines: readonly string[], index: number): string[] | undefined {
  if (!/^\s*(?:async\s+)?(?:def|class)\s/.test(lines[index] ?? '')) return undefined;
  // the signature may run over several lines (open brackets); the body starts after the line
  // that closes them and ends in `:` — a one-line body (`def f(): return 1`) has no docstring
  let depth = 0;
  let end = -1;
  for (let at = index; at < lines.length && at - index < MAX_COMMENT_LINES; at++) {
    const text = (lines[at] ?? '').replace(/#.*$/, '').trimEnd();
    for (const char of text) {
      if ('([{'.includes(char)) depth++;
      else if (')]}'.includes(char)) depth--;
    }
    if (depth > 0) continue;
    if (!text.endsWith(':')) return undefined;
    end = at;
    break;
  }
  if (end < 0) return undefined;
  let at = end + 1;
  while (at < lines.length && (lines[at] ?? '').trim() === '') at++;
  const first = (lines[at] ?? '').trim();
  const opened = /^[rRuU]?("""|''')/.exec(first);
  if (!opened) return undefined;
  const quote = opened[1] as string;
  const start = first.slice(opened[0].length);
  if (start.includes(quote)) return [start.slice(0, start.indexOf(quote))];
  const body = [start];
  for (let next = at + 1; next < lines.length && next - at < MAX_COMMENT_LINES; next++) {
    const text = (lines[next] ?? '').trim();
    const closed = text.indexOf(quote);
    if (closed >= 0) {
      body.push(text.slice(0, closed));
      return body;
    }
    body.push(text);
  }
  return undefined; // never closed: not a docstring this reader understands
}

/**
 * The markup of Javadoc's HTML and C#'s XML documentation, removed (its text kept); other
 * angle brackets (`worktrees/<project>/<task>`, `Map<K, V>`) are the author's words.
 */
const HTML_TAG = /<\/?(?:a|b|br|c|code|em|i|li|ol|p|para|pre|strong|summary|tt|ul|value)\b[^>]*>/gi;

/**
 * The comment's first paragraph, on one line: up to a blank line, a block tag (`@param`), a
 * Markdown heading or code fence, or C#'s `<param>`/`<returns>`. Inline markup is reduced to its
 * text (`{@link Foo}`, `<see cref="Foo"/>`, backticks).
 */
function firstParagraph(raw: readonly string[], language: string): string | undefined {
  const kept: string[] = [];
  for (const line of raw) {
    const text = line.trim();
    if (text === '') {
      if (kept.length > 0) break;
      continue;
    }
    if (/^@\w/.test(text) || /^#{1,6}\s/.test(text) || text.startsWith('```')) break;
    if (language === 'C#' && /^<(?:param|typeparam|returns|exception|example|remarks)\b/.test(text))
      break;
    kept.push(text);
  }
  let text = kept
    .join(' ')
    .replace(/\{@(?:link|linkplain|code)\s+([^}]*)\}/g, '$1')
    .replace(/<see\s+(?:cref|langword)="([^"]*)"\s*\/>/g, '$1')
    .replace(HTML_TAG, '')
    .replace(/`+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (!/[\p{L}\p{N}]/u.test(text)) return undefined;
  if (text.length > MAX_DOC_CHARS) {
    const cut = text.slice(0, MAX_DOC_CHARS - 1);
    const space = cut.lastIndexOf(' ');
    text = `${space > MAX_DOC_CHARS / 2 ? cut.slice(0, space) : cut}…`;
  }
  return text;
}
