/** The result of `maestro analyze`: what a static read of a repository found. */

/** Which analyzer produced a result; bumped when the output's meaning changes. */
export const ANALYZER = { name: 'static', version: '2' } as const;

/** How a language counts: only `programming` languages can be the primary one (as in linguist). */
export type LanguageKind = 'programming' | 'markup' | 'data';

export interface LanguageStat {
  readonly name: string;
  readonly kind: LanguageKind;
  readonly files: number;
  /** Lines (blank ones included) in the files that were read; large files count as files only. */
  readonly lines: number;
}

export type ManifestKind =
  'npm' | 'pyproject' | 'requirements' | 'go' | 'cargo' | 'maven' | 'gradle';

/** One manifest file, found anywhere in the repository. */
export interface Manifest {
  /** The file, relative to the root (`server/package.json`). */
  readonly path: string;
  /** Its directory, relative to the root; `.` for the root. */
  readonly directory: string;
  readonly kind: ManifestKind;
  /** Package name, Go module path, Maven `groupId:artifactId`. */
  readonly name?: string;
  readonly version?: string;
  /** Declared dependencies of every scope (runtime, dev, build, optional). */
  readonly dependencies: number;
  /** npm `workspaces`, Cargo `[workspace] members`, Maven `<modules>`: the patterns declared. */
  readonly workspaces?: readonly string[];
  /** npm script names. */
  readonly scripts?: readonly string[];
  /** The runtime asked for: npm `engines`, Go `go`, Rust edition, `requires-python`, Java release. */
  readonly runtime?: Readonly<Record<string, string>>;
  /** Why the file could not be read or parsed; the other fields are then partial. */
  readonly error?: string;
}

export type FrameworkCategory =
  | 'web'
  | 'server'
  | 'ui'
  | 'api'
  | 'data'
  | 'database'
  | 'cli'
  | 'desktop'
  | 'mobile'
  | 'ai'
  | 'runtime'
  | 'test'
  | 'build'
  | 'other';

/** A framework or notable library, as declared by one manifest. */
export interface Framework {
  readonly name: string;
  readonly category: FrameworkCategory;
  /** The dependency that revealed it (`@sveltejs/kit`, `github.com/gin-gonic/gin`). */
  readonly package: string;
  /** The version or range as written in the manifest. */
  readonly version?: string;
  /** The manifest's path, relative to the root. */
  readonly manifest: string;
  /** Declared only for development or tests (devDependencies, dev groups, test scope). */
  readonly dev: boolean;
}

export interface DirectoryEntry {
  /** Relative to the root, with a trailing slash (`server/`, `server/src/`). */
  readonly path: string;
  /** 1 for a top-level directory, 2 for one below it. */
  readonly depth: 1 | 2;
  readonly files: number;
  /** The language with the most lines in it, if any file is in a known language. */
  readonly language: string | null;
  /** A one-line guess at what it holds, from its name and contents. */
  readonly role: string;
}

export type SymbolKind =
  | 'function'
  | 'method'
  | 'class'
  | 'interface'
  | 'type'
  | 'enum'
  | 'const'
  | 'variable'
  | 'namespace'
  | 'default'
  | 'reexport'
  | 'struct'
  | 'trait'
  | 'module'
  | 'record'
  | 'object'
  | 'annotation';

/** A name a file makes visible to other code. */
export interface ExportedSymbol {
  readonly name: string;
  readonly kind: SymbolKind;
  readonly language: string;
  /** Relative to the root. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** The first paragraph of its doc comment, on one line (at most 300 characters), if any. */
  readonly doc?: string;
}

export interface AnalysisCounts {
  /** Files analyzed (after the file limit). */
  readonly files: number;
  /** Files in a known language. */
  readonly sourceFiles: number;
  /** Lines in known languages. */
  readonly lines: number;
  /** Files that look like tests by name or directory. */
  readonly testFiles: number;
  readonly manifests: number;
  /** Exported symbols found, before the symbol limit. */
  readonly symbols: number;
  readonly symbolsByKind: Readonly<Partial<Record<SymbolKind, number>>>;
  /** Files over the size limit, counted by file only (no lines, no symbols). */
  readonly largeFilesSkipped: number;
  /** Directories left out of the directory map by its limit. */
  readonly directoriesOmitted: number;
}

export interface AnalysisLimits {
  readonly maxFiles: number;
  readonly maxFileBytes: number;
  readonly maxSymbols: number;
  readonly maxDirectories: number;
}

export interface RepoAnalysis {
  /** The absolute directory analyzed. */
  readonly root: string;
  readonly analyzer: typeof ANALYZER;
  /** Where the file list came from: `git ls-files` (tracked files) or a directory walk. */
  readonly fileSource: 'git' | 'walk';
  /** Sorted by lines, then files. */
  readonly languages: readonly LanguageStat[];
  /** The programming language with the most lines; null when there is none. */
  readonly primaryLanguage: string | null;
  readonly frameworks: readonly Framework[];
  /** Plain names: main languages, runtimes, frameworks. */
  readonly stack: readonly string[];
  readonly manifests: readonly Manifest[];
  readonly directories: readonly DirectoryEntry[];
  readonly symbols: readonly ExportedSymbol[];
  /** More symbols were found than `limits.maxSymbols` (see `counts.symbols`). */
  readonly symbolsTruncated: boolean;
  /** More files were listed than `limits.maxFiles`; the rest were not analyzed. */
  readonly filesTruncated: boolean;
  /** A few sentences derived from the findings above, nothing more. */
  readonly summary: string;
  readonly counts: AnalysisCounts;
  readonly limits: AnalysisLimits;
}
