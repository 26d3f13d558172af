import { existsSync } from 'node:fs';
import path from 'node:path';
import { hostname } from 'node:os';
import { SignedOutError } from '../auth/token-source.js';
import { StudioError } from '../connection/studio-client.js';
import { Git } from '../git/git.js';
import { Worktrees } from '../git/worktrees.js';
import {
  DaemonAcceptTaskDocument,
  DaemonEndSessionDocument,
  DaemonRegisterSessionDocument,
  DaemonTaskProjectDocument,
} from '../generated/graphql.js';
import { readConfig } from '../home/config.js';
import { homePaths, machineId } from '../home/paths.js';
import { manualDoneFile, writeManualDone } from '../providers/manual-provider.js';
import type { ProviderName } from '../providers/provider.js';
import { callsForStudio, modelFor, providerChooser, commandSettings } from './daemon-setup.js';
import { openLog } from './logger.js';
import { messageOf, RunExecutor } from './run-executor.js';
import { pause, settled, UserErrorsFailure, type StudioCalls } from './studio-calls.js';

export interface TaskAcceptOptions {
  readonly home: string;
  readonly env: NodeJS.ProcessEnv;
  readonly taskId: string;
  readonly provider: ProviderName | undefined;
  readonly json: boolean;
  readonly stop: AbortSignal;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/**
 * `maestro task accept <id>`: a session of its own in the task's project, acceptTask (which
 * creates and claims the run), the run done here like any other, then the session ended.
 */
export async function runTaskAccept(options: TaskAcceptOptions): Promise<0 | 1 | 4> {
  const config = await readConfig(options.home);
  const studio = options.env.MAESTRO_STUDIO_URL?.trim() || config.studio;
  if (!studio) {
    options.err('this machine is not connected to a Studio: run maestro auth <token> first');
    return 1;
  }
  const settings = commandSettings(config.settings, options.env, options.provider, options.err);
  if (!settings) return 1;
  const { logger, sink } = openLog(homePaths(options.home).logs, {
    level: settings.logLevel,
    echo: options.err,
  });
  let sessionId: string | undefined;
  let calls: StudioCalls | undefined;
  try {
    calls = (await callsForStudio(options.home, options.env, studio, options.err)).calls;
    const { task } = await calls.request(DaemonTaskProjectDocument, { taskId: options.taskId });
    if (!task) throw new UserErrorsFailure('NOT_FOUND', `no task ${options.taskId} on ${studio}`);
    const git = new Git(options.env);
    const { registerSession } = await calls.request(DaemonRegisterSessionDocument, {
      input: {
        projectId: task.project.id,
        role: 'WORKER',
        name: `${hostname()} (task accept)`,
        machineId: await machineId(options.home),
        provider: settings.provider,
        ephemeral: true,
      },
    });
    sessionId = settled(registerSession).session?.id;
    if (!sessionId) throw new UserErrorsFailure('INTERNAL', 'Studio registered no session');
    const { acceptTask } = await calls.request(DaemonAcceptTaskDocument, {
      sessionId,
      taskId: task.id,
    });
    const { run, leaseVersion } = settled(acceptTask);
    if (!run || leaseVersion === null || leaseVersion === undefined) {
      throw new UserErrorsFailure('CONFLICT', `${task.title} has no run to accept`);
    }
    const log = logger.child({ project: task.project.name });
    const executor = new RunExecutor({
      calls,
      git,
      worktrees: new Worktrees(git, options.home),
      env: options.env,
      log,
      providerFor: providerChooser(settings),
      modelFor: (one) => modelFor(one, settings),
      staticAnalysis: settings.analysis === 'static',
    });
    const end = await executor.perform(run, leaseVersion, options.stop);
    if (options.json) options.out(JSON.stringify({ task: task.id, run: run.id, ...end }));
    else options.out(`${task.title}: ${end.kind}${'reason' in end ? ` (${end.reason})` : ''}`);
    return end.kind === 'completed' ? 0 : 1;
  } catch (error) {
    if (
      error instanceof SignedOutError ||
      (error instanceof StudioError && error.code === 'UNAUTHENTICATED')
    ) {
      options.err(`${messageOf(error)}: run maestro auth <token> again`);
      return 4;
    }
    if (error instanceof UserErrorsFailure || error instanceof StudioError) {
      options.err(messageOf(error));
      return 1;
    }
    throw error;
  } finally {
    if (calls && sessionId) {
      await calls.request(DaemonEndSessionDocument, { sessionId }).catch(() => undefined);
    }
    await sink.close();
  }
}

export interface TaskDoneOptions {
  readonly home: string;
  readonly cwd: string;
  readonly summary: string | undefined;
  readonly failed: string | undefined;
  readonly json: boolean;
  readonly timeoutMs: number;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/**
 * `maestro task done`, in the worktree of a manual run: tells the daemon waiting on it that the
 * person is done (or gives up), and waits for the daemon to take it (8 when none did in time).
 */
export async function runTaskDone(options: TaskDoneOptions): Promise<0 | 1 | 8> {
  const git = new Git();
  const top = await git.attempt(options.cwd, 'rev-parse', '--show-toplevel');
  const worktrees = path.resolve(homePaths(options.home).worktrees);
  if (!top.ok || !path.resolve(top.stdout).startsWith(`${worktrees}${path.sep}`)) {
    options.err(
      `${options.cwd} is not a task worktree: run maestro task done in the directory the daemon prepared (under ${worktrees})`,
    );
    return 1;
  }
  if (options.summary !== undefined && options.failed !== undefined) {
    options.err('give --summary or --failed, not both');
    return 1;
  }
  const workdir = top.stdout;
  await writeManualDone(workdir, {
    ...(options.summary !== undefined ? { summary: options.summary } : {}),
    ...(options.failed !== undefined ? { failed: options.failed } : {}),
  });
  const file = await manualDoneFile(workdir);
  const deadline = Date.now() + options.timeoutMs;
  while (existsSync(file)) {
    if (Date.now() > deadline) {
      options.err(
        'no daemon took it yet: is maestro connect (or task accept) running for this task?',
      );
      if (options.json) options.out(JSON.stringify({ worktree: workdir, taken: false }));
      return 8;
    }
    await pause(250);
  }
  options.out(
    options.json
      ? JSON.stringify({ worktree: workdir, taken: true })
      : `handed to the daemon: it commits, pushes and completes the run`,
  );
  return 0;
}
