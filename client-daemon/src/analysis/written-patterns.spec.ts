import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { analyzeRepository } from './analyze.js';
import type { GitRunner } from './files.js';
import type { RepoAnalysis } from './types.js';
import {
  MAX_PATTERN_FILES,
  MAX_PATTERNS,
  patternArtifacts,
  splitWrittenAnalysis,
} from './written-patterns.js';

const noGit: GitRunner = { attempt: () => Promise.resolve({ ok: false, stdout: '' }) };
const fence = (body: string) => `\`\`\`json\n${body}\n\`\`\``;

describe('splitWrittenAnalysis', () => {
  test('no block: the whole answer is the summary', () => {
    expect(splitWrittenAnalysis('  # Parts\n\nA web app.\n')).toEqual({
      summary: '# Parts\n\nA web app.',
    });
  });

  test('the last json block is the patterns, taken out of the summary; earlier ones stay', () => {
    const answer = [
      '# Parts',
      '',
      'Config looks like this:',
      fence('{ "port": 80 }'),
      '',
      'The end.',
      '',
      fence('[{ "name": "Result type", "summary": "s", "files": ["a.ts"] }]'),
    ].join('\n');
    const split = splitWrittenAnalysis(answer);
    expect(split.patterns).toEqual([{ name: 'Result type', summary: 's', files: ['a.ts'] }]);
    expect(split.summary).toBe(
      `# Parts\n\nConfig looks like this:\n${fence('{ "port": 80 }')}\n\nThe end.`,
    );
    expect(split.error).toBeUndefined();
  });

  test('the tag in any case, and a block with nothing after it on its last line', () => {
    const split = splitWrittenAnalysis('A web app.\n\n```JSON\n[]\n```');
    expect(split).toEqual({ summary: 'A web app.', patterns: [] });
  });

  test('a block that is not JSON: named as such, and still not part of the summary', () => {
    const split = splitWrittenAnalysis(`A web app.\n\n${fence('[{ name: oops }]')}`);
    expect(split.summary).toBe('A web app.');
    expect(split.patterns).toBeUndefined();
    expect(split.error).toMatch(/^not JSON \(/);
  });
});

describe('patternArtifacts', () => {
  let root: string;
  let analysis: RepoAnalysis;
  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'maestro-patterns-'));
    const files: Record<string, string> = {
      'web/package.json': JSON.stringify({ name: 'web', dependencies: { react: '18.2.0' } }),
      'web/src/api.ts': 'export function get() {}\n',
      'web/src/Cart.tsx': 'export function Cart() {}\n',
      'service/pyproject.toml': '[project]\nname = "svc"\ndependencies = ["fastapi>=0.110"]\n',
      'service/app/errors.py': 'class Problem(Exception):\n    pass\n',
    };
    for (const [file, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(root, file)), { recursive: true });
      await writeFile(path.join(root, file), text);
    }
    analysis = await analyzeRepository(root, { git: noGit });
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });
  const take = (block: unknown) =>
    patternArtifacts(block, { dir: root, analysis, writer: 'claude' });

  test('each pattern: its files checked, language and framework from the first, labelled', async () => {
    const found = await take([
      {
        name: '  Problem   details ',
        summary: 'Errors are Problem exceptions, turned into RFC 9457 answers.',
        files: ['./service/app/errors.py', 'service/app/missing.py', 'web/src/api.ts'],
      },
      { name: 'Fetch wrapper', summary: 'All HTTP goes through get().', files: ['web/src/api.ts'] },
    ]);
    expect(found.dropped).toEqual([]);
    expect(found.replaces).toBe(true);
    expect(found.artifacts).toEqual([
      {
        type: 'PATTERN',
        name: 'Problem details',
        language: 'Python',
        framework: 'FastAPI',
        summary:
          'Errors are Problem exceptions, turned into RFC 9457 answers. (Found by claude reading the code.)',
        files: [{ path: 'service/app/errors.py' }, { path: 'web/src/api.ts' }],
        structure: { kind: 'pattern', writtenBy: 'claude' },
      },
      {
        type: 'PATTERN',
        name: 'Fetch wrapper',
        language: 'TypeScript',
        framework: 'React',
        summary: 'All HTTP goes through get(). (Found by claude reading the code.)',
        files: [{ path: 'web/src/api.ts' }],
        structure: { kind: 'pattern', writtenBy: 'claude' },
      },
    ]);
  });

  test('what is dropped, and why: invented or escaping paths, missing fields, not objects', async () => {
    const found = await take([
      { name: 'Invented', summary: 's', files: ['web/src/nowhere.ts'] },
      { name: 'Escaping', summary: 's', files: ['../outside.ts', '/etc/passwd', 'web'] },
      { name: 'Git internals', summary: 's', files: ['.git/config'] },
      { name: 'No summary', files: ['web/src/api.ts'] },
      { summary: 'no name', files: ['web/src/api.ts'] },
      { name: 'x'.repeat(201), summary: 's', files: ['web/src/api.ts'] },
      'a string',
      ['an', 'array'],
      { name: 'Kept', summary: 's', files: 'web/src/api.ts' },
    ]);
    expect(found.artifacts).toEqual([]);
    // nothing held up: no word on the project's patterns, which are kept
    expect(found.replaces).toBe(false);
    expect(found.dropped).toEqual([
      '"Invented": names no file of the repository',
      '"Escaping": names no file of the repository',
      '"Git internals": names no file of the repository',
      '"No summary": summary must be text of 1-2000 characters',
      'pattern 5: name must be text of 1-200 characters',
      'pattern 6: name must be text of 1-200 characters',
      'pattern 7: not an object',
      'pattern 8: not an object',
      '"Kept": names no file of the repository',
    ]);
  });

  test(`at most ${MAX_PATTERNS} patterns of at most ${MAX_PATTERN_FILES} files; repeats once`, async () => {
    const many = Array.from({ length: MAX_PATTERNS + 3 }, (_, i) => ({
      name: `Pattern ${i}`,
      summary: 's',
      files: ['web/src/api.ts'],
    }));
    const found = await take([many[0], ...many]);
    expect(found.artifacts.map((one) => one.name)).toEqual(
      many.slice(0, MAX_PATTERNS).map((one) => one.name),
    );
    expect(found.dropped).toEqual([`3 patterns past the first ${MAX_PATTERNS}`]);

    const files = ['web/package.json', 'web/src/api.ts', 'web/src/Cart.tsx'];
    const wide = await take([
      { name: 'Wide', summary: 's', files: ['web/src/api.ts', ...files, ...files] },
    ]);
    expect(wide.artifacts[0]?.files).toEqual(
      ['web/src/api.ts', 'web/package.json', 'web/src/Cart.tsx'].map((one) => ({ path: one })),
    );
  });

  test('a block that is not an array; an empty one says there are none', async () => {
    expect(await take({ name: 'one' })).toEqual({
      artifacts: [],
      dropped: ['the block is not a JSON array'],
      replaces: false,
    });
    expect(await take([])).toEqual({ artifacts: [], dropped: [], replaces: true });
  });
});
