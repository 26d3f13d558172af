import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import type { Manifest, ManifestKind } from './types.js';

/** One declared dependency, as written. */
export interface Dependency {
  /** npm name, normalized Python name, Go module path, crate, Maven `groupId:artifactId`. */
  readonly name: string;
  readonly version?: string;
  readonly dev: boolean;
}

export interface ParsedManifest {
  readonly manifest: Manifest;
  readonly dependencies: readonly Dependency[];
}

/** The manifest kind of a file, by its name; null for any other file. */
export function manifestKind(file: string): ManifestKind | null {
  const base = path.posix.basename(file);
  switch (base) {
    case 'package.json':
      return 'npm';
    case 'pyproject.toml':
      return 'pyproject';
    case 'go.mod':
      return 'go';
    case 'Cargo.toml':
      return 'cargo';
    case 'pom.xml':
      return 'maven';
    case 'build.gradle':
    case 'build.gradle.kts':
      return 'gradle';
    default:
      return /^requirements([-_.][\w.-]+)?\.txt$/.test(base) ? 'requirements' : null;
  }
}

/** Reads one manifest; a file that does not parse gives a manifest with `error` set. */
export function parseManifest(file: string, text: string): ParsedManifest {
  const kind = manifestKind(file);
  if (!kind) throw new Error(`not a manifest: ${file}`);
  const base = { path: file, directory: path.posix.dirname(file), kind };
  try {
    const parsed = parsers[kind](text);
    return {
      manifest: { ...base, ...parsed.fields, dependencies: parsed.dependencies.length },
      dependencies: parsed.dependencies,
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      manifest: { ...base, dependencies: 0, error: message.split('\n')[0] ?? message },
      dependencies: [],
    };
  }
}

/** A manifest that was found but not read (too large). */
export function unreadManifest(file: string, kind: ManifestKind, reason: string): ParsedManifest {
  return {
    manifest: {
      path: file,
      directory: path.posix.dirname(file),
      kind,
      dependencies: 0,
      error: reason,
    },
    dependencies: [],
  };
}

type Fields = Omit<Manifest, 'path' | 'directory' | 'kind' | 'dependencies' | 'error'>;
interface Parsed {
  fields: Fields;
  dependencies: Dependency[];
}

const parsers: Record<ManifestKind, (text: string) => Parsed> = {
  npm: parsePackageJson,
  pyproject: parsePyproject,
  requirements: parseRequirements,
  go: parseGoMod,
  cargo: parseCargo,
  maven: parsePom,
  gradle: parseGradle,
};

type Table = Record<string, unknown>;
const isTable = (value: unknown): value is Table =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const asString = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;
const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((one): one is string => typeof one === 'string') : [];
const table = (value: unknown): Table => (isTable(value) ? value : {});
/** Drops undefined fields, so JSON output and equality stay tidy. */
function defined<T extends object>(fields: T): T {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as T;
}

function parsePackageJson(text: string): Parsed {
  const json: unknown = JSON.parse(text);
  if (!isTable(json)) throw new Error('package.json is not an object');
  const dependencies: Dependency[] = [];
  const seen = new Set<string>();
  const add = (block: unknown, dev: boolean) => {
    for (const [name, version] of Object.entries(table(block))) {
      if (seen.has(name)) continue;
      seen.add(name);
      dependencies.push(defined({ name, version: asString(version), dev }));
    }
  };
  add(json.dependencies, false);
  add(json.peerDependencies, false);
  add(json.optionalDependencies, false);
  add(json.devDependencies, true);
  const workspaces = Array.isArray(json.workspaces)
    ? strings(json.workspaces)
    : strings(table(json.workspaces).packages);
  const engines = Object.fromEntries(
    Object.entries(table(json.engines)).filter(([, v]) => typeof v === 'string'),
  ) as Record<string, string>;
  return {
    fields: defined({
      name: asString(json.name),
      version: asString(json.version),
      workspaces: workspaces.length ? workspaces : undefined,
      scripts: isTable(json.scripts) ? Object.keys(json.scripts) : undefined,
      runtime: Object.keys(engines).length ? engines : undefined,
    }),
    dependencies,
  };
}

/** A PEP 508 requirement (`fastapi[all]>=0.110; python_version>"3.8"`) → name and version. */
export function parseRequirement(line: string): { name: string; version?: string } | null {
  const match = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*([^;#@]*)/.exec(line);
  if (!match?.[1]) return null;
  const version = (match[3] ?? '').replace(/[\s()]/g, '');
  return defined({ name: normalizePythonName(match[1]), version: version || undefined });
}

/** PEP 503: lower case, runs of `-_.` as one `-`. */
export function normalizePythonName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

function parsePyproject(text: string): Parsed {
  const toml = parseToml(text) as Table;
  const project = table(toml.project);
  const poetry = table(table(toml.tool).poetry);
  const dependencies: Dependency[] = [];
  const seen = new Set<string>();
  const add = (dependency: Dependency) => {
    if (seen.has(dependency.name)) return;
    seen.add(dependency.name);
    dependencies.push(dependency);
  };
  const addRequirements = (list: unknown, dev: boolean) => {
    for (const line of strings(list)) {
      const requirement = parseRequirement(line);
      if (requirement) add({ ...requirement, dev });
    }
  };
  let requiresPython = asString(project['requires-python']);
  const addPoetry = (block: unknown, dev: boolean) => {
    for (const [name, spec] of Object.entries(table(block))) {
      const version = asString(spec) ?? asString(table(spec).version);
      if (name.toLowerCase() === 'python') requiresPython ??= version;
      else add(defined({ name: normalizePythonName(name), version, dev }));
    }
  };
  addRequirements(project.dependencies, false);
  for (const [group, list] of Object.entries(table(project['optional-dependencies'])))
    addRequirements(list, /^(dev|test|tests|testing|lint|docs)$/i.test(group));
  for (const list of Object.values(table(toml['dependency-groups']))) addRequirements(list, true);
  addPoetry(poetry.dependencies, false);
  addPoetry(poetry['dev-dependencies'], true);
  for (const group of Object.values(table(poetry.group)))
    addPoetry(table(group).dependencies, true);
  return {
    fields: defined({
      name: asString(project.name) ?? asString(poetry.name),
      version: asString(project.version) ?? asString(poetry.version),
      runtime: requiresPython ? { python: requiresPython } : undefined,
    }),
    dependencies,
  };
}

function parseRequirements(text: string): Parsed {
  const dependencies: Dependency[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    // options (-r other.txt, -e ., --index-url …), URLs and paths are not named packages
    if (!line || line.startsWith('-') || /^[a-z+]+:\/\//i.test(line) || /^[./]/.test(line))
      continue;
    const requirement = parseRequirement(line);
    if (requirement) dependencies.push({ ...requirement, dev: false });
  }
  return { fields: {}, dependencies };
}

function parseGoMod(text: string): Parsed {
  const dependencies: Dependency[] = [];
  let module: string | undefined;
  let go: string | undefined;
  let inRequire = false;
  const require = (spec: string) => {
    const match = /^(\S+)\s+(\S+)(.*)$/.exec(spec.trim());
    if (match?.[1] && match[2]) {
      const indirect = /\/\/\s*indirect/.test(match[3] ?? '');
      if (!indirect) dependencies.push({ name: match[1], version: match[2], dev: false });
    }
  };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (inRequire) {
      if (line.startsWith(')')) inRequire = false;
      else if (line && !line.startsWith('//')) require(line);
      continue;
    }
    const directive = /^(module|go|require)\s+(.*)$/.exec(line);
    if (!directive?.[2]) continue;
    const value = directive[2].replace(/\s*\/\/.*$/, '').trim();
    if (directive[1] === 'module') module = value.replace(/^"|"$/g, '');
    else if (directive[1] === 'go') go = value;
    else if (value === '(') inRequire = true;
    else require(directive[2]);
  }
  return {
    fields: defined({ name: module, runtime: go ? { go } : undefined }),
    dependencies,
  };
}

function parseCargo(text: string): Parsed {
  const toml = parseToml(text) as Table;
  const pkg = table(toml.package);
  const workspace = table(toml.workspace);
  const dependencies: Dependency[] = [];
  const seen = new Set<string>();
  const add = (block: unknown, dev: boolean) => {
    for (const [name, spec] of Object.entries(table(block))) {
      if (seen.has(name)) continue;
      seen.add(name);
      const version = asString(spec) ?? asString(table(spec).version);
      dependencies.push(defined({ name, version, dev }));
    }
  };
  const addAll = (scope: Table) => {
    add(scope.dependencies, false);
    add(scope['build-dependencies'], true);
    add(scope['dev-dependencies'], true);
  };
  addAll(toml);
  for (const target of Object.values(table(toml.target))) addAll(table(target));
  add(workspace.dependencies, false);
  const edition = asString(pkg.edition) ?? asString(table(workspace.package).edition);
  const members = strings(workspace.members);
  return {
    fields: defined({
      name: asString(pkg.name),
      version: asString(pkg.version),
      workspaces: members.length ? members : undefined,
      runtime: edition ? { rust: `edition ${edition}` } : undefined,
    }),
    dependencies,
  };
}

/** The text of the first `<tag>…</tag>` in an XML fragment. */
function tag(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}>\\s*([^<]*?)\\s*</${name}>`).exec(xml);
  return match?.[1] || undefined;
}
const blocks = (xml: string, name: string): string[] =>
  [...xml.matchAll(new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`, 'g'))].map(
    (match) => match[1] ?? '',
  );
const without = (xml: string, ...names: string[]): string =>
  names.reduce(
    (rest, name) => rest.replace(new RegExp(`<${name}(?:\\s[^>]*)?>[\\s\\S]*?</${name}>`, 'g'), ''),
    xml,
  );

function parsePom(text: string): Parsed {
  const xml = text.replace(/<!--[\s\S]*?-->/g, '');
  if (!/<project[\s>]/.test(xml)) throw new Error('no <project> element');
  const properties = new Map<string, string>();
  for (const body of blocks(xml, 'properties')) {
    for (const match of body.matchAll(/<([\w.-]+)>\s*([^<]*?)\s*<\/\1>/g))
      if (match[1] && match[2] !== undefined) properties.set(match[1], match[2]);
  }
  const parent = blocks(xml, 'parent')[0] ?? '';
  const own = without(
    xml,
    'parent',
    'dependencies',
    'dependencyManagement',
    'build',
    'profiles',
    'reporting',
    'properties',
    'modules',
  );
  const groupId = tag(own, 'groupId') ?? tag(parent, 'groupId');
  const artifactId = tag(own, 'artifactId');
  const version = tag(own, 'version') ?? tag(parent, 'version');
  properties.set('project.version', version ?? '');
  const resolve = (value: string | undefined) =>
    value?.replace(/\$\{([^}]+)\}/g, (whole, key: string) => properties.get(key) || whole);
  const dependencies: Dependency[] = [];
  const parentGroup = tag(parent, 'groupId');
  const parentArtifact = tag(parent, 'artifactId');
  if (parentGroup && parentArtifact) {
    const name = `${parentGroup}:${parentArtifact}`;
    dependencies.push(defined({ name, version: resolve(tag(parent, 'version')), dev: false }));
  }
  const declared = without(xml, 'dependencyManagement', 'build', 'profiles', 'reporting');
  for (const body of blocks(declared, 'dependency')) {
    const group = tag(body, 'groupId');
    const artifact = tag(body, 'artifactId');
    if (!group || !artifact) continue;
    const scope = tag(body, 'scope');
    dependencies.push(
      defined({
        name: `${resolve(group)}:${resolve(artifact)}`,
        version: resolve(tag(body, 'version')),
        dev: scope === 'test',
      }),
    );
  }
  const modules = blocks(xml, 'module').map((one) => one.trim());
  const java =
    properties.get('maven.compiler.release') ??
    properties.get('java.version') ??
    properties.get('maven.compiler.source');
  return {
    fields: defined({
      name: groupId && artifactId ? `${resolve(groupId)}:${resolve(artifactId)}` : artifactId,
      version: resolve(version),
      workspaces: modules.length ? modules : undefined,
      runtime: java ? { java: resolve(java) ?? java } : undefined,
    }),
    dependencies,
  };
}

const gradleConfigurations =
  'implementation|api|compile|compileOnly|runtimeOnly|annotationProcessor|kapt|ksp|' +
  'testImplementation|testCompileOnly|testRuntimeOnly|androidTestImplementation|developmentOnly';

function parseGradle(text: string): Parsed {
  const source = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
  const dependencies: Dependency[] = [];
  const seen = new Set<string>();
  const add = (dependency: Dependency) => {
    if (seen.has(dependency.name)) return;
    seen.add(dependency.name);
    dependencies.push(dependency);
  };
  const coordinate = new RegExp(
    `\\b(${gradleConfigurations})\\s*\\(?\\s*(?:platform\\s*\\(\\s*)?["']([^:"'\\s]+):([^:"'\\s]+)(?::([^"'\\s]+))?["']`,
    'g',
  );
  for (const match of source.matchAll(coordinate)) {
    const [, configuration = '', group, artifact, version] = match;
    add(
      defined({
        name: `${group}:${artifact}`,
        version,
        dev: /^(test|androidTest)/.test(configuration),
      }),
    );
  }
  // plugins { id("org.springframework.boot") version "3.2.0" }, id 'java', kotlin("jvm")
  const plugin = /\bid\s*\(?\s*["']([\w.-]+)["']\s*\)?(?:\s*version\s*\(?\s*["']([^"']+)["'])?/g;
  for (const match of source.matchAll(plugin)) {
    if (match[1]) add(defined({ name: `plugin:${match[1]}`, version: match[2], dev: false }));
  }
  for (const match of source.matchAll(/\bkotlin\s*\(\s*["']([\w.-]+)["']\s*\)/g)) {
    if (match[1]) add({ name: `plugin:org.jetbrains.kotlin.${match[1]}`, dev: false });
  }
  const java =
    /JavaVersion\.VERSION_(\d+)|languageVersion\.set\(JavaLanguageVersion\.of\((\d+)\)\)|JavaLanguageVersion\.of\((\d+)\)/.exec(
      source,
    );
  const release = java?.[1] ?? java?.[2] ?? java?.[3];
  return {
    fields: defined({ runtime: release ? { java: release } : undefined }),
    dependencies,
  };
}
