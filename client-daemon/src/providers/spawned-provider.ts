import { rm, writeFile } from 'node:fs/promises';
import { commandLine, type ReaderKind, type SpawnedProviderName } from './command-line.js';
import { claudeReader, codexReader, plainReader, type OutputReader } from './output.js';
import type { Provider, ProviderOptions } from './provider.js';
import { runProcess } from './run-process.js';
import { excludeLocally, guardWorkdir } from './workdir-guard.js';

const readers: Record<ReaderKind, () => OutputReader> = {
  claude: () => claudeReader(),
  codex: () => codexReader(),
  plain: () => plainReader(),
};

/**
 * claude, codex, gemini, aider or a command template: the real executable, found on the PATH
 * of the request's environment, run in the checked worktree.
 */
export function spawnedProvider(name: SpawnedProviderName, options: ProviderOptions): Provider {
  return {
    name,
    canWork: true,
    async run(request) {
      const repo = await guardWorkdir(request.workdir, request.env);
      const line = commandLine(name, { ...request, workdir: repo.dir }, options, repo.gitDir);
      // aider keeps its history and tag cache in `.aider*` files at the root: never staged
      if (name === 'aider') await excludeLocally(repo.commonDir, '.aider*');
      if (line.promptFile) await writeFile(line.promptFile, request.prompt, { mode: 0o600 });
      try {
        return await runProcess(
          {
            executable: line.executable,
            args: line.args,
            cwd: repo.dir,
            env: { ...request.env, ...line.env },
            stdin: line.stdin,
            reader: readers[line.reader](),
          },
          request,
        );
      } finally {
        if (line.promptFile) await rm(line.promptFile, { force: true });
      }
    },
  };
}
