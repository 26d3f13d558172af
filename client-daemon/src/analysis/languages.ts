import path from 'node:path';
import type { LanguageKind, LanguageStat } from './types.js';

export interface Language {
  readonly name: string;
  readonly kind: LanguageKind;
}

const table: Array<[string, LanguageKind, string[]]> = [
  ['TypeScript', 'programming', ['.ts', '.tsx', '.mts', '.cts']],
  ['JavaScript', 'programming', ['.js', '.jsx', '.mjs', '.cjs']],
  ['Python', 'programming', ['.py', '.pyi']],
  ['Go', 'programming', ['.go']],
  ['Rust', 'programming', ['.rs']],
  ['Java', 'programming', ['.java']],
  ['Kotlin', 'programming', ['.kt', '.kts']],
  ['Scala', 'programming', ['.scala']],
  ['Groovy', 'programming', ['.groovy', '.gradle']],
  ['C#', 'programming', ['.cs']],
  ['F#', 'programming', ['.fs', '.fsx']],
  ['Ruby', 'programming', ['.rb', '.rake']],
  ['PHP', 'programming', ['.php']],
  ['Swift', 'programming', ['.swift']],
  ['Objective-C', 'programming', ['.m', '.mm']],
  ['C', 'programming', ['.c', '.h']],
  ['C++', 'programming', ['.cc', '.cpp', '.cxx', '.hh', '.hpp', '.hxx']],
  ['Dart', 'programming', ['.dart']],
  ['Elixir', 'programming', ['.ex', '.exs']],
  ['Erlang', 'programming', ['.erl', '.hrl']],
  ['Haskell', 'programming', ['.hs']],
  ['Clojure', 'programming', ['.clj', '.cljs', '.cljc', '.edn']],
  ['Lua', 'programming', ['.lua']],
  ['Perl', 'programming', ['.pl', '.pm']],
  ['R', 'programming', ['.r', '.R']],
  ['Julia', 'programming', ['.jl']],
  ['Zig', 'programming', ['.zig']],
  ['Nim', 'programming', ['.nim']],
  ['OCaml', 'programming', ['.ml', '.mli']],
  ['Solidity', 'programming', ['.sol']],
  ['Shell', 'programming', ['.sh', '.bash', '.zsh', '.fish']],
  ['PowerShell', 'programming', ['.ps1', '.psm1']],
  ['Svelte', 'markup', ['.svelte']],
  ['Vue', 'markup', ['.vue']],
  ['Astro', 'markup', ['.astro']],
  ['HTML', 'markup', ['.html', '.htm']],
  ['CSS', 'markup', ['.css']],
  ['SCSS', 'markup', ['.scss', '.sass']],
  ['Less', 'markup', ['.less']],
  ['Markdown', 'markup', ['.md', '.mdx', '.markdown']],
  ['reStructuredText', 'markup', ['.rst']],
  ['SQL', 'data', ['.sql']],
  ['GraphQL', 'data', ['.graphql', '.gql']],
  ['Protocol Buffers', 'data', ['.proto']],
  ['JSON', 'data', ['.json', '.jsonc']],
  ['YAML', 'data', ['.yml', '.yaml']],
  ['TOML', 'data', ['.toml']],
  ['XML', 'data', ['.xml']],
];

const byExtension = new Map<string, Language>();
for (const [name, kind, extensions] of table) {
  for (const extension of extensions) byExtension.set(extension, { name, kind });
}

/** Files known by their whole name. */
const byFileName = new Map<string, Language>([
  ['Dockerfile', { name: 'Dockerfile', kind: 'programming' }],
  ['Containerfile', { name: 'Dockerfile', kind: 'programming' }],
  ['Makefile', { name: 'Makefile', kind: 'programming' }],
  ['GNUmakefile', { name: 'Makefile', kind: 'programming' }],
  ['Gemfile', { name: 'Ruby', kind: 'programming' }],
  ['Rakefile', { name: 'Ruby', kind: 'programming' }],
  ['Jenkinsfile', { name: 'Groovy', kind: 'programming' }],
]);

const byInterpreter: Array<[RegExp, Language]> = [
  [/\b(node|deno|bun)\b/, { name: 'JavaScript', kind: 'programming' }],
  [/\bpython[\d.]*\b/, { name: 'Python', kind: 'programming' }],
  [/\bruby\b/, { name: 'Ruby', kind: 'programming' }],
  [/\bperl\b/, { name: 'Perl', kind: 'programming' }],
  [/\b(ba|z|da|k)?sh\b/, { name: 'Shell', kind: 'programming' }],
];

/** The language of a file by its name, or null (an extensionless file may still have a shebang). */
export function languageOf(file: string): Language | null {
  const base = path.posix.basename(file);
  const named = byFileName.get(base);
  if (named) return named;
  if (base.startsWith('Dockerfile.')) return { name: 'Dockerfile', kind: 'programming' };
  const extension = path.posix.extname(base);
  if (!extension) return null;
  return byExtension.get(extension) ?? byExtension.get(extension.toLowerCase()) ?? null;
}

/** Whether a file has no extension, so that its first line (`#!…`) may name its language. */
export function mayHaveShebang(file: string): boolean {
  const base = path.posix.basename(file);
  return !base.startsWith('.') && !base.includes('.') && !byFileName.has(base);
}

/** The language a `#!` line names, if any. */
export function languageOfShebang(text: string): Language | null {
  if (!text.startsWith('#!')) return null;
  const line = text.slice(0, text.indexOf('\n') === -1 ? undefined : text.indexOf('\n'));
  for (const [pattern, language] of byInterpreter) if (pattern.test(line)) return language;
  return null;
}

/** Lines in a text: newlines, plus one for a last line without one. */
export function countLines(text: string): number {
  if (text.length === 0) return 0;
  let lines = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) lines++;
  return text.endsWith('\n') ? lines : lines + 1;
}

/** Adds up files and lines per language. */
export class LanguageTally {
  private readonly stats = new Map<string, { kind: LanguageKind; files: number; lines: number }>();

  add(language: Language, lines: number): void {
    const stat = this.stats.get(language.name) ?? { kind: language.kind, files: 0, lines: 0 };
    stat.files += 1;
    stat.lines += lines;
    this.stats.set(language.name, stat);
  }

  /** Most lines first, then most files, then by name. */
  sorted(): LanguageStat[] {
    return [...this.stats]
      .map(([name, stat]) => ({ name, ...stat }))
      .sort((a, b) => b.lines - a.lines || b.files - a.files || a.name.localeCompare(b.name));
  }
}

/** The programming language with the most lines (then files); null when there is none. */
export function primaryLanguage(languages: readonly LanguageStat[]): string | null {
  const programming = languages.filter((one) => one.kind === 'programming');
  const best = [...programming].sort(
    (a, b) => b.lines - a.lines || b.files - a.files || a.name.localeCompare(b.name),
  )[0];
  return best?.name ?? null;
}
