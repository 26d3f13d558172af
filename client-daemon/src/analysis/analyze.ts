import path from 'node:path';
import { directoryMap, type FileFacts } from './directories.js';
import {
  byPath,
  isGeneratedFile,
  isTestFile,
  listFiles,
  mapLimit,
  readText,
  type GitRunner,
} from './files.js';
import { detectFrameworks, sortFrameworks } from './frameworks.js';
import {
  countLines,
  LanguageTally,
  languageOf,
  languageOfShebang,
  mayHaveShebang,
  primaryLanguage,
} from './languages.js';
import { manifestKind, parseManifest, unreadManifest } from './manifests.js';
import { buildStack, buildSummary } from './summary.js';
import { extractSymbols } from './symbols.js';
import {
  ANALYZER,
  type AnalysisLimits,
  type ExportedSymbol,
  type Framework,
  type LanguageKind,
  type Manifest,
  type RepoAnalysis,
  type SymbolKind,
} from './types.js';

export const DEFAULT_LIMITS: AnalysisLimits = {
  maxFiles: 100_000,
  maxFileBytes: 512 * 1024,
  maxSymbols: 2_000,
  maxDirectories: 60,
};

export interface AnalyzeOptions extends Partial<AnalysisLimits> {
  readonly git: GitRunner;
}

/** Generated lock files: a language's syntax, but nobody's code. */
const LOCK_FILES = new Set([
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'bun.lock',
  'Cargo.lock',
  'poetry.lock',
  'uv.lock',
  'Pipfile.lock',
  'go.sum',
  'composer.lock',
  'Gemfile.lock',
]);

/** Files read at once. */
const CONCURRENCY = 32;

interface FileResult extends FileFacts {
  readonly kind: LanguageKind | null;
  readonly large: boolean;
  readonly symbols: readonly ExportedSymbol[];
  readonly manifest: ReturnType<typeof parseManifest> | null;
}

/**
 * Analyzes the repository (or directory) at `root` without any AI: languages, manifests and the
 * frameworks they declare, a directory map, exported symbols and a summary made of those facts.
 * Reads files; the only process it starts is `git ls-files`.
 */
export async function analyzeRepository(
  root: string,
  options: AnalyzeOptions,
): Promise<RepoAnalysis> {
  const limits: AnalysisLimits = {
    maxFiles: options.maxFiles ?? DEFAULT_LIMITS.maxFiles,
    maxFileBytes: options.maxFileBytes ?? DEFAULT_LIMITS.maxFileBytes,
    maxSymbols: options.maxSymbols ?? DEFAULT_LIMITS.maxSymbols,
    maxDirectories: options.maxDirectories ?? DEFAULT_LIMITS.maxDirectories,
  };
  const listing = await listFiles(root, options.git, limits.maxFiles);
  const results = await mapLimit(listing.files, CONCURRENCY, (file) =>
    analyzeFile(root, file, limits.maxFileBytes),
  );

  const tally = new LanguageTally();
  const manifests: Manifest[] = [];
  const frameworks: Framework[] = [];
  const symbols: ExportedSymbol[] = [];
  let largeFilesSkipped = 0;
  let sourceFiles = 0;
  let lines = 0;
  let testFiles = 0;
  for (const result of results) {
    if (result.large) largeFilesSkipped++;
    if (isTestFile(result.path)) testFiles++;
    if (result.language) {
      sourceFiles++;
      lines += result.lines;
    }
    symbols.push(...result.symbols);
    if (result.manifest) {
      manifests.push(result.manifest.manifest);
      frameworks.push(...detectFrameworks(result.manifest.manifest, result.manifest.dependencies));
    }
  }
  for (const result of results) {
    if (result.language && result.kind)
      tally.add({ name: result.language, kind: result.kind }, result.lines);
  }
  // the root's manifests first, then by depth and path
  manifests.sort((a, b) => depthOf(a.directory) - depthOf(b.directory) || byPath(a.path, b.path));
  const languages = tally.sorted();
  const primary = primaryLanguage(languages);
  const sortedFrameworks = sortFrameworks(frameworks);
  const directories = directoryMap({
    files: results,
    manifests,
    frameworks: sortedFrameworks,
    maxEntries: limits.maxDirectories,
  });

  // Hand-written source first, then tests, then generated or vendored files.
  const rank = (file: string) => (isGeneratedFile(file) ? 2 : isTestFile(file) ? 1 : 0);
  symbols.sort((a, b) => rank(a.file) - rank(b.file) || byPath(a.file, b.file) || a.line - b.line);
  const symbolsByKind: Partial<Record<SymbolKind, number>> = {};
  for (const symbol of symbols) symbolsByKind[symbol.kind] = (symbolsByKind[symbol.kind] ?? 0) + 1;

  const facts = {
    languages,
    primaryLanguage: primary,
    manifests,
    frameworks: sortedFrameworks,
    directories: directories.entries,
    files: results.length,
    lines,
    testFiles,
  };
  return {
    root,
    analyzer: ANALYZER,
    fileSource: listing.source,
    languages,
    primaryLanguage: primary,
    frameworks: sortedFrameworks,
    stack: buildStack(facts),
    manifests,
    directories: directories.entries,
    symbols: symbols.slice(0, limits.maxSymbols),
    symbolsTruncated: symbols.length > limits.maxSymbols,
    filesTruncated: listing.truncated,
    summary: buildSummary(facts),
    counts: {
      files: results.length,
      sourceFiles,
      lines,
      testFiles,
      manifests: manifests.length,
      symbols: symbols.length,
      symbolsByKind,
      largeFilesSkipped,
      directoriesOmitted: directories.omitted,
    },
    limits,
  };
}

const depthOf = (directory: string) => (directory === '.' ? 0 : directory.split('/').length);

async function analyzeFile(root: string, file: string, maxBytes: number): Promise<FileResult> {
  const kind = manifestKind(file);
  let language = LOCK_FILES.has(path.posix.basename(file)) ? null : languageOf(file);
  const shebang = !language && !kind && mayHaveShebang(file);
  const result = (fields: Partial<FileResult>): FileResult => ({
    path: file,
    language: language?.name ?? null,
    kind: language?.kind ?? null,
    lines: 0,
    large: false,
    symbols: [],
    manifest: null,
    ...fields,
  });
  if (!language && !kind && !shebang) return result({});
  const read = await readText(path.join(root, file), maxBytes);
  if (read.status === 'large') {
    // counted as a file of its language, without lines or symbols
    const manifest = kind
      ? unreadManifest(file, kind, `over ${Math.round(maxBytes / 1024)} KB, not read`)
      : null;
    return result({ large: true, manifest });
  }
  if (read.status === 'unreadable') return result({ language: null, kind: null });
  if (shebang) language = languageOfShebang(read.text);
  return result({
    language: language?.name ?? null,
    kind: language?.kind ?? null,
    lines: language ? countLines(read.text) : 0,
    symbols: language ? extractSymbols(language.name, file, read.text) : [],
    manifest: kind ? parseManifest(file, read.text) : null,
  });
}
