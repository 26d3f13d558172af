import type { DirectoryEntry, Framework, LanguageStat, Manifest, ManifestKind } from './types.js';

/** The facts the summary and the stack are made of. */
export interface SummaryFacts {
  readonly languages: readonly LanguageStat[];
  readonly primaryLanguage: string | null;
  readonly manifests: readonly Manifest[];
  readonly frameworks: readonly Framework[];
  readonly directories: readonly DirectoryEntry[];
  readonly files: number;
  readonly lines: number;
  readonly testFiles: number;
}

/** A language is named in the stack and summary when it has at least this share of code lines. */
const NOTABLE_SHARE = 0.05;
/** At most this many packages are described one by one. */
const DESCRIBED_PACKAGES = 8;

const WORKSPACE_LABEL: Record<ManifestKind, string> = {
  npm: 'npm workspaces',
  cargo: 'Cargo workspace members',
  maven: 'Maven modules',
  pyproject: 'packages',
  requirements: 'packages',
  go: 'Go modules',
  gradle: 'Gradle projects',
};

/** The manifests a language's projects are described by. */
export const ECOSYSTEMS: Readonly<Record<string, readonly ManifestKind[]>> = {
  TypeScript: ['npm'],
  JavaScript: ['npm'],
  Python: ['pyproject', 'requirements'],
  Go: ['go'],
  Rust: ['cargo'],
  Java: ['maven', 'gradle'],
  Kotlin: ['gradle', 'maven'],
};

const RUNTIMES: Record<string, string> = {
  node: 'Node.js',
  python: 'Python',
  go: 'Go',
  rust: 'Rust',
  java: 'Java',
};

/** Languages other than data formats, with their share of those lines. */
function codeShares(languages: readonly LanguageStat[]): Array<[string, number]> {
  const code = languages.filter((one) => one.kind !== 'data' && one.name !== 'Markdown');
  const total = code.reduce((sum, one) => sum + one.lines, 0);
  return total === 0 ? [] : code.map((one) => [one.name, one.lines / total]);
}

const percent = (share: number) => `${Math.round(share * 100)}%`;
const list = (items: readonly string[]) =>
  items.length <= 1
    ? (items[0] ?? '')
    : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
const unique = (items: readonly string[]) =>
  items.filter(
    (item, index) => items.findIndex((one) => one.toLowerCase() === item.toLowerCase()) === index,
  );
const numbered = (n: number) => n.toLocaleString('en-US');
/** `1 file`, `2,048 files`. */
export const counted = (n: number, noun: string): string =>
  `${numbered(n)} ${n === 1 ? noun : `${noun}s`}`;

/** Runtimes the manifests ask for, by name: `Node.js` → `Node.js >=20.19`, `Go` → `Go 1.22`. */
function runtimes(manifests: readonly Manifest[]): Map<string, string> {
  const found = new Map<string, string>();
  const ordered = [...manifests].sort((a, b) => depth(a) - depth(b));
  for (const manifest of ordered) {
    for (const [key, version] of Object.entries(manifest.runtime ?? {})) {
      const name = RUNTIMES[key];
      // the shallowest manifest that gives a version wins
      if (name && (found.get(name) ?? name) === name) found.set(name, `${name} ${version}`);
    }
    if (manifest.kind === 'npm' && !found.has('Node.js')) found.set('Node.js', 'Node.js');
  }
  return found;
}
const depth = (manifest: Manifest) =>
  manifest.directory === '.' ? 0 : manifest.directory.split('/').length;

/** Plain names: the primary and other notable languages, runtimes, then frameworks by category. */
export function buildStack(facts: SummaryFacts): string[] {
  const languages = codeShares(facts.languages)
    .filter(([name, share]) => name === facts.primaryLanguage || share >= NOTABLE_SHARE)
    .filter(([name]) => facts.languages.find((one) => one.name === name)?.kind === 'programming')
    .map(([name]) => name);
  // a language its manifests give a version of is named once, with the version (Go 1.22)
  const versions = runtimes(facts.manifests);
  const named = languages.map((name) => versions.get(name) ?? name);
  const others = [...versions]
    .filter(([name]) => !languages.includes(name))
    .map(([, label]) => label);
  return unique([...named, ...others, ...facts.frameworks.map((one) => one.name)]);
}

/** Packages: declared workspace members, else every directory below the root with a manifest. */
export function findPackages(manifests: readonly Manifest[]): {
  packages: Manifest[];
  declaredBy: Manifest | null;
} {
  const byDirectory = new Map<string, Manifest>();
  for (const manifest of manifests)
    if (manifest.directory !== '.' && !byDirectory.has(manifest.directory))
      byDirectory.set(manifest.directory, manifest);
  const declaring = manifests.find((one) => one.directory === '.' && one.workspaces?.length);
  if (declaring) {
    const patterns = (declaring.workspaces ?? []).map(globToRegExp);
    const packages = [...byDirectory.values()].filter((one) =>
      patterns.some((pattern) => pattern.test(one.directory)),
    );
    if (packages.length)
      return { packages: ordered(packages, declaring.workspaces ?? []), declaredBy: declaring };
  }
  const packages = [...byDirectory.values()].filter(
    (one) =>
      !/(^|\/)(tests?|__tests__|fixtures|testdata|examples?|samples?|vendor)(\/|$)/.test(
        one.directory,
      ),
  );
  return { packages, declaredBy: null };
}

/** Packages in the order the workspace list names them, then by path. */
function ordered(packages: Manifest[], patterns: readonly string[]): Manifest[] {
  const rank = (one: Manifest) => {
    const index = patterns.findIndex((pattern) => globToRegExp(pattern).test(one.directory));
    return index === -1 ? patterns.length : index;
  };
  return [...packages].sort((a, b) => rank(a) - rank(b) || a.directory.localeCompare(b.directory));
}

/** A workspace glob (`packages/*`, `crates/**`, `./server`) as a regular expression. */
export function globToRegExp(glob: string): RegExp {
  const clean = glob.replace(/^\.\//, '').replace(/\/+$/, '');
  const source = clean
    .split(/(\*\*|\*)/)
    .map((part) =>
      part === '**' ? '.*' : part === '*' ? '[^/]+' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${source}$`);
}

/** What a package's frameworks say, by category: "Express, type-graphql and TypeORM". */
function describeUses(frameworks: readonly Framework[]): string | null {
  const main = frameworks.filter((one) => !['test', 'build', 'database'].includes(one.category));
  const databases = frameworks.filter((one) => one.category === 'database');
  const names = (items: readonly Framework[]) => unique(items.map((one) => one.name));
  if (!main.length && !databases.length) return null;
  const parts: string[] = [];
  if (main.length) parts.push(`uses ${list(names(main))}`);
  if (databases.length)
    parts.push(`${main.length ? 'with ' : 'has '}clients for ${list(names(databases))}`);
  return parts.join(', ');
}

/**
 * A few plain sentences made only of the facts: the shape (monorepo or single project, with its
 * packages), the languages by lines, what each package uses, test tooling, CI. Nothing is said
 * that the facts do not show.
 */
export function buildSummary(facts: SummaryFacts): string {
  const sentences: string[] = [];
  const { packages, declaredBy } = findPackages(facts.manifests);
  const monorepo = declaredBy !== null || packages.length >= 2;
  const subject = facts.primaryLanguage ? `A ${facts.primaryLanguage}` : 'A';
  const size = `${counted(facts.files, 'file')}, ${counted(facts.lines, 'line')} in recognised languages`;
  if (monorepo) {
    const label = declaredBy ? WORKSPACE_LABEL[declaredBy.kind] : 'packages';
    const names = packages.map((one) => one.directory);
    const shown = names.slice(0, DESCRIBED_PACKAGES * 2);
    const more = names.length > shown.length ? ` and ${names.length - shown.length} more` : '';
    sentences.push(
      `${subject} monorepo with ${packages.length} ${packages.length === 1 ? label.replace(/s$/, '') : label} (${shown.join(', ')}${more}); ${size}.`,
    );
  } else {
    // named after the root manifest of the primary language's ecosystem, else the first named one
    const candidates = facts.manifests.filter((one) => one.directory === '.' && one.name);
    const ecosystem = ECOSYSTEMS[facts.primaryLanguage ?? ''] ?? [];
    const root = candidates.find((one) => ecosystem.includes(one.kind)) ?? candidates[0];
    const named = root?.name ? ` (${root.name})` : '';
    sentences.push(
      facts.primaryLanguage || facts.lines
        ? `${subject} repository${named}; ${size}.`
        : `A repository of ${counted(facts.files, 'file')} with no source in a recognised language.`,
    );
  }

  const shares = codeShares(facts.languages).filter(([, share]) => share >= NOTABLE_SHARE);
  if (shares.length > 1)
    sentences.push(
      `By lines of code: ${shares
        .slice(0, 5)
        .map(([name, share]) => `${name} ${percent(share)}`)
        .join(', ')}.`,
    );

  const atRoot = facts.manifests.filter((one) => one.directory === '.');
  const described = monorepo
    ? packages.slice(0, DESCRIBED_PACKAGES)
    : atRoot.length
      ? atRoot
      : packages.slice(0, DESCRIBED_PACKAGES);
  for (const manifest of described) {
    const uses = describeUses(facts.frameworks.filter((one) => one.manifest === manifest.path));
    if (!uses) continue;
    const who =
      manifest.directory === '.'
        ? atRoot.length === 1
          ? 'It'
          : manifest.path
        : `${manifest.directory}${manifest.name && manifest.name !== manifest.directory ? ` (${manifest.name})` : ''}`;
    sentences.push(`${who} ${uses}.`);
  }
  if (monorepo) {
    for (const manifest of atRoot) {
      const uses = describeUses(facts.frameworks.filter((one) => one.manifest === manifest.path));
      if (uses) sentences.push(`The root ${manifest.path} ${uses}.`);
    }
  }

  const testing = unique(
    facts.frameworks.filter((one) => one.category === 'test').map((one) => one.name),
  );
  if (testing.length || facts.testFiles) {
    const tools = testing.length
      ? `Test tooling declared: ${list(testing)}`
      : 'No test framework declared';
    const look = facts.testFiles === 1 ? 'looks' : 'look';
    sentences.push(`${tools}; ${counted(facts.testFiles, 'file')} ${look} like tests.`);
  }
  const workflows = facts.directories.find((one) => one.path === '.github/workflows/');
  if (workflows)
    sentences.push(
      `CI: ${workflows.files} GitHub Actions workflow file${workflows.files === 1 ? '' : 's'} in .github/workflows.`,
    );
  return sentences.join(' ');
}
