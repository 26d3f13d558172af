import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { RepoAnalysis } from '../src/analysis/types.js';
import { Git } from '../src/git/git.js';
import { daemonEnv, maestro } from './support/daemons.js';

/** This repository: the analyzer's real-world fixture. */
const MONOREPO = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');

const POLYGLOT: Record<string, string> = {
  '.gitignore': 'node_modules/\n',
  'package.json': JSON.stringify(
    {
      name: 'polyglot',
      version: '1.0.0',
      engines: { node: '>=20' },
      scripts: { test: 'jest' },
      dependencies: { express: '^4.19.2' },
      devDependencies: { jest: '^29.7.0' },
    },
    null,
    2,
  ),
  'src/server.ts': [
    '// The HTTP side of the polyglot fixture.',
    "import express from 'express';",
    'export interface Options { port: number }',
    'export function createServer(options: Options) {',
    '  return express().listen(options.port);',
    '}',
    'export const DEFAULT_PORT = 3000;',
    '',
  ].join('\n'),
  'src/server.test.ts': "import { createServer } from './server.js';\ntest('x', () => {});\n",
  'pyproject.toml': [
    '[project]',
    'name = "polyglot-api"',
    'requires-python = ">=3.11"',
    'dependencies = ["fastapi>=0.110", "uvicorn"]',
    '',
  ].join('\n'),
  'api/main.py': [
    'from fastapi import FastAPI',
    'app = FastAPI()',
    'def health():',
    '    return {"ok": True}',
    'class Settings:',
    '    pass',
    'def _internal():',
    '    pass',
    '',
  ].join('\n'),
  'go.mod': 'module example.com/polyglot\n\ngo 1.22\n\nrequire github.com/gin-gonic/gin v1.9.1\n',
  'cmd/worker/main.go':
    'package main\n\n// Work drains the queue.\nfunc Work() {}\n\nfunc main() {}\n',
  'Cargo.toml': [
    '[package]',
    'name = "polyglot-core"',
    'version = "0.1.0"',
    'edition = "2021"',
    '',
    '[dependencies]',
    'tokio = { version = "1.37", features = ["full"] }',
    '',
  ].join('\n'),
  'core/lib.rs':
    'pub struct Engine;\n\n/// Starts the engine.\npub fn start() {}\n\nfn private() {}\n',
  'docs/README.md': '# Polyglot\n',
};

async function analyze(args: string[], cwd?: string) {
  const result = await maestro(['analyze', ...args], daemonEnv(home), cwd);
  return { ...result, analysis: () => JSON.parse(result.stdout) as RepoAnalysis };
}
let home: string;

describe('maestro analyze', () => {
  let scratch: string;
  let repo: string;

  beforeAll(async () => {
    scratch = await realpath(await mkdtemp(path.join(os.tmpdir(), 'maestro-analyze-')));
    home = path.join(scratch, 'home');
    repo = path.join(scratch, 'polyglot');
    for (const [file, text] of Object.entries(POLYGLOT)) {
      await mkdir(path.dirname(path.join(repo, file)), { recursive: true });
      await writeFile(path.join(repo, file), text);
    }
    const git = new Git(daemonEnv(home));
    await git.run(repo, 'init', '-q', '--initial-branch=main');
    await git.run(repo, 'add', '-A');
    await git.run(repo, 'commit', '-q', '-m', 'polyglot fixture');
    // neither an untracked file nor an ignored directory is analyzed
    await writeFile(path.join(repo, 'src', 'scratch.ts'), 'export const untracked = 1;\n');
    await mkdir(path.join(repo, 'node_modules', 'left-pad'), { recursive: true });
    await writeFile(path.join(repo, 'node_modules', 'left-pad', 'index.js'), 'exports.pad = 1;\n');
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  test('a polyglot git repository: every manifest, its frameworks, symbols per language', async () => {
    const result = await analyze([repo, '--json']);
    expect(result.code).toBe(0);
    const analysis = result.analysis();
    expect(analysis).toMatchObject({
      root: repo,
      analyzer: { name: 'static', version: '2' },
      fileSource: 'git',
      primaryLanguage: 'TypeScript',
      filesTruncated: false,
      symbolsTruncated: false,
    });
    expect(analysis.counts.files).toBe(Object.keys(POLYGLOT).length);
    expect(analysis.languages.map((one) => one.name)).toEqual(
      expect.arrayContaining(['TypeScript', 'Python', 'Go', 'Rust', 'Markdown', 'JSON', 'TOML']),
    );
    expect(analysis.manifests.map((one) => [one.path, one.kind, one.name])).toEqual([
      ['Cargo.toml', 'cargo', 'polyglot-core'],
      ['go.mod', 'go', 'example.com/polyglot'],
      ['package.json', 'npm', 'polyglot'],
      ['pyproject.toml', 'pyproject', 'polyglot-api'],
    ]);
    const frameworks = analysis.frameworks.map(
      (one) => `${one.name} ${one.version ?? ''} ${one.manifest}`,
    );
    expect(frameworks).toEqual(
      expect.arrayContaining([
        'Express ^4.19.2 package.json',
        'Jest ^29.7.0 package.json',
        'FastAPI >=0.110 pyproject.toml',
        'Uvicorn  pyproject.toml',
        'Gin v1.9.1 go.mod',
        'Tokio 1.37 Cargo.toml',
      ]),
    );
    expect(analysis.frameworks.find((one) => one.name === 'Jest')?.dev).toBe(true);
    expect(analysis.stack).toEqual(
      expect.arrayContaining([
        'TypeScript',
        'Node.js >=20',
        'Python >=3.11',
        'Express',
        'FastAPI',
        'Tokio',
      ]),
    );
    expect(
      analysis.symbols.map(
        (one) =>
          `${one.language} ${one.kind} ${one.name} ${one.file}:${one.line}${one.doc ? ` (${one.doc})` : ''}`,
      ),
    ).toEqual([
      'Python function health api/main.py:3',
      'Python class Settings api/main.py:5',
      'Go function Work cmd/worker/main.go:4 (Work drains the queue.)',
      'Rust struct Engine core/lib.rs:1',
      'Rust function start core/lib.rs:4 (Starts the engine.)',
      'TypeScript interface Options src/server.ts:3',
      'TypeScript function createServer src/server.ts:4',
      'TypeScript const DEFAULT_PORT src/server.ts:7',
    ]);
    expect(analysis.counts.testFiles).toBe(1);
    expect(analysis.summary).toMatch(/^A TypeScript repository \(polyglot\); 11 files, /);
    expect(analysis.summary).toContain('package.json uses Express.');
    expect(analysis.summary).toContain('pyproject.toml uses FastAPI and Uvicorn.');
    expect(result.stdout).not.toMatch(/untracked|left-pad/);
    expect(result.stderr).toMatch(/^analyzed 11 files in /);
  });

  test('without PATH it analyzes the git top level of the working directory; a readable report', async () => {
    const result = await analyze([], path.join(repo, 'api'));
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^A TypeScript repository \(polyglot\)/);
    expect(lines).toContain(`root        ${repo} (11 files from git ls-files)`);
    expect(lines).toContain('analyzer    static 2');
    for (const heading of ['languages', 'manifests', 'frameworks', 'directories'])
      expect(lines).toContain(heading);
    expect(result.stdout).toMatch(/^symbols {5}8 exported: /m);
    expect(result.stdout).toMatch(/^ {12}2 of 8 with a doc comment \(in --json\)$/m);
    expect(result.stdout).toMatch(/^ {2}function +createServer +src\/server\.ts:4$/m);
  });

  test('--symbols caps the symbols, and says so', async () => {
    const result = await analyze([repo, '--json', '--symbols', '3']);
    const analysis = result.analysis();
    expect(analysis.symbols).toHaveLength(3);
    expect(analysis.symbolsTruncated).toBe(true);
    expect(analysis.counts.symbols).toBe(8);
    expect(analysis.limits.maxSymbols).toBe(3);
  });

  test('a path that does not exist, or is not a directory: exit 1, naming it', async () => {
    const missing = path.join(scratch, 'no-such-dir');
    const gone = await analyze([missing, '--json']);
    expect(gone.code).toBe(1);
    expect(gone.stdout).toBe('');
    expect(gone.stderr).toContain(`no such directory: ${missing}`);

    const file = await analyze([path.join(repo, 'go.mod')]);
    expect(file.code).toBe(1);
    expect(file.stderr).toContain(`not a directory: ${path.join(repo, 'go.mod')}`);
  });

  test('this repository: a TypeScript monorepo of four npm workspaces, in a few seconds', async () => {
    const started = Date.now();
    const result = await analyze([MONOREPO, '--json']);
    const elapsed = Date.now() - started;
    expect(result.code).toBe(0);
    const analysis = result.analysis();
    expect(analysis.root).toBe(MONOREPO);
    expect(analysis.fileSource).toBe('git');
    expect(analysis.primaryLanguage).toBe('TypeScript');
    const root = analysis.manifests.find((one) => one.path === 'package.json');
    expect(root?.workspaces).toEqual(
      expect.arrayContaining(['server', 'client-daemon', 'web-svelte', 'shared']),
    );
    expect(analysis.manifests.map((one) => one.directory)).toEqual(
      expect.arrayContaining(['.', 'server', 'client-daemon', 'web-svelte', 'shared']),
    );
    expect(analysis.frameworks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'type-graphql', manifest: 'server/package.json' }),
        expect.objectContaining({ name: 'TypeORM', manifest: 'server/package.json' }),
        expect.objectContaining({ name: 'oclif', manifest: 'client-daemon/package.json' }),
        expect.objectContaining({ name: 'SvelteKit', manifest: 'web-svelte/package.json' }),
      ]),
    );
    expect(analysis.summary).toMatch(/^A TypeScript monorepo with 4 npm workspaces \(/);
    for (const workspace of ['shared', 'server', 'client-daemon', 'web-svelte'])
      expect(analysis.directories.map((one) => one.path)).toContain(`${workspace}/`);
    expect(analysis.symbols.length).toBeGreaterThan(100);
    expect(analysis.symbols).toContainEqual(
      expect.objectContaining({
        name: 'runStatus',
        kind: 'function',
        file: 'client-daemon/src/status/run-status.ts',
      }),
    );
    // process start included; the analysis itself is well under a second here
    expect(elapsed).toBeLessThan(15_000);
  });
});
