import { describe, expect, test } from '@jest/globals';
import {
  buildStack,
  buildSummary,
  findPackages,
  globToRegExp,
  type SummaryFacts,
} from './summary.js';
import type { Framework, Manifest } from './types.js';

const npm = (directory: string, fields: Partial<Manifest> = {}): Manifest => ({
  path: directory === '.' ? 'package.json' : `${directory}/package.json`,
  directory,
  kind: 'npm',
  dependencies: 1,
  ...fields,
});
const framework = (
  name: string,
  category: Framework['category'],
  manifest: string,
  dev = false,
): Framework => ({ name, category, package: name.toLowerCase(), manifest, dev });

const base: SummaryFacts = {
  languages: [],
  primaryLanguage: null,
  manifests: [],
  frameworks: [],
  directories: [],
  files: 0,
  lines: 0,
  testFiles: 0,
};

describe('globToRegExp and findPackages', () => {
  test.each([
    ['packages/*', 'packages/api', true],
    ['packages/*', 'packages/api/nested', false],
    ['crates/**', 'crates/a/b', true],
    ['./server', 'server', true],
    ['server/', 'server', true],
    ['server', 'server-old', false],
  ])('%s matches %s: %s', (glob, dir, matches) => {
    expect(globToRegExp(glob).test(dir)).toBe(matches);
  });

  test('declared workspaces, in the order declared; other manifests are not packages', () => {
    const manifests = [
      npm('.', { workspaces: ['server', 'apps/*'] }),
      npm('apps/web'),
      npm('server'),
      npm('tools/fixture'),
    ];
    const { packages, declaredBy } = findPackages(manifests);
    expect(declaredBy?.path).toBe('package.json');
    expect(packages.map((one) => one.directory)).toEqual(['server', 'apps/web']);
  });

  test('without workspaces, manifest directories outside tests and examples', () => {
    const manifests = [npm('api'), npm('web'), npm('test/fixtures/app'), npm('examples/demo')];
    expect(findPackages(manifests).packages.map((one) => one.directory)).toEqual(['api', 'web']);
  });
});

describe('buildSummary', () => {
  test('a monorepo: its packages, what each uses, test tooling and CI — all from the facts', () => {
    const facts: SummaryFacts = {
      ...base,
      languages: [
        { name: 'TypeScript', kind: 'programming', files: 90, lines: 9_000 },
        { name: 'Svelte', kind: 'markup', files: 10, lines: 1_000 },
        { name: 'JSON', kind: 'data', files: 4, lines: 50_000 },
      ],
      primaryLanguage: 'TypeScript',
      manifests: [
        npm('.', { workspaces: ['server', 'web'] }),
        npm('server', { name: '@acme/server' }),
        npm('web', { name: 'web' }),
      ],
      frameworks: [
        framework('SvelteKit', 'web', 'web/package.json', true),
        framework('NestJS', 'server', 'server/package.json'),
        framework('TypeORM', 'data', 'server/package.json'),
        framework('PostgreSQL', 'database', 'server/package.json'),
        framework('Jest', 'test', 'package.json', true),
      ],
      directories: [
        { path: '.github/workflows/', depth: 2, files: 2, language: 'YAML', role: 'CI' },
      ],
      files: 120,
      lines: 60_000,
      testFiles: 14,
    };
    expect(buildSummary(facts)).toBe(
      'A TypeScript monorepo with 2 npm workspaces (server, web); 120 files, 60,000 lines in ' +
        'recognised languages. By lines of code: TypeScript 90%, Svelte 10%. server ' +
        '(@acme/server) uses NestJS and TypeORM, with clients for PostgreSQL. web uses ' +
        'SvelteKit. Test tooling declared: Jest; 14 files look like tests. CI: 2 GitHub Actions ' +
        'workflow files in .github/workflows.',
    );
    expect(buildStack(facts)).toEqual([
      'TypeScript',
      'Node.js',
      'SvelteKit',
      'NestJS',
      'TypeORM',
      'PostgreSQL',
      'Jest',
    ]);
  });

  test('a single project names its manifest and runtime; no frameworks, none claimed', () => {
    const facts: SummaryFacts = {
      ...base,
      languages: [{ name: 'Go', kind: 'programming', files: 3, lines: 120 }],
      primaryLanguage: 'Go',
      manifests: [
        {
          path: 'go.mod',
          directory: '.',
          kind: 'go',
          name: 'example.com/tool',
          runtime: { go: '1.22' },
          dependencies: 0,
        },
      ],
      files: 5,
      lines: 120,
    };
    const summary = buildSummary(facts);
    expect(summary).toBe(
      'A Go repository (example.com/tool); 5 files, 120 lines in recognised languages.',
    );
    expect(buildStack(facts)).toEqual(['Go 1.22']);
  });

  test('nothing recognised is said plainly', () => {
    expect(buildSummary({ ...base, files: 3 })).toBe(
      'A repository of 3 files with no source in a recognised language.',
    );
    expect(buildStack({ ...base, files: 3 })).toEqual([]);
  });

  test('several root manifests are each described; the primary language’s one names the repository', () => {
    const facts: SummaryFacts = {
      ...base,
      primaryLanguage: 'Python',
      languages: [{ name: 'Python', kind: 'programming', files: 2, lines: 40 }],
      manifests: [
        npm('.', { name: 'js-side' }),
        {
          path: 'pyproject.toml',
          directory: '.',
          kind: 'pyproject',
          name: 'py-side',
          dependencies: 1,
        },
      ],
      frameworks: [
        framework('Express', 'server', 'package.json'),
        framework('FastAPI', 'server', 'pyproject.toml'),
      ],
      files: 4,
      lines: 40,
    };
    expect(buildSummary(facts)).toBe(
      'A Python repository (py-side); 4 files, 40 lines in recognised languages. package.json uses ' +
        'Express. pyproject.toml uses FastAPI.',
    );
  });
});
