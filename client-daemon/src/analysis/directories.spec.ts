import { describe, expect, test } from '@jest/globals';
import { directoryMap, type FileFacts } from './directories.js';
import type { Framework, Manifest } from './types.js';

const file = (path: string, language: string | null = 'TypeScript', lines = 10): FileFacts => ({
  path,
  language,
  lines,
});
const npm = (directory: string, name: string): Manifest => ({
  path: directory === '.' ? 'package.json' : `${directory}/package.json`,
  directory,
  kind: 'npm',
  name,
  dependencies: 1,
});
const express: Framework = {
  name: 'Express',
  category: 'server',
  package: 'express',
  manifest: 'packages/api/package.json',
  dev: false,
};

describe('directoryMap', () => {
  const files = [
    file('package.json', 'JSON'),
    file('README.md', 'Markdown'),
    file('.github/workflows/ci.yml', 'YAML'),
    file('docs/guide.md', 'Markdown'),
    file('docs/adr/0001.md', 'Markdown'),
    file('packages/api/package.json', 'JSON'),
    file('packages/api/src/main.ts'),
    file('packages/api/src/app.ts'),
    file('packages/web/package.json', 'JSON'),
    file('packages/web/src/App.svelte', 'Svelte', 200),
    file('scripts/release.sh', 'Shell'),
    file('misc/notes.txt', null),
    file('spec-like/a.test.ts'),
    file('spec-like/b.test.ts'),
    file('db/migrations/001.sql', 'SQL'),
  ];
  const manifests = [
    npm('.', 'root'),
    npm('packages/api', '@acme/api'),
    npm('packages/web', 'web'),
  ];

  test('top-level directories with counts, languages and roles; containers one level down', () => {
    const { entries, omitted } = directoryMap({
      files,
      manifests,
      frameworks: [express],
      maxEntries: 60,
    });
    expect(entries).toEqual([
      { path: '.github/', depth: 1, files: 1, language: 'YAML', role: 'GitHub configuration' },
      {
        path: '.github/workflows/',
        depth: 2,
        files: 1,
        language: 'YAML',
        role: 'CI workflows (GitHub Actions)',
      },
      { path: 'db/', depth: 1, files: 1, language: 'SQL', role: 'database code' },
      { path: 'docs/', depth: 1, files: 2, language: 'Markdown', role: 'documentation' },
      { path: 'misc/', depth: 1, files: 1, language: null, role: 'other files' },
      { path: 'packages/', depth: 1, files: 5, language: 'Svelte', role: 'packages' },
      {
        path: 'packages/api/',
        depth: 2,
        files: 3,
        language: 'TypeScript',
        role: 'npm package @acme/api: Express',
      },
      { path: 'packages/web/', depth: 2, files: 2, language: 'Svelte', role: 'npm package web' },
      { path: 'scripts/', depth: 1, files: 1, language: 'Shell', role: 'scripts and tooling' },
      { path: 'spec-like/', depth: 1, files: 2, language: 'TypeScript', role: 'tests' },
    ]);
    // db/migrations and docs/adr are below directories that are not expanded
    expect(omitted).toBe(2);
  });

  test('bounded: the largest top-level directories first; children only while room is left', () => {
    const many = Array.from({ length: 30 }, (_, i) =>
      file(`dir${String(i).padStart(2, '0')}/a.ts`),
    );
    const big = Array.from({ length: 60 }, (_, i) => file(`dir07/sub${i % 8}/x${i}.ts`));
    const small = directoryMap({
      files: [...many, ...big],
      manifests: [],
      frameworks: [],
      maxEntries: 12,
    });
    expect(small.entries).toHaveLength(12);
    expect(small.entries.every((one) => one.depth === 1)).toBe(true);
    // dir07 is the largest, so it is kept though it sorts after dir00…dir06
    expect(small.entries.map((one) => one.path)).toContain('dir07/');
    expect(small.omitted).toBe(18 + 8);

    const roomy = directoryMap({
      files: [...many, ...big],
      manifests: [],
      frameworks: [],
      maxEntries: 35,
    });
    // dir07 is large (50 files or more), so it is expanded with the 5 children that fit
    expect(roomy.entries).toHaveLength(35);
    expect(roomy.entries.filter((one) => one.path.startsWith('dir07/sub'))).toHaveLength(5);
    expect(roomy.omitted).toBe(3);
  });
  test('roles from contents when the name says nothing: naming conventions, tests, GraphQL', () => {
    const { entries } = directoryMap({
      files: [
        file('billing/invoice.service.ts'),
        file('billing/payment.service.ts'),
        file('billing/invoice.entity.ts'),
        file('billing/invoice.service.spec.ts'),
        file('billing/payment.service.spec.ts'),
        file('queries/list.graphql', 'GraphQL'),
        file('misc/a.py', 'Python'),
      ],
      manifests: [],
      frameworks: [],
      maxEntries: 60,
    });
    expect(entries.map((one) => `${one.path} ${one.role}`)).toEqual([
      'billing/ TypeScript code and tests (*.service)',
      'misc/ Python code',
      'queries/ GraphQL documents',
    ]);
  });
});
