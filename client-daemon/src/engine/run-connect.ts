import { hostname } from 'node:os';
import { SignedOutError } from '../auth/token-source.js';
import { StudioError } from '../connection/studio-client.js';
import { Git } from '../git/git.js';
import { Worktrees } from '../git/worktrees.js';
import type { SessionRole, SessionSkillInput } from '../generated/graphql.js';
import { readConfig } from '../home/config.js';
import { homePaths, machineId } from '../home/paths.js';
import { readProjects, type KnownProject } from '../home/projects.js';
import type { ProviderName } from '../providers/provider.js';
import { ProjectNotFound, resolveProject } from '../project/resolve-project.js';
import { callsForStudio, modelFor, providerChooser, commandSettings } from './daemon-setup.js';
import { openLog, type Logger } from './logger.js';
import { AlreadyRunning, takeMachineLock } from './machine-lock.js';
import { ProjectConnection } from './project-connection.js';
import { RunExecutor } from './run-executor.js';
import type { StudioCalls } from './studio-calls.js';

export interface ConnectOptions {
  readonly home: string;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly role: SessionRole;
  readonly skills: readonly SessionSkillInput[];
  readonly name: string | undefined;
  readonly teamId: string | undefined;
  readonly ephemeral: boolean;
  readonly all: boolean;
  readonly provider: ProviderName | undefined;
  /** Readable log lines on stderr (--no-tui, or no terminal). */
  readonly echo: ((line: string) => void) | undefined;
  readonly json: boolean;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Stops the daemon when it aborts (SIGTERM, SIGINT, maestro disconnect). */
  readonly stop: AbortSignal;
  /** Told when the connections are made (the TUI draws them). */
  readonly onConnections?: (connections: readonly ProjectConnection[]) => void;
}

export type ConnectExit = 0 | 1 | 2 | 4;

/**
 * `maestro connect`: one process for this machine, one connection per project — the
 * repository in the current directory's, or with --all every project this machine knows.
 * Leftovers of an interrupted run are made safe first; then each connection registers a
 * session and works until it is stopped (0), refused (4) or fails for good (1).
 */
export async function runConnect(options: ConnectOptions): Promise<ConnectExit> {
  const config = await readConfig(options.home);
  const settings = commandSettings(config.settings, options.env, options.provider, options.err);
  if (!settings) return 1;
  const { logger, sink } = openLog(homePaths(options.home).logs, {
    level: settings.logLevel,
    echo: options.echo,
    json: options.json,
  });
  let release: (() => Promise<void>) | undefined;
  try {
    const git = new Git(options.env);
    const machine = await machineId(options.home);
    const targets = await targetsOf(options, config.studio, git);
    if (targets.length === 0) {
      options.err(
        'no projects to connect: run maestro auth <token> first, or connect in a clone of a project',
      );
      return 1;
    }
    release = await takeMachineLock(
      options.home,
      targets.map(({ project }) => ({ id: project.id, name: project.name })),
    );
    const worktrees = new Worktrees(git, options.home);
    const connections: ProjectConnection[] = [];
    for (const { project, calls } of targets) {
      const log = logger.child({ project: project.name });
      await recover(worktrees, project, machine, log);
      const executor = new RunExecutor({
        calls,
        git,
        worktrees,
        env: options.env,
        log,
        providerFor: providerChooser(settings),
        modelFor: (run) => modelFor(run, settings),
        staticAnalysis: settings.analysis === 'static',
        onSpawn: (run, pid) => log.info('provider started', { run: run.id, pid }),
      });
      connections.push(
        new ProjectConnection({
          project,
          calls,
          executor,
          log,
          session: {
            role: options.role,
            name: options.name ?? project.bot ?? `${hostname()}`,
            machineId: machine,
            provider: settings.provider,
            skills: [...options.skills],
            ephemeral: options.ephemeral,
            ...(options.teamId ? { teamId: options.teamId } : {}),
          },
        }),
      );
    }
    options.onConnections?.(connections);
    for (const connection of connections) connection.start();
    logger.info('connected', {
      projects: connections.map((c) => c.project.name),
      provider: settings.provider,
      log: sink.file,
    });
    if (options.json) {
      options.out(
        JSON.stringify({
          machineId: machine,
          provider: settings.provider,
          log: sink.file,
          projects: targets.map(({ project }) => ({
            id: project.id,
            name: project.name,
            remote: project.remote,
          })),
        }),
      );
    }
    const stopAll = () => void Promise.all(connections.map((c) => c.stop()));
    if (options.stop.aborted) stopAll();
    else options.stop.addEventListener('abort', stopAll, { once: true });
    const codes = await Promise.all(connections.map((c) => c.done));
    options.stop.removeEventListener('abort', stopAll);
    // one connection refused or failed: the others stop too, and the worst code wins
    if (codes.includes(4)) return 4;
    if (codes.includes(1)) return 1;
    return 0;
  } catch (error) {
    if (error instanceof SignedOutError) {
      options.err(`${error.message}: run maestro auth <token> again`);
      return 4;
    }
    if (error instanceof StudioError && error.code === 'UNAUTHENTICATED') {
      options.err(`${error.message}: run maestro auth <token> again`);
      return 4;
    }
    if (
      error instanceof ProjectNotFound ||
      error instanceof AlreadyRunning ||
      error instanceof StudioError
    ) {
      options.err(error.message);
      return 1;
    }
    throw error;
  } finally {
    await release?.();
    await sink.close();
  }
}

/** The projects to connect, each with the calls of the identity that may work on it. */
async function targetsOf(
  options: ConnectOptions,
  defaultStudio: string | undefined,
  git: Git,
): Promise<Array<{ project: KnownProject; calls: StudioCalls }>> {
  const config = await readConfig(options.home);
  const studioOverride = options.env.MAESTRO_STUDIO_URL?.trim() || undefined;
  if (options.all) {
    const fixed = Boolean(options.env.MAESTRO_TOKEN?.trim());
    const known = (await readProjects(options.home)).filter((project) =>
      fixed
        ? project.studio === (studioOverride ?? defaultStudio)
        : config.identities.some((one) => one.studio === project.studio),
    );
    const targets: Array<{ project: KnownProject; calls: StudioCalls }> = [];
    for (const project of known) {
      const { calls } = await callsForStudio(
        options.home,
        options.env,
        project.studio,
        options.err,
      );
      targets.push({ project, calls });
    }
    return targets;
  }
  const studio = studioOverride ?? defaultStudio;
  if (!studio) throw new SignedOutError('this machine is not connected to a Studio');
  const { calls, identity } = await callsForStudio(options.home, options.env, studio, options.err);
  const project = await resolveProject({
    home: options.home,
    git,
    cwd: options.cwd,
    studio,
    workspaceId: identity?.workspaceId ?? '',
    calls,
    interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
    err: options.err,
  });
  return [{ project, calls }];
}

/** Makes safe what an interrupted run left in this project's worktrees (DESIGN §9). */
async function recover(
  worktrees: Worktrees,
  project: KnownProject,
  machine: string,
  log: Logger,
): Promise<void> {
  try {
    for (const found of await worktrees.recover(project.id, machine)) {
      log.warn('recovered a worktree left by an interrupted run', {
        dir: found.dir,
        branch: found.branch,
        committed: found.outcome.committed,
        ...(found.outcome.pushedTo ? { pushedTo: found.outcome.pushedTo } : {}),
      });
    }
  } catch (error) {
    log.error('could not recover the worktrees; they are left as they are', {
      error: error instanceof Error ? error.message : String(error),
    });
  }
}
