import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { analyzeRepository } from './analyze.js';
import type { GitRunner } from './files.js';

/** No git work tree: the analyzer walks the directory. */
const noGit: GitRunner = { attempt: () => Promise.resolve({ ok: false, stdout: '' }) };
/** A work tree whose `git ls-files -z --stage` prints these entries. */
const gitListing = (entries: Array<[mode: string, file: string]>): GitRunner => ({
  attempt: (_cwd, ...args) =>
    Promise.resolve(
      args[0] === 'ls-files'
        ? {
            ok: true,
            stdout: entries
              .map(([mode, file]) => `${mode} ${'0'.repeat(40)} 0\t${file}\0`)
              .join(''),
          }
        : { ok: false, stdout: '' },
    ),
});

async function fixture(root: string, files: Record<string, string>): Promise<void> {
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  }
}

describe('analyzeRepository', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'maestro-analysis-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  test('a walk: languages, manifests anywhere, frameworks, symbols; skipped directories unseen', async () => {
    const root = path.join(scratch, 'walk');
    await fixture(root, {
      'package.json': JSON.stringify({ name: 'shop', workspaces: ['api', 'web'] }),
      'api/package.json': JSON.stringify({
        name: '@shop/api',
        dependencies: { fastify: '4.26.0' },
        devDependencies: { vitest: '1.5.0' },
      }),
      'api/src/server.ts': 'export function start() {}\nexport class Server {}\n',
      'api/src/server.test.ts': "import { start } from './server.js';\nexport const fixture = 1;\n",
      'web/package.json': JSON.stringify({ name: 'web', dependencies: { react: '18.3.0' } }),
      'web/src/App.tsx': 'export default function App() {\n  return null;\n}\n',
      'ml/requirements.txt': 'torch==2.3.0\n',
      'ml/train.py': 'def train():\n    pass\n',
      'bin/tool': '#!/usr/bin/env node\nconsole.log(1);\n',
      'README.md': '# Shop\n',
      'node_modules/react/package.json': JSON.stringify({ name: 'react' }),
      'node_modules/react/index.js': 'export const inside = 1;\n',
      'dist/server.js': 'export function built() {}\n',
      'target/debug/x.rs': 'pub fn x() {}\n',
      '.venv/lib/site.py': 'def venv(): pass\n',
    });
    const analysis = await analyzeRepository(root, { git: noGit });

    expect(analysis.root).toBe(root);
    expect(analysis.analyzer).toEqual({ name: 'static', version: '2' });
    expect(analysis.fileSource).toBe('walk');
    expect(analysis.counts.files).toBe(10);
    expect(analysis.primaryLanguage).toBe('TypeScript');
    expect(analysis.languages.map((one) => [one.name, one.files, one.lines])).toEqual([
      ['TypeScript', 3, 7],
      ['JSON', 3, 3],
      ['JavaScript', 1, 2],
      ['Python', 1, 2],
      ['Markdown', 1, 1],
    ]);
    expect(analysis.manifests.map((one) => one.path)).toEqual([
      'package.json',
      'api/package.json',
      'ml/requirements.txt',
      'web/package.json',
    ]);
    expect(analysis.frameworks.map((one) => `${one.name} ${one.manifest}`)).toEqual([
      'Fastify api/package.json',
      'React web/package.json',
      'PyTorch ml/requirements.txt',
      'Vitest api/package.json',
    ]);
    // hand-written source first, tests after it
    expect(analysis.symbols.map((one) => `${one.file}:${one.line} ${one.name}`)).toEqual([
      'api/src/server.ts:1 start',
      'api/src/server.ts:2 Server',
      'ml/train.py:1 train',
      'web/src/App.tsx:1 App',
      'api/src/server.test.ts:2 fixture',
    ]);
    expect(analysis.counts).toMatchObject({
      testFiles: 1,
      manifests: 4,
      symbols: 5,
      symbolsByKind: { function: 3, class: 1, const: 1 },
      largeFilesSkipped: 0,
    });
    expect(analysis.summary).toMatch(/^A TypeScript monorepo with 2 npm workspaces \(api, web\)/);
    expect(analysis.summary).toContain('api (@shop/api) uses Fastify.');
    // languages with at least 5% of the code lines are part of the stack
    expect(analysis.stack).toEqual([
      'TypeScript',
      'JavaScript',
      'Python',
      'Node.js',
      'Fastify',
      'React',
      'PyTorch',
      'Vitest',
    ]);
    expect(JSON.stringify(analysis)).not.toMatch(/inside|built|venv|debug/);
  });

  test('bounds: symbols cut and counted, large files counted but not read, binary files skipped', async () => {
    const root = path.join(scratch, 'bounds');
    const many = Array.from({ length: 30 }, (_, i) => `export const c${i} = ${i};`).join('\n');
    await fixture(root, {
      'src/many.ts': many,
      'src/big.ts': `export const big = '${'x'.repeat(2_000)}';\n`,
      'src/binary.ts': 'G\0\0\0 a transport stream, not TypeScript',
      'package.json': '{ "name": "bounds" }',
    });
    const analysis = await analyzeRepository(root, {
      git: noGit,
      maxSymbols: 10,
      maxFileBytes: 1_024,
    });
    expect(analysis.symbols).toHaveLength(10);
    expect(analysis.symbolsTruncated).toBe(true);
    expect(analysis.counts.symbols).toBe(30);
    expect(analysis.counts.largeFilesSkipped).toBe(1);
    // the large file counts as a TypeScript file without lines; the binary one not at all
    expect(analysis.languages.find((one) => one.name === 'TypeScript')).toEqual({
      name: 'TypeScript',
      kind: 'programming',
      files: 2,
      lines: 30,
    });
    expect(analysis.symbols.some((one) => one.name === 'big')).toBe(false);
    expect(analysis.limits).toEqual({
      maxFiles: 100_000,
      maxFileBytes: 1_024,
      maxSymbols: 10,
      maxDirectories: 60,
    });

    const cut = await analyzeRepository(root, { git: noGit, maxFiles: 2 });
    expect(cut.filesTruncated).toBe(true);
    expect(cut.counts.files).toBe(2);

    const none = await analyzeRepository(root, { git: noGit, maxSymbols: 0 });
    expect(none.symbols).toEqual([]);
    expect(none.counts.symbols).toBe(31);
  });

  test('a git listing: only regular files (no symlinks or submodules), as git names them', async () => {
    const root = path.join(scratch, 'git');
    await fixture(root, {
      'go.mod': 'module example.com/svc\n\ngo 1.22\n\nrequire github.com/gin-gonic/gin v1.9.1\n',
      'main.go': 'package main\n\nfunc Run() {}\n',
      'untracked.go': 'package main\n\nfunc Untracked() {}\n',
    });
    const analysis = await analyzeRepository(root, {
      git: gitListing([
        ['100644', 'go.mod'],
        ['100755', 'main.go'],
        ['120000', 'link.go'],
        ['160000', 'third_party/sub'],
      ]),
    });
    expect(analysis.fileSource).toBe('git');
    expect(analysis.counts.files).toBe(2);
    expect(analysis.symbols.map((one) => one.name)).toEqual(['Run']);
    expect(analysis.frameworks).toEqual([
      {
        name: 'Gin',
        category: 'server',
        package: 'github.com/gin-gonic/gin',
        version: 'v1.9.1',
        manifest: 'go.mod',
        dev: false,
      },
    ]);
    expect(analysis.stack).toEqual(['Go 1.22', 'Gin']);
    expect(analysis.summary).toBe(
      'A Go repository (example.com/svc); 2 files, 3 lines in recognised languages. It uses Gin.',
    );
  });

  test('a git work tree with nothing tracked here is walked instead', async () => {
    const root = path.join(scratch, 'empty-git');
    await fixture(root, { 'a.py': 'def a():\n    pass\n' });
    const analysis = await analyzeRepository(root, { git: gitListing([]) });
    expect(analysis.fileSource).toBe('walk');
    expect(analysis.primaryLanguage).toBe('Python');
  });
});
