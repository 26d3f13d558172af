import { describe, expect, test } from '@jest/globals';
import {
  conventionsSection,
  reuseSection,
  reviewPrompt,
  type DaemonRun,
  type PromptArtifact,
} from './prompts.js';

const artifact = (over: Partial<PromptArtifact>): PromptArtifact => ({
  type: 'FUNCTION',
  name: 'parseProposal',
  language: 'TypeScript',
  framework: null,
  summary: 'Turns JSON into phases.',
  fileRefs: [],
  ...over,
});

describe('reuseSection: existing code for the prompt, one line each', () => {
  test('no artifacts: no section at all', () => {
    expect(reuseSection([])).toEqual([]);
  });

  test.each<[string, Partial<PromptArtifact>, string]>([
    ['plain', {}, '- function parseProposal (TypeScript): Turns JSON into phases.'],
    [
      'a framework and a line range',
      {
        type: 'COMPONENT',
        name: 'Card',
        framework: 'Svelte',
        fileRefs: [{ path: 'web/Card.svelte', startLine: 4, endLine: 20 }],
      },
      '- component Card (TypeScript, Svelte) in web/Card.svelte:4-20: Turns JSON into phases.',
    ],
    [
      'one line, several places, refs without a path skipped',
      {
        fileRefs: [{ path: 'a.ts', startLine: 7, endLine: 7 }, { path: 'b.ts' }, { line: 3 }],
      },
      '- function parseProposal (TypeScript) in a.ts:7, b.ts: Turns JSON into phases.',
    ],
    ['no language, no summary', { language: null, summary: '  ' }, '- function parseProposal'],
    [
      'whitespace in the summary folded',
      { summary: 'Turns\n  JSON\tinto phases.' },
      '- function parseProposal (TypeScript): Turns JSON into phases.',
    ],
  ])('%s', (_name, over, line) => {
    const section = reuseSection([artifact(over)]);
    expect(section.slice(0, 2)).toEqual(['', '# Reuse before writing']);
    expect(section.at(-1)).toBe(line);
  });

  test('a long summary is cut to 300 characters with an ellipsis', () => {
    const [line = ''] = reuseSection([artifact({ summary: 'x'.repeat(1000) })]).slice(-1);
    const summary = line.slice(line.indexOf(': ') + 2);
    expect(summary).toHaveLength(300);
    expect(summary.endsWith('…')).toBe(true);
  });
});

describe("conventionsSection: the project's patterns, whatever the task", () => {
  const pattern = (over: Partial<PromptArtifact> = {}) =>
    artifact({
      type: 'PATTERN',
      name: 'Problem details',
      summary: 'Handlers throw Problem;\n the middleware answers RFC 9457 JSON.',
      fileRefs: [{ path: 'src/http/problem.ts' }, { path: 'src/http/app.ts' }],
      ...over,
    });

  test('none: no section', () => {
    expect(conventionsSection([])).toEqual([]);
  });

  test('each pattern on one line, with the files that show it', () => {
    const section = conventionsSection([pattern(), pattern({ name: 'Bare', fileRefs: [] })]);
    expect(section.slice(0, 2)).toEqual(['', '# Conventions of this code base']);
    expect(section.slice(-2)).toEqual([
      '- Problem details (src/http/problem.ts, src/http/app.ts): Handlers throw Problem; the middleware answers RFC 9457 JSON.',
      '- Bare: Handlers throw Problem; the middleware answers RFC 9457 JSON.',
    ]);
  });

  test('a long summary is cut to 500 characters', () => {
    const [line = ''] = conventionsSection([
      pattern({ summary: 'y'.repeat(2000), fileRefs: [] }),
    ]).slice(-1);
    expect(line).toBe(`- Problem details: ${'y'.repeat(499)}…`);
  });
});

describe('reviewPrompt: the conventions the change is judged against', () => {
  const run = {
    id: 'run_1',
    purpose: 'REVIEW',
    git: { epicBranch: 'maestro/epic', taskBranch: 'maestro/task' },
    task: {
      id: 'task_1',
      title: 'Add a refund endpoint',
      description: 'POST /refunds.',
      skills: [],
    },
  } as unknown as DaemonRun;
  const pattern = artifact({
    type: 'PATTERN',
    name: 'Problem details',
    summary: 'Handlers throw Problem.',
    fileRefs: [{ path: 'src/http/problem.ts' }],
  });

  test('with patterns: listed after the diff, and the verdict asks for them', () => {
    const prompt = reviewPrompt(run, '+ refund', [pattern]);
    expect(prompt.indexOf('```diff')).toBeLessThan(
      prompt.indexOf('# Conventions of this code base'),
    );
    expect(prompt).toContain('- Problem details (src/http/problem.ts): Handlers throw Problem.');
    expect(prompt).toContain(
      'correctly and completely, and that follows the conventions above where it touches them.',
    );
  });

  test('without: neither the section nor the clause', () => {
    const prompt = reviewPrompt(run, '+ refund');
    expect(prompt).not.toContain('Conventions');
    expect(prompt).toContain('does what the task asks, correctly and completely.\nEnd your answer');
  });
});
