import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type {
  ContextFileInput,
  KnowledgeArtifactInput,
  KnowledgeArtifactType,
  PostRepoAnalysisInput,
  RepoContextInput,
} from '../generated/graphql.js';
import { isGeneratedFile, isTestFile } from './files.js';
import { ECOSYSTEMS } from './summary.js';
import type { ExportedSymbol, Framework, Manifest, RepoAnalysis } from './types.js';

/** What postRepoAnalysis carries besides the lease. */
export type AnalysisPost = Omit<PostRepoAnalysisInput, 'runId' | 'leaseVersion'>;

/** Commands a repository declares: npm scripts per package.json, Makefile targets. */
export interface WorkflowFacts {
  readonly scripts: ReadonlyArray<{
    readonly manifest: string;
    readonly directory: string;
    readonly name: string;
    readonly command: string;
  }>;
  readonly makeTargets: ReadonlyArray<{ readonly file: string; readonly target: string }>;
}

/** postRepoAnalysis takes at most this many artifacts; the analyzer's order decides which. */
export const MAX_POSTED_ARTIFACTS = 1000;

/** The analyzer's label, said wherever its text is shown. */
export const analyzerLabel = (analysis: RepoAnalysis): string =>
  `${analysis.analyzer.name} analyzer v${analysis.analyzer.version}`;

const MAKEFILES = ['Makefile', 'makefile', 'GNUmakefile'];
const MAKE_TARGET = /^([A-Za-z0-9_][A-Za-z0-9_./-]*)[ \t]*:(?![=:])/gm;

/**
 * The commands the repository declares, read from its files: the `scripts` of every
 * package.json the analyzer found and the targets of Makefiles at the root and beside manifests.
 */
export async function readWorkflow(root: string, analysis: RepoAnalysis): Promise<WorkflowFacts> {
  const scripts: Array<WorkflowFacts['scripts'][number]> = [];
  for (const manifest of analysis.manifests.filter((one) => one.kind === 'npm')) {
    const text = await readFile(path.join(root, manifest.path), 'utf8').catch(() => '');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      continue;
    }
    const declared = (parsed as { scripts?: unknown })?.scripts;
    if (!declared || typeof declared !== 'object') continue;
    for (const [name, command] of Object.entries(declared as Record<string, unknown>)) {
      if (typeof command !== 'string') continue;
      scripts.push({ manifest: manifest.path, directory: manifest.directory, name, command });
    }
  }
  const makeTargets: Array<WorkflowFacts['makeTargets'][number]> = [];
  const directories = [...new Set(['.', ...analysis.manifests.map((one) => one.directory)])];
  for (const directory of directories.sort()) {
    for (const name of MAKEFILES) {
      const file = directory === '.' ? name : `${directory}/${name}`;
      const text = await readFile(path.join(root, file), 'utf8').catch(() => undefined);
      if (text === undefined) continue;
      const seen = new Set<string>();
      for (const match of text.matchAll(MAKE_TARGET)) {
        const target = match[1] as string;
        if (target.startsWith('.') || target.includes('%') || seen.has(target)) continue;
        seen.add(target);
        makeTargets.push({ file, target });
      }
      break;
    }
  }
  return { scripts, makeTargets };
}

/**
 * The main framework: the first one used at run time that shapes the code (web, server, ui,
 * api, mobile, desktop), preferring the manifests of the primary language's ecosystem.
 */
function mainFramework(frameworks: readonly Framework[], analysis?: RepoAnalysis): string | null {
  const shaping = ['web', 'server', 'ui', 'api', 'mobile', 'desktop'];
  const runtime = frameworks.filter((one) => !one.dev);
  const kinds = ECOSYSTEMS[analysis?.primaryLanguage ?? ''] ?? [];
  const primary = new Set(
    (analysis?.manifests ?? []).filter((one) => kinds.includes(one.kind)).map((one) => one.path),
  );
  const pick = (list: readonly Framework[]) =>
    list.find((one) => shaping.includes(one.category))?.name ?? list[0]?.name ?? null;
  return pick(runtime.filter((one) => primary.has(one.manifest))) ?? pick(runtime);
}

/** What postRepoAnalysis is sent for an analysis: facts only, labelled with the analyzer. */
export function analysisPost(analysis: RepoAnalysis, workflow: WorkflowFacts): AnalysisPost {
  const label = analyzerLabel(analysis);
  const repoContext: RepoContextInput = {
    framework: mainFramework(analysis.frameworks, analysis),
    techStack: analysis.stack.slice(0, 50).map((entry) => entry.slice(0, 100)),
    architectureSummary: `${analysis.summary}\n\n(Written by the ${label} from the repository's files; no AI model was involved.)`,
    directoryMap: analysis.directories.map((entry) => ({
      path: entry.path,
      role: `${entry.role}${entry.language ? ` (${entry.language})` : ''}`.slice(0, 500),
    })),
  };
  const contextFiles: ContextFileInput[] = [
    { kind: 'CODEBASE', name: 'codebase', content: codebaseDocument(analysis) },
    { kind: 'WORKFLOW', name: 'workflow', content: workflowDocument(analysis, workflow) },
    { kind: 'NOTES', name: 'notes', content: notesDocument(analysis) },
  ];
  return { repoContext, contextFiles, artifacts: artifactsOf(analysis) };
}

const bullet = (text: string) => `- ${text}`;
const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;

/**
 * The codebase document: languages, manifests, frameworks and the directory map — only what
 * changes when the code's shape changes (no line counts, no commit), so an unchanged repository
 * gives the same text and so no new version.
 */
export function codebaseDocument(analysis: RepoAnalysis): string {
  const lines = [
    '# Codebase',
    '',
    `Facts read from the repository's files by the ${analyzerLabel(analysis)}.`,
    '',
    '## Languages',
    '',
    ...(analysis.languages.length
      ? analysis.languages.map((one) =>
          bullet(
            `${one.name}${one.name === analysis.primaryLanguage ? ' (primary)' : ''}: ${one.files} file${one.files === 1 ? '' : 's'}`,
          ),
        )
      : ['None recognised.']),
    '',
    '## Stack',
    '',
    analysis.stack.length ? analysis.stack.join(', ') : 'Nothing recognised.',
    '',
    '## Manifests',
    '',
    ...(analysis.manifests.length
      ? analysis.manifests.map((one) => bullet(manifestLine(one)))
      : ['None found.']),
    '',
    '## Frameworks and notable libraries',
    '',
    ...(analysis.frameworks.length
      ? analysis.frameworks.map((one) =>
          bullet(
            `${one.name} (${one.category}${one.dev ? ', development' : ''}) from ${code(one.package)} in ${code(one.manifest)}`,
          ),
        )
      : ['None recognised.']),
    '',
    '## Directories',
    '',
    ...(analysis.directories.length
      ? analysis.directories.map((one) =>
          bullet(`${code(one.path)} ${one.role}${one.language ? ` (${one.language})` : ''}`),
        )
      : ['No directories.']),
    '',
  ];
  return lines.join('\n');
}

function manifestLine(manifest: Manifest): string {
  const what = [manifest.name, manifest.version].filter(Boolean).join(' ');
  const runtime = Object.entries(manifest.runtime ?? {})
    .map(([key, value]) => `${key} ${value}`)
    .join(', ');
  return `${code(manifest.path)} (${manifest.kind})${what ? `: ${what}` : ''}${runtime ? `; runtime ${runtime}` : ''}${manifest.error ? `; not read: ${manifest.error}` : ''}`;
}

/** The workflow document: the commands the repository declares, as written there. */
export function workflowDocument(analysis: RepoAnalysis, workflow: WorkflowFacts): string {
  const lines = [
    '# Workflow',
    '',
    `Commands the repository declares, as written in its manifests and Makefiles (found by the ${analyzerLabel(analysis)}).`,
    '',
  ];
  if (workflow.scripts.length === 0 && workflow.makeTargets.length === 0) {
    lines.push('No npm scripts or Makefile targets were found.', '');
    return lines.join('\n');
  }
  const manifests = [...new Set(workflow.scripts.map((one) => one.manifest))];
  for (const manifest of manifests) {
    const scripts = workflow.scripts.filter((one) => one.manifest === manifest);
    const where = scripts[0]?.directory ?? '.';
    lines.push(`## npm scripts in ${code(manifest)}`, '');
    for (const script of scripts) {
      const run =
        where === '.' ? `npm run ${script.name}` : `npm run ${script.name} --prefix ${where}`;
      lines.push(bullet(`${code(run)}: ${code(script.command)}`));
    }
    lines.push('');
  }
  const files = [...new Set(workflow.makeTargets.map((one) => one.file))];
  for (const file of files) {
    lines.push(`## Make targets in ${code(file)}`, '');
    const directory = path.posix.dirname(file);
    for (const one of workflow.makeTargets.filter((entry) => entry.file === file)) {
      lines.push(
        bullet(
          code(directory === '.' ? `make ${one.target}` : `make -C ${directory} ${one.target}`),
        ),
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}

/** The notes document: how the facts were found, and where they stop. */
export function notesDocument(analysis: RepoAnalysis): string {
  const { counts, limits } = analysis;
  const lines = [
    '# Notes',
    '',
    `Written by the ${analyzerLabel(analysis)}: a static read of the repository, with no AI model.`,
    `Files come from ${analysis.fileSource === 'git' ? '`git ls-files` (tracked files)' : 'a directory walk'}.`,
    'Directory roles and exported symbols are found by patterns, not by parsing: approximate by design.',
    "An artifact's summary starts with the first paragraph of its symbol's doc comment (JSDoc, Javadoc, KDoc, `///`, Go's `//` above, Python's docstring), when it has one.",
    '',
  ];
  const limitsHit: string[] = [];
  if (analysis.filesTruncated)
    limitsHit.push(`only the first ${limits.maxFiles} files were analyzed`);
  if (analysis.symbolsTruncated)
    limitsHit.push(`only the first ${limits.maxSymbols} exported symbols were kept`);
  if (counts.directoriesOmitted > 0)
    limitsHit.push(
      `${counts.directoriesOmitted} director${counts.directoriesOmitted === 1 ? 'y is' : 'ies are'} not in the directory map (it lists top-level directories, and the insides of containers, packages and large directories, at most ${limits.maxDirectories})`,
    );
  if (counts.largeFilesSkipped > 0)
    limitsHit.push(
      `files over ${Math.round(limits.maxFileBytes / 1024)} KB were counted, not read`,
    );
  const unread = analysis.manifests.filter((one) => one.error);
  lines.push('## Limits', '');
  lines.push(...(limitsHit.length ? limitsHit.map(bullet) : ['None was reached.']), '');
  if (unread.length) {
    lines.push('## Manifests not read', '');
    lines.push(...unread.map((one) => bullet(`${code(one.path)}: ${one.error}`)), '');
  }
  return lines.join('\n');
}

/** The framework of the nearest manifest of the file's language's ecosystem that holds it. */
export function frameworkOf(
  symbol: { readonly language: string; readonly file: string },
  analysis: RepoAnalysis,
): string | null {
  const kinds = ECOSYSTEMS[symbol.language] ?? [];
  const holding = analysis.manifests
    .filter(
      (one) =>
        kinds.includes(one.kind) &&
        (one.directory === '.' || symbol.file.startsWith(`${one.directory}/`)),
    )
    .sort((a, b) => b.directory.length - a.directory.length)[0];
  if (!holding) return null;
  return mainFramework(analysis.frameworks.filter((one) => one.manifest === holding.path));
}

const COMPONENT_FILE = /\.(tsx|jsx|vue|svelte)$/;
const PASCAL = /^[A-Z][A-Za-z0-9]*$/;
const SERVICE_NAME =
  /(Service|Repository|Client|Store|Provider|Manager|Controller|Gateway|Handler)$/;
const HELPER_PATH = /(^|\/)(utils?|helpers?|common|shared|lib)(\/|\.[a-z]+$)/i;

/** The artifact type a symbol suggests, or null for symbols that are not reusable code on their own. */
export function artifactTypeOf(
  symbol: ExportedSymbol,
  framework: string | null,
): KnowledgeArtifactType | null {
  const component = COMPONENT_FILE.test(symbol.file) && PASCAL.test(symbol.name);
  switch (symbol.kind) {
    case 'interface':
    case 'type':
    case 'trait':
      return 'INTERFACE';
    case 'module':
    case 'namespace':
      return 'MODULE';
    case 'function':
      if (component) return 'COMPONENT';
      return HELPER_PATH.test(symbol.file) ? 'HELPER' : 'FUNCTION';
    case 'const':
    case 'variable':
      return component ? 'COMPONENT' : null;
    case 'class':
    case 'struct':
    case 'record':
    case 'object':
      if (SERVICE_NAME.test(symbol.name)) return 'SERVICE';
      if (/Widget$/.test(symbol.name) || framework === 'Flutter') return 'WIDGET';
      if (component) return 'COMPONENT';
      return 'MODULE';
    default:
      return null;
  }
}

/**
 * An artifact's summary: its doc comment's first paragraph when it has one — what the author
 * says it does, the words a search for it will use — then the facts of where it was found.
 */
export function artifactSummary(
  symbol: ExportedSymbol,
  framework: string | null,
  label: string,
): string {
  const facts = `${symbol.language} ${symbol.kind} ${symbol.name}, exported from ${symbol.file}${framework ? ` (${framework})` : ''}; found by the ${label}.`;
  return symbol.doc ? `${symbol.doc} — ${facts}` : facts;
}

/** Artifacts from the exported symbols of hand-written code (not tests, not generated files). */
export function artifactsOf(analysis: RepoAnalysis): KnowledgeArtifactInput[] {
  const seen = new Set<string>();
  const artifacts: KnowledgeArtifactInput[] = [];
  for (const symbol of analysis.symbols) {
    if (isTestFile(symbol.file) || isGeneratedFile(symbol.file)) continue;
    const framework = frameworkOf(symbol, analysis);
    const type = artifactTypeOf(symbol, framework);
    if (!type || symbol.name.length > 200) continue;
    const identity = `${type}\0${symbol.name}\0${symbol.file}`;
    if (seen.has(identity)) continue;
    seen.add(identity);
    artifacts.push({
      type,
      name: symbol.name,
      language: symbol.language,
      framework,
      summary: artifactSummary(symbol, framework, analyzerLabel(analysis)),
      files: [{ path: symbol.file, startLine: symbol.line }],
      structure: { kind: symbol.kind, exported: true },
    });
    if (artifacts.length === MAX_POSTED_ARTIFACTS) break;
  }
  return artifacts;
}
