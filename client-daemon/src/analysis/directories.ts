import { byPath, isTestFile } from './files.js';
import type { DirectoryEntry, Framework, Manifest, ManifestKind } from './types.js';

/** What the directory map needs to know of each file. */
export interface FileFacts {
  readonly path: string;
  readonly language: string | null;
  readonly lines: number;
}

export interface DirectoryMapInput {
  readonly files: readonly FileFacts[];
  readonly manifests: readonly Manifest[];
  readonly frameworks: readonly Framework[];
  readonly maxEntries: number;
}

/** Directories whose children are the interesting level (each one a package or an app). */
const CONTAINERS = new Set([
  'packages',
  'apps',
  'libs',
  'crates',
  'services',
  'modules',
  'plugins',
  'projects',
  'components',
  'examples',
  '.github',
]);
/** At most this many children are listed under one directory. */
const CHILDREN = 12;

const ROLES: Array<[RegExp, string]> = [
  [/^(src|source|sources)$/, 'source code'],
  [/^(lib|libs)$/, 'library code'],
  [/^(app|apps)$/, 'applications'],
  [/^(packages|modules|crates)$/, 'packages'],
  [/^(services)$/, 'services'],
  [/^(plugins|extensions)$/, 'plugins'],
  [/^(tests?|__tests__|specs?|e2e|integration[-_]?tests?|testing)$/, 'tests'],
  [/^(fixtures|__fixtures__|testdata|test[-_]data)$/, 'test fixtures'],
  [/^(__mocks__|mocks)$/, 'test doubles'],
  [/^(docs?|documentation|website)$/, 'documentation'],
  [/^(decisions|adr|adrs)$/, 'architecture decision records'],
  [/^(scripts|tools|tooling|hack)$/, 'scripts and tooling'],
  [/^(bin|cmd)$/, 'entry points and executables'],
  [/^(bench|benches|benchmarks?|perf)$/, 'benchmarks'],
  [/^(migrations?|migrate|db[-_]migrations)$/, 'database migrations'],
  [/^(db|database|sql)$/, 'database code'],
  [/^(workflows)$/, 'CI workflows'],
  [/^(\.ci|\.circleci|\.buildkite|ci)$/, 'CI configuration'],
  [/^(\.github)$/, 'GitHub configuration'],
  [/^(\.vscode|\.idea|\.devcontainer)$/, 'editor and dev-container settings'],
  [/^(examples?|samples?|demos?)$/, 'examples'],
  [/^(config|configs|conf|settings)$/, 'configuration'],
  [/^(public|static|assets|resources|res)$/, 'static assets'],
  [/^(schema|schemas|proto|protos|idl)$/, 'schemas and interface definitions'],
  [/^graphql$/, 'GraphQL layer'],
  [/^(generated|__generated__|gen)$/, 'generated code'],
  [
    /^(deploy|deployment|infra|infrastructure|k8s|kubernetes|helm|charts|terraform|docker|ops)$/,
    'deployment and infrastructure',
  ],
  [/^(vendor|third[-_]party|external)$/, 'vendored dependencies'],
  [/^(i18n|locales?|translations|lang)$/, 'translations'],
  [/^(styles|css|scss|sass)$/, 'stylesheets'],
  [/^(types|typings|@types)$/, 'type definitions'],
  [/^(utils?|helpers|common|shared)$/, 'shared utilities'],
  [/^(models|entities|domain)$/, 'domain model'],
  [/^(controllers|handlers|routes|resolvers|api|http|gateway)$/, 'request handling and API'],
  [/^(middleware|middlewares)$/, 'middleware'],
  [/^(views|pages|screens|templates|layouts)$/, 'pages and views'],
  [/^(internal)$/, 'internal packages'],
  [/^(pkg)$/, 'public packages'],
  [/^(cli|commands)$/, 'command-line interface'],
  [/^(web|frontend|client|ui)$/, 'front end'],
  [/^(server|backend)$/, 'back end'],
];

const MANIFEST_LABEL: Record<ManifestKind, string> = {
  npm: 'npm package',
  pyproject: 'Python package',
  requirements: 'Python requirements',
  go: 'Go module',
  cargo: 'Rust crate',
  maven: 'Maven module',
  gradle: 'Gradle project',
};

interface Stats {
  files: number;
  tests: number;
  lines: Map<string, number>;
  /** Role suffixes of file names: `service` for `dispatch.service.ts`. */
  suffixes: Map<string, number>;
  children: Map<string, Stats>;
}
const newStats = (): Stats => ({
  files: 0,
  tests: 0,
  lines: new Map(),
  suffixes: new Map(),
  children: new Map(),
});
const NOT_ROLES = new Set(['spec', 'test', 'tests', 'd', 'min', 'module']);

/**
 * The directory map: every top-level directory, and one level below for containers
 * (`packages/`, `apps/`, `.github/`…), packages with many files and large directories; each
 * with its file count, main language and a role guessed from its name and contents. At most
 * `maxEntries` entries: the largest top-level directories first, then children.
 */
export function directoryMap(input: DirectoryMapInput): {
  entries: DirectoryEntry[];
  omitted: number;
} {
  const top = new Map<string, Stats>();
  for (const file of input.files) {
    const [head, next, ...rest] = file.path.split('/');
    if (head === undefined || next === undefined) continue;
    const first = top.get(head) ?? newStats();
    top.set(head, first);
    count(first, file);
    if (rest.length > 0) {
      const second = first.children.get(next) ?? newStats();
      first.children.set(next, second);
      count(second, file);
    }
  }
  const total = input.files.length;
  const manifestsByDirectory = new Map<string, Manifest>();
  for (const manifest of input.manifests) {
    if (!manifestsByDirectory.has(manifest.directory))
      manifestsByDirectory.set(manifest.directory, manifest);
  }
  const role = (dir: string, name: string, stats: Stats) =>
    guessRole(dir, name, stats, manifestsByDirectory.get(dir), input.frameworks);

  const chosen = [...top]
    .sort(([a, x], [b, y]) => y.files - x.files || byPath(a, b))
    .slice(0, input.maxEntries);
  let omitted = top.size - chosen.length;
  let budget = input.maxEntries - chosen.length;
  const expanded = new Map<string, Array<[string, Stats]>>();
  for (const [name, stats] of chosen) {
    const large = stats.files >= Math.max(50, total * 0.1);
    const isPackage = manifestsByDirectory.has(name) && stats.files >= 20;
    if (!(CONTAINERS.has(name) || large || isPackage)) {
      omitted += stats.children.size;
      continue;
    }
    const children = [...stats.children].sort(
      ([a, x], [b, y]) => y.files - x.files || byPath(a, b),
    );
    const take = Math.max(0, Math.min(CHILDREN, budget, children.length));
    budget -= take;
    omitted += children.length - take;
    expanded.set(name, children.slice(0, take));
  }
  const entries: DirectoryEntry[] = [];
  for (const [name, stats] of [...chosen].sort(([a], [b]) => byPath(a, b))) {
    entries.push(entry(`${name}/`, 1, stats, role(name, name, stats)));
    const children = [...(expanded.get(name) ?? [])].sort(([a], [b]) => byPath(a, b));
    for (const [child, childStats] of children) {
      const dir = `${name}/${child}`;
      entries.push(entry(`${dir}/`, 2, childStats, role(dir, child, childStats)));
    }
  }
  return { entries, omitted };
}

function count(stats: Stats, file: FileFacts): void {
  stats.files += 1;
  if (isTestFile(file.path)) stats.tests += 1;
  if (file.language)
    stats.lines.set(file.language, (stats.lines.get(file.language) ?? 0) + Math.max(1, file.lines));
  const parts = (file.path.slice(file.path.lastIndexOf('/') + 1) || file.path).split('.');
  const suffix = parts.length >= 3 ? parts[parts.length - 2] : undefined;
  if (suffix && /^[a-z]+$/.test(suffix) && !NOT_ROLES.has(suffix))
    stats.suffixes.set(suffix, (stats.suffixes.get(suffix) ?? 0) + 1);
}

function mainLanguage(stats: Stats): string | null {
  let best: [string, number] | null = null;
  for (const [language, lines] of stats.lines) {
    if (!best || lines > best[1] || (lines === best[1] && language < best[0]))
      best = [language, lines];
  }
  return best?.[0] ?? null;
}

function entry(path: string, depth: 1 | 2, stats: Stats, role: string): DirectoryEntry {
  return { path, depth, files: stats.files, language: mainLanguage(stats), role };
}

function guessRole(
  dir: string,
  name: string,
  stats: Stats,
  manifest: Manifest | undefined,
  frameworks: readonly Framework[],
): string {
  if (dir === '.github/workflows') return 'CI workflows (GitHub Actions)';
  if (manifest) {
    const label = MANIFEST_LABEL[manifest.kind];
    const named = manifest.name ? `${label} ${manifest.name}` : label;
    const uses = frameworks
      .filter((one) => one.manifest === manifest.path && one.category !== 'build')
      .map((one) => one.name)
      .filter((one, index, all) => all.indexOf(one) === index)
      .slice(0, 5);
    return uses.length ? `${named}: ${uses.join(', ')}` : named;
  }
  const lower = name.toLowerCase();
  for (const [pattern, role] of ROLES) if (pattern.test(lower)) return role;
  if (stats.tests >= stats.files * 0.6) return 'tests';
  const language = mainLanguage(stats);
  if (language === 'GraphQL') return 'GraphQL documents';
  if (language === 'Markdown') return 'documentation';
  if (!language) return 'other files';
  // a naming convention says more than the language: "TypeScript code (*.service, *.entity)"
  const suffixes = [...stats.suffixes]
    .filter(([, files]) => files >= 2)
    .sort(([a, x], [b, y]) => y - x || byPath(a, b))
    .slice(0, 3)
    .map(([suffix]) => `*.${suffix}`);
  const tests = stats.tests >= stats.files * 0.25 ? ' and tests' : '';
  return `${language} code${tests}${suffixes.length ? ` (${suffixes.join(', ')})` : ''}`;
}
