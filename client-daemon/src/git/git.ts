import { execFile } from 'node:child_process';

/** A git command that failed, with what git said. */
export class GitError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly code: number | null,
    readonly stderr: string,
  ) {
    super(`git ${args.join(' ')} failed (${code ?? 'signal'}): ${stderr.trim() || 'no output'}`);
    this.name = 'GitError';
  }
}

/** Runs git; injected so tests and the engine share one implementation. */
export class Git {
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  /** stdout (trimmed); throws GitError on a non-zero exit. */
  run(cwd: string, ...args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(
        'git',
        args,
        { cwd, env: { ...this.env, GIT_TERMINAL_PROMPT: '0' }, maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => {
          if (error) {
            const code = typeof error.code === 'number' ? error.code : null;
            reject(new GitError(args, code, String(stderr)));
          } else resolve(String(stdout).trim());
        },
      );
    });
  }

  /** Like run(), but a failure is an answer: { ok: false, stderr }. */
  async attempt(
    cwd: string,
    ...args: string[]
  ): Promise<{ ok: boolean; stdout: string; stderr: string }> {
    try {
      return { ok: true, stdout: await this.run(cwd, ...args), stderr: '' };
    } catch (error) {
      if (error instanceof GitError) return { ok: false, stdout: '', stderr: error.stderr };
      throw error;
    }
  }
}
