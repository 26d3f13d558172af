import { describe, expect, test } from '@jest/globals';
import { INITIAL_CONNECTION } from '../connection/connection-machine.js';
import type { DaemonRun } from '../engine/prompts.js';
import { renderConnections, type ConnectionView } from './live-view.js';

const run = (id: string, purpose: DaemonRun['purpose'], title?: string): DaemonRun =>
  ({
    id,
    purpose,
    attempt: 1,
    task: title ? { title } : null,
  }) as DaemonRun;

// the terminal's colours are not what is tested
const ESCAPE = String.fromCharCode(27);
const plain = (lines: string[]) =>
  lines.map((line) =>
    line
      .split(ESCAPE)
      .map((part, i) => (i === 0 ? part : part.replace(/^\[[0-9;?]*[A-Za-z]/, '')))
      .join(''),
  );

describe('the live view', () => {
  test('each connection: its state, the run in hand and the last runs, newest first', () => {
    const busy: ConnectionView = {
      project: { id: 'prj_1', name: 'shop' },
      session: 'ses_1',
      machine: { ...INITIAL_CONNECTION, state: 'running', runId: 'run_3' },
      current: run('run_3', 'EXECUTION', 'Add the cart'),
      history: [
        { run: run('run_1', 'BOOTSTRAP_EPIC'), end: { kind: 'completed' } },
        {
          run: run('run_2', 'REVIEW', 'Fix login'),
          end: { kind: 'failed', reason: 'the review gave no verdict\nmore' },
        },
      ],
    };
    const down: ConnectionView = {
      project: { id: 'prj_2', name: 'api' },
      session: undefined,
      machine: {
        ...INITIAL_CONNECTION,
        state: 'disconnected',
        attempt: 3,
        lastError: 'socket closed (1006)',
      },
      current: undefined,
      history: [],
    };
    const lines = plain(renderConnections([busy, down], new Date('2026-11-21T10:00:00Z')));
    expect(lines[0]).toMatch(/^maestro — 2 projects — /);
    expect(lines).toContain('▶ shop  running  ses_1');
    expect(lines).toContain('    now: EXECUTION — Add the cart  (run_3, attempt 1)');
    const failed = lines.findIndex((line) =>
      line.includes('REVIEW — Fix login: the review gave no verdict'),
    );
    const completed = lines.findIndex((line) => line.includes('completed   BOOTSTRAP_EPIC'));
    expect(failed).toBeGreaterThan(0);
    expect(completed).toBeGreaterThan(failed);
    expect(lines.join('\n')).not.toContain('more');
    expect(lines).toContain('○ api  disconnected (retry 3: socket closed (1006))  ');
  });
});
