import { execFile } from 'node:child_process';
import { mkdtemp, writeFile, chmod } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  bootstrapEpic,
  cleanupBranches,
  mergeTask,
  releaseEpic,
} from '../../../client-daemon/src/git/deterministic.js';
import { Git } from '../../../client-daemon/src/git/git.js';
import { mutation, ok } from './mutations.js';
import type { TestServer } from './test-server.js';

const exec = promisify(execFile);

const IDENTITY = {
  GIT_AUTHOR_NAME: 'Maestro Test',
  GIT_AUTHOR_EMAIL: 'test@maestro.test',
  GIT_COMMITTER_NAME: 'Maestro Test',
  GIT_COMMITTER_EMAIL: 'test@maestro.test',
  GIT_CONFIG_NOSYSTEM: '1',
};

/** The daemon's own git layer, which the deterministic runs here use as a daemon does. */
const daemonGit = new Git({ ...process.env, ...IDENTITY });

/** Runs git in `cwd` (the daemon's runner); returns stdout. Fails with git's stderr. */
export function git(cwd: string, ...args: string[]): Promise<string> {
  return daemonGit.run(cwd, ...args);
}

/** A bare repository with `main` holding one commit (README.md and app.txt); returns its path. */
export async function bareRepository(root: string, lines: string[]): Promise<string> {
  const origin = path.join(root, 'origin.git');
  await exec('git', ['init', '--bare', '--initial-branch=main', origin]);
  const seed = path.join(root, 'seed');
  await exec('git', ['clone', '-q', origin, seed]);
  await git(seed, 'checkout', '-q', '-b', 'main');
  await writeFile(path.join(seed, 'README.md'), '# app\n');
  await writeFile(path.join(seed, 'app.txt'), `${lines.join('\n')}\n`);
  await git(seed, 'add', '-A');
  await git(seed, 'commit', '-q', '-m', 'initial commit');
  await git(seed, 'push', '-q', 'origin', 'main');
  return origin;
}

/**
 * A stand-in agent: an executable script that edits the worktree the way its task says (it
 * replaces line `line` of app.txt with `text`, or appends `text` to `file`) and commits.
 */
export async function standInAgent(
  dir: string,
  name: string,
  edit: { file: string; text: string } | { line: number; text: string },
): Promise<string> {
  const script = path.join(dir, `${name}.sh`);
  const body =
    'line' in edit
      ? `sed -i '${edit.line}s/.*/${edit.text}/' app.txt\n`
      : `printf '%s\\n' '${edit.text}' >> '${edit.file}'\n`;
  await writeFile(
    script,
    `#!/bin/sh\nset -e\n${body}git add -A\ngit commit -q -m "${name}: ${edit.text}"\n`,
  );
  await chmod(script, 0o755);
  return script;
}

export interface ClaimedRun {
  id: string;
  purpose: string;
  attempt: number;
  instructions: Record<string, unknown> | null;
  task: { id: string; title: string } | null;
  git: {
    remoteUrl: string;
    baseBranch: string;
    epicBranch: string | null;
    taskBranch: string | null;
  } | null;
}

const RUN =
  'id purpose attempt instructions task { id title } git { remoteUrl baseBranch epicBranch taskBranch }';

/** What the stand-in daemon does for a task's EXECUTION or REVIEW (the rest is plain git). */
export interface Agents {
  /** The executable that does the task's work in the worktree (it commits). */
  work(run: ClaimedRun, workdir: string): Promise<string>;
  /** The reviewer's output for the task (it ends with a verdict line). */
  review(run: ClaimedRun): string;
}

/**
 * A daemon driven only through the GraphQL API, doing every run in a clone of the project's
 * remote: register, claim, heartbeat, stream output, complete or fail. The deterministic runs
 * use the daemon's own git layer (client-daemon/src/git); the agents are stand-in executables.
 */
export class GitDaemon {
  readonly log: string[] = [];
  private constructor(
    private readonly server: TestServer,
    readonly sessionId: string,
    private readonly scratch: string,
    private readonly agents: Agents,
  ) {}

  static async connect(server: TestServer, projectId: string, agents: Agents): Promise<GitDaemon> {
    const { session } = await ok<{ session: { id: string } }>(
      server,
      'registerSession',
      {
        projectId,
        role: 'LEAD',
        name: 'git-daemon',
        machineId: 'machine-git-daemon',
        provider: 'command',
      },
      'session { id }',
    );
    const scratch = await mkdtemp(path.join(os.tmpdir(), 'maestro-git-daemon-'));
    return new GitDaemon(server, session.id, scratch, agents);
  }

  /** Claims and does the next run; false when there is none. */
  async step(): Promise<boolean> {
    const { run, leaseVersion } = await ok<{
      run: ClaimedRun | null;
      leaseVersion: number | null;
    }>(this.server, 'claimRun', { sessionId: this.sessionId }, `run { ${RUN} } leaseVersion`);
    if (!run || leaseVersion === null) return false;
    await this.perform(run, leaseVersion);
    return true;
  }

  /** Claims and does runs until none is left; returns how many it did. */
  async drain(limit = 50): Promise<number> {
    for (let done = 0; done < limit; done++) {
      if (!(await this.step())) return done;
    }
    throw new Error(`more than ${limit} runs: the loop does not settle`);
  }

  private async perform(run: ClaimedRun, leaseVersion: number): Promise<void> {
    const lease = { runId: run.id, leaseVersion };
    await ok(this.server, 'heartbeatRun', lease, 'run { status }');
    this.log.push(`${run.purpose}${run.task ? ` ${run.task.title}` : ''}`);
    const info = run.git;
    if (!info) throw new Error(`run ${run.id} has no git info`);
    const dir = await mkdtemp(path.join(this.scratch, `${run.purpose.toLowerCase()}-`));
    await exec('git', ['clone', '-q', info.remoteUrl, dir]);
    const epic = info.epicBranch as string;
    const branch = info.taskBranch as string;
    const remoteHas = async (name: string) =>
      (await git(dir, 'ls-remote', '--heads', 'origin', name)) !== '';
    switch (run.purpose) {
      case 'BOOTSTRAP_EPIC':
        await bootstrapEpic(daemonGit, dir, { base: info.baseBranch, epic });
        break;
      case 'EXECUTION': {
        if (await remoteHas(branch))
          await git(dir, 'checkout', '-q', '-b', branch, `origin/${branch}`);
        else await git(dir, 'checkout', '-q', '-b', branch, `origin/${epic}`);
        if (run.instructions?.kind === 'RESOLVE_CONFLICT') {
          // bring the epic in and settle each conflict the agent's way (keep both lines)
          const merged = await exec(
            'git',
            ['merge', '--no-ff', '-m', `Merge ${epic}`, `origin/${epic}`],
            { cwd: dir },
          ).then(
            () => true,
            () => false,
          );
          if (!merged) {
            const file = path.join(dir, 'app.txt');
            const { stdout } = await exec('sed', [
              '-e',
              '/^<<<<<<< /d',
              '-e',
              '/^=======/d',
              '-e',
              '/^>>>>>>> /d',
              file,
            ]);
            await writeFile(file, stdout);
            await git(dir, 'add', '-A');
            await git(dir, 'commit', '-q', '--no-edit');
          }
        } else {
          await exec(await this.agents.work(run, dir), [], { cwd: dir });
        }
        await git(dir, 'push', '-q', 'origin', branch);
        break;
      }
      case 'REVIEW': {
        const output = this.agents.review(run);
        await ok(
          this.server,
          'appendRunOutput',
          { ...lease, chunks: [{ chunk: output }] },
          'lastSeq',
        );
        break;
      }
      case 'MERGE': {
        const outcome = await mergeTask(daemonGit, dir, {
          base: info.baseBranch,
          epic,
          task: branch,
        });
        if (!outcome.merged) {
          const failed = await mutation(this.server, 'failRun', {
            ...lease,
            reason: `MERGE CONFLICT in ${outcome.conflicts.join(', ')}`,
            conflictFiles: outcome.conflicts,
          });
          if (failed.userErrors.length > 0) throw new Error(JSON.stringify(failed.userErrors));
          return;
        }
        break;
      }
      case 'RELEASE':
        await releaseEpic(daemonGit, dir, { base: info.baseBranch, epic });
        break;
      case 'RELEASE_CLEANUP': {
        const { kept } = await cleanupBranches(daemonGit, dir, {
          base: info.baseBranch,
          epic,
          delete: (run.instructions?.branches ?? []) as string[],
        });
        for (const name of kept) this.log.push(`kept ${name}`);
        break;
      }
      default:
        throw new Error(`the stand-in daemon does not do ${run.purpose} runs`);
    }
    const completed = await mutation(this.server, 'completeRun', {
      ...lease,
      summary: `${run.purpose} done`,
      tokensIn: 100,
      tokensOut: 50,
    });
    if (completed.userErrors.length > 0) throw new Error(JSON.stringify(completed.userErrors));
  }
}
