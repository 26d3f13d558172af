import { describe, expect, test } from '@jest/globals';
import type { CurrentPlan, CurrentTask } from '../proposal-diff.js';
import {
  buildPlannerPrompt,
  currentPlanSection,
  PROMPT_LIMITS,
  renderPlannerPrompt,
  type PlannerPromptInput,
} from './planner-prompt.js';

function input(overrides: Partial<PlannerPromptInput> = {}): PlannerPromptInput {
  return {
    project: { name: 'Shop' },
    plan: { name: 'Checkout v2', description: 'Rebuild the checkout.', status: 'DRAFT' },
    repoContext: {
      framework: 'Fastify',
      techStack: ['TypeScript', 'PostgreSQL'],
      architectureSummary: 'A modular monolith.',
      directoryMap: { 'src/cart': 'the cart service', 'src/api': 'HTTP routes' },
    },
    contextFiles: [{ kind: 'CONVENTIONS', name: 'style', content: 'Use kebab-case files.' }],
    knowledge: [
      {
        type: 'SERVICE',
        name: 'CartService',
        summary: 'Adds and removes\ncart items.',
        language: 'typescript',
        framework: null,
        paths: ['src/cart/cart.service.ts'],
      },
    ],
    skills: [
      { slug: 'typescript', name: 'TypeScript' },
      { slug: 'sql', name: 'SQL' },
    ],
    conversation: [{ author: 'USER', body: 'Plan a faster checkout.' }],
    ...overrides,
  };
}

describe('buildPlannerPrompt', () => {
  test('the system prompt asks for the proposal format and carries the project facts', () => {
    const [system, ...rest] = buildPlannerPrompt(input());
    expect(system?.role).toBe('system');
    const text = system?.content ?? '';
    expect(text).toContain('```json');
    expect(text).toContain('"phases"');
    expect(text).toContain('Framework: Fastify');
    expect(text).toContain('Tech stack: TypeScript, PostgreSQL');
    expect(text).toContain('- src/api: HTTP routes');
    expect(text).toContain('## CONVENTIONS: style');
    expect(text).toContain(
      '- SERVICE CartService (typescript) in src/cart/cart.service.ts: Adds and removes cart items.',
    );
    expect(text).toContain('- typescript: TypeScript');
    expect(text).toContain('Plan: Checkout v2 (DRAFT)');
    expect(rest).toEqual([{ role: 'user', content: 'Plan a faster checkout.' }]);
  });

  test("the project's patterns are listed whole, each once, before the nearest knowledge", () => {
    const pattern = {
      type: 'PATTERN',
      name: 'Problem details',
      summary: 'Handlers throw Problem; the middleware answers RFC 9457 JSON.',
      language: 'typescript',
      framework: null,
      paths: ['src/http/problem.ts'],
    };
    const base = input();
    const text =
      buildPlannerPrompt({
        ...base,
        knowledge: [...base.knowledge, pattern],
        patterns: [pattern],
      })[0]?.content ?? '';
    const line =
      '- PATTERN Problem details (typescript) in src/http/problem.ts: Handlers throw Problem; the middleware answers RFC 9457 JSON.';
    expect(text.split(line)).toHaveLength(2);
    expect(text.indexOf('Conventions of this code base')).toBeLessThan(text.indexOf(line));
    expect(text.indexOf(line)).toBeLessThan(text.indexOf('Existing code to reuse'));
    expect(text).toContain('- SERVICE CartService');
    // no patterns, no section
    expect(buildPlannerPrompt(input())[0]?.content).not.toContain('Conventions of this code base');
    const many = Array.from({ length: 20 }, (_, i) => ({ ...pattern, name: `Pattern ${i}` }));
    const capped = buildPlannerPrompt({ ...base, patterns: many })[0]?.content ?? '';
    expect(capped.match(/- PATTERN /g)).toHaveLength(PROMPT_LIMITS.patterns);
  });

  test('says so when the repository is not analysed and no skills exist', () => {
    const [system] = buildPlannerPrompt(
      input({ repoContext: null, skills: [], contextFiles: [], knowledge: [] }),
    );
    expect(system?.content).toContain('# Repository context\n\nNot analysed yet.');
    expect(system?.content).toContain('None defined yet');
    expect(system?.content).not.toContain('# Context files');
    expect(system?.content).not.toContain('Existing code to reuse');
  });

  test('the conversation maps authors to roles and leaves Studio’s notices out', () => {
    const messages = buildPlannerPrompt(
      input({
        conversation: [
          { author: 'USER', body: 'Plan it.' },
          { author: 'PLANNER', body: 'Which database?' },
          { author: 'SYSTEM', body: 'The planner could not answer.' },
          { author: 'USER', body: 'PostgreSQL.' },
        ],
      }),
    ).slice(1);
    expect(messages).toEqual([
      { role: 'user', content: 'Plan it.' },
      { role: 'assistant', content: 'Which database?' },
      { role: 'user', content: 'PostgreSQL.' },
    ]);
  });

  test('a long conversation drops its oldest messages first and always keeps the latest', () => {
    const long = 'x'.repeat(15_000);
    const conversation = Array.from({ length: 6 }, (_, i) => ({
      author: i % 2 === 0 ? ('USER' as const) : ('PLANNER' as const),
      body: `${i}${long}`,
    }));
    const messages = buildPlannerPrompt(input({ conversation })).slice(1);
    const total = messages.reduce((sum, m) => sum + m.content.length, 0);
    expect(total).toBeLessThanOrEqual(PROMPT_LIMITS.conversationChars);
    expect(messages.at(-1)?.content.startsWith('5')).toBe(true);
    expect(messages.map((m) => m.content[0])).toEqual(['4', '5']);

    const huge = buildPlannerPrompt(
      input({ conversation: [{ author: 'USER', body: 'y'.repeat(50_000) }] }),
    );
    expect(huge[1]?.content.length).toBe(PROMPT_LIMITS.messageChars);
    expect(huge[1]?.content.endsWith('… (trimmed)')).toBe(true);
  });

  test('context files are trimmed each and in all; the rest are counted', () => {
    const files = Array.from({ length: 6 }, (_, i) => ({
      kind: 'DOC',
      name: `f${i}`,
      content: `${i}`.repeat(10_000),
    }));
    const [system] = buildPlannerPrompt(input({ contextFiles: files }));
    const text = system?.content ?? '';
    expect(text).toContain('## DOC: f0');
    expect(text).toContain('## DOC: f2');
    expect(text).not.toContain('## DOC: f3');
    expect(text).toContain('(3 more context files left out for length)');
    const section = text.slice(text.indexOf('# Context files'), text.indexOf('# Existing code'));
    expect(section.length).toBeLessThan(PROMPT_LIMITS.contextFilesChars + 500);
  });

  test('knowledge hits, skills and directories are capped', () => {
    const knowledge = Array.from({ length: 20 }, (_, i) => ({
      type: 'HELPER',
      name: `helper${i}`,
      summary: 's'.repeat(2_000),
      language: null,
      framework: null,
      paths: [],
    }));
    const skills = Array.from({ length: 250 }, (_, i) => ({ slug: `s${i}`, name: `S${i}` }));
    const directoryMap = Object.fromEntries(
      Array.from({ length: 100 }, (_, i) => [`d${String(i).padStart(3, '0')}`, 'dir']),
    );
    const [system] = buildPlannerPrompt(
      input({ knowledge, skills, repoContext: { ...input().repoContext!, directoryMap } }),
    );
    const text = system?.content ?? '';
    expect(text.match(/- HELPER /g)).toHaveLength(PROMPT_LIMITS.knowledgeHits);
    expect(text).toContain('- … and 50 more');
    expect(text).toContain('- … and 40 more');
    expect(text).not.toContain('s'.repeat(PROMPT_LIMITS.knowledgeSummaryChars + 1));
  });
});

describe('renderPlannerPrompt', () => {
  test('one text: the system prompt, the transcript, and what to answer', () => {
    const text = renderPlannerPrompt(
      input({
        conversation: [
          { author: 'USER', body: 'Plan it.' },
          { author: 'PLANNER', body: 'Which database?' },
          { author: 'USER', body: 'PostgreSQL.' },
        ],
      }),
    );
    expect(text).toContain('Framework: Fastify');
    expect(text).toContain('### User\n\nPlan it.\n\n### Planner\n\nWhich database?');
    expect(text.trimEnd().endsWith('(do not edit files).')).toBe(true);
  });
});

describe('the plan as it is', () => {
  const task = (over: Partial<CurrentTask>): CurrentTask => ({
    id: 't1',
    title: 'Schema',
    description: '',
    skills: [],
    dependsOn: [],
    canRunParallel: true,
    splittable: false,
    status: 'DRAFT',
    ...over,
  });
  const current: CurrentPlan = {
    phases: [
      {
        id: 'p1',
        key: 'backend',
        name: 'Backend',
        tasks: [
          task({ id: 't1', key: 'schema', skills: [{ slug: 'sql', proficiency: 3 }] }),
          task({
            id: 't2',
            title: 'Cart API',
            status: 'MERGED',
            dependsOn: ['t1'],
            estimateMinutes: 90,
          }),
        ],
      },
      { id: 'p2', name: 'UI', tasks: [task({ id: 't3', title: 'Cart page', dependsOn: ['t2'] })] },
    ],
  };

  test('a plan without tasks has no such section', () => {
    expect(currentPlanSection(undefined)).toBeUndefined();
    expect(currentPlanSection({ phases: [{ id: 'p', name: 'Empty', tasks: [] }] })).toBeUndefined();
    const [system] = buildPlannerPrompt(input());
    expect(system?.content).not.toContain('# The plan as it is');
  });

  test('phases and tasks in the proposal format: keys, statuses, skills, dependencies by key or title', () => {
    const text = currentPlanSection(current) ?? '';
    expect(text).toContain('The plan already has 3 tasks.');
    expect(text).toContain('repeat the key');
    const json = JSON.parse(text.slice(text.indexOf('```json') + 7, text.lastIndexOf('```'))) as {
      phases: Array<{ key?: string; name: string; tasks: Array<Record<string, unknown>> }>;
    };
    expect(json.phases.map((phase) => phase.key ?? phase.name)).toEqual(['backend', 'UI']);
    expect(json.phases[0]?.tasks).toEqual([
      { key: 'schema', title: 'Schema', status: 'DRAFT', skills: ['sql:3'] },
      { title: 'Cart API', status: 'MERGED', estimateMinutes: 90, dependsOn: ['schema'] },
    ]);
    // a dependency on a task without a key is named by its title
    expect(json.phases[1]?.tasks[0]).toMatchObject({ dependsOn: ['Cart API'] });
    const [system] = buildPlannerPrompt(input({ current }));
    expect(system?.content).toContain('# The plan as it is');
  });

  test('too long: whole phases are left out, and the prompt says how many', () => {
    const many: CurrentPlan = {
      phases: Array.from({ length: 40 }, (_, p) => ({
        id: `p${p}`,
        name: `Phase ${p}`,
        tasks: Array.from({ length: 10 }, (_, t) =>
          task({ id: `t${p}-${t}`, key: `k${p}-${t}`, title: `${'Task '.repeat(20)}${p}-${t}` }),
        ),
      })),
    };
    const text = currentPlanSection(many) ?? '';
    const json = text.slice(text.indexOf('```json') + 7, text.lastIndexOf('```'));
    expect(json.length).toBeLessThanOrEqual(PROMPT_LIMITS.currentPlanChars + 2);
    expect(text).toMatch(/\(\d+ more phases left out for length\)$/);
    expect(text).toContain('The plan already has 400 tasks.');
  });
});
