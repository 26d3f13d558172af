import { describe, expect, test } from '@jest/globals';
import { claudeReader, codexReader, plainReader, rateLimitReset, subtasksIn } from './output.js';

const NOW = new Date('2026-11-21T12:00:00.000Z');
const lines = (...events: unknown[]) =>
  events.map((event) => (typeof event === 'string' ? event : JSON.stringify(event)));

describe('claude stream-json', () => {
  const session = 'c6b0b9f4-2f1e-4b8a-9d1c-2b1f0a9e7d11';
  const run = (events: string[]) => {
    const reader = claudeReader(() => NOW);
    const display: string[] = [];
    const subtasks: string[] = [];
    for (const line of events) {
      const reading = reader.line(line);
      display.push(...reading.display);
      subtasks.push(...reading.subtasks);
    }
    return { display, subtasks, outcome: reader.outcome() };
  };

  test('text and tool use are shown; the result gives usage, cost and the model', () => {
    const { display, subtasks, outcome } = run(
      lines(
        {
          type: 'system',
          subtype: 'init',
          session_id: session,
          model: 'claude-sonnet-4-5',
          cwd: '/w/t',
          tools: ['Read', 'Edit'],
        },
        {
          type: 'assistant',
          session_id: session,
          message: {
            model: 'claude-sonnet-4-5',
            content: [
              { type: 'text', text: 'Reading the parser.' },
              { type: 'tool_use', id: 'toolu_1', name: 'Edit', input: { file_path: 'src/a.ts' } },
            ],
            usage: { input_tokens: 3, output_tokens: 20 },
          },
        },
        {
          type: 'user',
          session_id: session,
          message: { content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'ok' }] },
        },
        {
          type: 'assistant',
          session_id: session,
          message: {
            content: [
              { type: 'text', text: 'Done.\nMAESTRO:SUBTASK{"title":"Cover the edge cases"}' },
            ],
          },
        },
        {
          type: 'result',
          subtype: 'success',
          is_error: false,
          duration_ms: 41230,
          num_turns: 4,
          result: 'Done.',
          session_id: session,
          total_cost_usd: 0.0834,
          usage: {
            input_tokens: 12,
            cache_creation_input_tokens: 7924,
            cache_read_input_tokens: 13368,
            output_tokens: 912,
          },
        },
      ),
    );
    expect(display).toEqual([
      'Reading the parser.',
      '[Edit] {"file_path":"src/a.ts"}',
      'Done.\nMAESTRO:SUBTASK{"title":"Cover the edge cases"}',
    ]);
    expect(subtasks).toEqual(['{"title":"Cover the edge cases"}']);
    expect(outcome).toEqual({
      text: 'Done.',
      tokensIn: 12 + 7924 + 13368,
      tokensOut: 912,
      costUsd: 0.0834,
      model: 'claude-sonnet-4-5',
      failed: undefined,
      rateLimitedUntil: undefined,
    });
  });

  test('an error result fails the run; a usage limit pauses it until the reset', () => {
    const limited = run(
      lines({
        type: 'result',
        subtype: 'success',
        is_error: true,
        result: 'Claude AI usage limit reached|1795276800',
        total_cost_usd: 0,
        usage: {},
      }),
    );
    expect(limited.outcome).toMatchObject({
      failed: 'Claude AI usage limit reached|1795276800',
      rateLimitedUntil: new Date(1795276800 * 1000),
    });
    const broken = run(
      lines({ type: 'result', subtype: 'error_max_turns', is_error: true, usage: {} }),
    );
    expect(broken.outcome).toMatchObject({
      failed: 'error_max_turns',
      rateLimitedUntil: undefined,
    });
    expect(run(lines({ type: 'system', subtype: 'init' })).outcome.failed).toBe(
      'claude ended without a result',
    );
  });

  test('lines that are not JSON are shown as they are', () => {
    expect(run(['warning: something', '']).display).toEqual(['warning: something']);
  });
});

describe('codex exec --json', () => {
  test('agent messages, commands and file changes are shown; turns add up usage', () => {
    const reader = codexReader(() => NOW);
    const display = lines(
      { type: 'thread.started', thread_id: '0199a213-81c0-7800-8aa1-bbab2a035a53' },
      { type: 'turn.started' },
      { type: 'item.completed', item: { id: 'item_0', type: 'reasoning', text: '**Planning**' } },
      {
        type: 'item.completed',
        item: {
          id: 'item_1',
          type: 'command_execution',
          command: 'npm test',
          aggregated_output: 'ok',
          exit_code: 0,
          status: 'completed',
        },
      },
      {
        type: 'item.completed',
        item: {
          id: 'item_2',
          type: 'file_change',
          changes: [{ path: 'src/a.ts', kind: 'update' }],
          status: 'completed',
        },
      },
      {
        type: 'item.completed',
        item: { id: 'item_3', type: 'agent_message', text: 'Fixed the parser.' },
      },
      {
        type: 'turn.completed',
        usage: { input_tokens: 2946, cached_input_tokens: 1024, output_tokens: 87 },
      },
      {
        type: 'turn.completed',
        usage: { input_tokens: 100, cached_input_tokens: 0, output_tokens: 13 },
      },
    ).flatMap((line) => reader.line(line).display);
    expect(display).toEqual(['$ npm test', '[file] update src/a.ts', 'Fixed the parser.']);
    expect(reader.outcome()).toEqual({
      text: 'Fixed the parser.',
      tokensIn: 3046,
      tokensOut: 100,
      costUsd: 0,
      model: undefined,
      failed: undefined,
      rateLimitedUntil: undefined,
    });
  });

  test('a failed turn fails the run; a rate limit pauses it', () => {
    const reader = codexReader(() => NOW);
    reader.line(
      JSON.stringify({
        type: 'turn.failed',
        error: { message: 'Rate limit reached for gpt-5-codex. Please try again in 20s.' },
      }),
    );
    expect(reader.outcome()).toMatchObject({
      failed: 'Rate limit reached for gpt-5-codex. Please try again in 20s.',
      rateLimitedUntil: new Date(NOW.getTime() + 20_000),
    });
  });
});

describe('plain providers and directives', () => {
  test('every line is shown and subtasks are picked out', () => {
    const reader = plainReader(() => NOW);
    expect(reader.line('Applied edit to src/a.ts')).toEqual({
      display: ['Applied edit to src/a.ts'],
      subtasks: [],
    });
    expect(reader.line('MAESTRO:SUBTASK{"title":"x","replan":true}').subtasks).toEqual([
      '{"title":"x","replan":true}',
    ]);
    expect(reader.outcome()).toMatchObject({
      tokensIn: 0,
      failed: undefined,
      rateLimitedUntil: undefined,
    });
  });

  test.each([
    ['x MAESTRO:SUBTASK{"title":"a"}', []],
    ['  MAESTRO:SUBTASK{"title":"a"}  ', ['{"title":"a"}']],
    ['MAESTRO:SUBTASK{broken', []],
    ['line\nMAESTRO:SUBTASK{"a":1}\nMAESTRO:SUBTASK{"b":2}', ['{"a":1}', '{"b":2}']],
  ])('subtasksIn(%j)', (text, found) => {
    expect(subtasksIn(text)).toEqual(found);
  });

  test.each([
    ['429 Too Many Requests: try again in 3 minutes', new Date(NOW.getTime() + 180_000)],
    ['rate limit exceeded, resets at 2026-11-21T13:00:00Z', new Date('2026-11-21T13:00:00Z')],
    ['usage limit reached|1795276800', new Date(1795276800 * 1000)],
    ['quota exhausted', new Date(NOW.getTime() + 60_000)],
    ['the build failed', undefined],
  ])('rateLimitReset(%j)', (text, expected) => {
    expect(rateLimitReset(text, NOW)).toEqual(expected);
  });
});
