import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ProviderOutcome } from './output.js';
import type { Provider, ProviderRequest, ProviderResult } from './provider.js';
import { gitDirAround, guardWorkdir } from './workdir-guard.js';

const POLL_MS = 500;
const DONE_FILE = 'maestro-done.json';

/** What a person reports with `maestro task done`. */
export interface ManualDone {
  readonly summary?: string;
  readonly failed?: string;
}

/** The file `maestro task done` writes: in the worktree's git dir, never committed. */
export async function manualDoneFile(workdir: string): Promise<string> {
  return path.join(await gitDirAround(workdir), DONE_FILE);
}

/** Reports a manual run as done (or failed), from the worktree or any directory inside it. */
export async function writeManualDone(workdir: string, done: ManualDone): Promise<void> {
  const file = await manualDoneFile(workdir);
  const body: ManualDone = {
    ...(done.summary !== undefined ? { summary: done.summary } : {}),
    ...(done.failed !== undefined ? { failed: done.failed } : {}),
  };
  // written aside and renamed, so the waiting run never reads half a file
  const partial = `${file}.${process.pid}.tmp`;
  await writeFile(partial, `${JSON.stringify(body)}\n`, { mode: 0o600 });
  await rename(partial, file);
}

/**
 * A person does the work: nothing is spawned. The run tells them where the worktree is and
 * waits until they run `maestro task done` there (or the run is aborted).
 */
export function manualProvider(): Provider {
  return {
    name: 'manual',
    canWork: true,
    async run(request) {
      const repo = await guardWorkdir(request.workdir, request.env);
      const file = path.join(repo.gitDir, DONE_FILE);
      request.onSpawn?.(undefined);
      request.onLine({
        display: [
          `Waiting for you: ${request.purpose === 'work' ? 'do the work' : 'answer'} in ` +
            `${repo.dir}, then run \`maestro task done\` there.`,
        ],
        subtasks: [],
      });
      return waitForDone(file, request);
    },
  };
}

async function waitForDone(file: string, request: ProviderRequest): Promise<ProviderResult> {
  const { signal } = request;
  const outcome = (done: ManualDone): ProviderOutcome => ({
    text: done.summary ?? '',
    tokensIn: 0,
    tokensOut: 0,
    costUsd: 0,
    model: undefined,
    failed: done.failed,
    rateLimitedUntil: undefined,
  });
  while (!signal.aborted) {
    const done = await readDone(file);
    if (done) {
      await rm(file, { force: true });
      return {
        outcome: outcome(done),
        exitCode: done.failed === undefined ? 0 : 1,
        signal: null,
        aborted: false,
        stderrTail: '',
      };
    }
    await pause(POLL_MS, signal);
  }
  return { outcome: outcome({}), exitCode: null, signal: null, aborted: true, stderrTail: '' };
}

async function readDone(file: string): Promise<ManualDone | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const value = JSON.parse(text) as Record<string, unknown>;
    return {
      ...(typeof value.summary === 'string' ? { summary: value.summary } : {}),
      ...(typeof value.failed === 'string' ? { failed: value.failed } : {}),
    };
  } catch {
    return { failed: `${file} is not valid JSON` };
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
