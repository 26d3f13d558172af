import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { GitRunner } from './files.js';
import { AnalyzeError, resolveRoot, runAnalyze } from './run-analyze.js';
import type { RepoAnalysis } from './types.js';

/** A work tree whose top level is `top`; `git ls-files` fails, so directories are walked. */
const gitAt = (top: string | null): GitRunner => ({
  attempt: (_cwd, ...args) =>
    Promise.resolve(
      args[0] === 'rev-parse' && top ? { ok: true, stdout: `${top}\n` } : { ok: false, stdout: '' },
    ),
});

describe('maestro analyze (engine)', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'maestro-run-analyze-'));
    await mkdir(path.join(scratch, 'repo', 'src'), { recursive: true });
    await writeFile(path.join(scratch, 'repo', 'src', 'a.ts'), 'export const a = 1;\n');
    await writeFile(path.join(scratch, 'file.txt'), 'not a directory');
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  test('PATH resolves against the working directory and must be a directory', async () => {
    await expect(resolveRoot('repo', scratch, gitAt(null))).resolves.toBe(
      path.join(scratch, 'repo'),
    );
    await expect(resolveRoot('missing', scratch, gitAt(null))).rejects.toEqual(
      new AnalyzeError('PATH_NOT_FOUND', path.join(scratch, 'missing')),
    );
    await expect(resolveRoot('file.txt', scratch, gitAt(null))).rejects.toMatchObject({
      code: 'NOT_A_DIRECTORY',
      message: `not a directory: ${path.join(scratch, 'file.txt')}`,
    });
  });

  test('without PATH: the git top level, else the working directory', async () => {
    const inside = path.join(scratch, 'repo', 'src');
    await expect(resolveRoot(undefined, inside, gitAt(path.join(scratch, 'repo')))).resolves.toBe(
      path.join(scratch, 'repo'),
    );
    await expect(resolveRoot(undefined, inside, gitAt(null))).resolves.toBe(inside);
  });

  test('--json prints one object to stdout; chatter goes to stderr', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runAnalyze({
      path: undefined,
      cwd: path.join(scratch, 'repo', 'src'),
      git: gitAt(path.join(scratch, 'repo')),
      json: true,
      maxSymbols: 2000,
      out: (line) => out.push(line),
      err: (line) => err.push(line),
      now: () => 0,
    });
    expect(code).toBe(0);
    expect(out).toHaveLength(1);
    const analysis = JSON.parse(out[0] as string) as RepoAnalysis;
    expect(analysis).toMatchObject({
      root: path.join(scratch, 'repo'),
      primaryLanguage: 'TypeScript',
      symbols: [{ name: 'a', kind: 'const', file: 'src/a.ts', line: 1 }],
    });
    expect(err).toEqual([`analyzed 1 file in ${path.join(scratch, 'repo')} in 0 ms`]);
  });

  test('the readable report: summary first, then the sections', async () => {
    const out: string[] = [];
    await runAnalyze({
      path: path.join(scratch, 'repo'),
      cwd: scratch,
      git: gitAt(null),
      json: false,
      maxSymbols: 2000,
      out: (line) => out.push(line),
      err: () => undefined,
    });
    expect(out[0]).toBe('A TypeScript repository; 1 file, 1 line in recognised languages.');
    for (const heading of ['languages', 'manifests', 'frameworks', 'directories'])
      expect(out).toContain(heading);
    expect(out).toContain('  none found');
    expect(out.find((line) => line.startsWith('symbols'))).toBe('symbols     1 exported: 1 const');
    expect(out).toContain('  const  a  src/a.ts:1');
  });

  test('a bad path: exit 1, and the error names it', async () => {
    const err: string[] = [];
    const out: string[] = [];
    const code = await runAnalyze({
      path: 'nowhere',
      cwd: scratch,
      git: gitAt(null),
      json: true,
      maxSymbols: 2000,
      out: (line) => out.push(line),
      err: (line) => err.push(line),
    });
    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err).toEqual([`maestro analyze: no such directory: ${path.join(scratch, 'nowhere')}`]);
  });
});
