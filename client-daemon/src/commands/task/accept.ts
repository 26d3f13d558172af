import { Args, Command, Flags } from '@oclif/core';
import { runTaskAccept } from '../../engine/run-task.js';
import { stopSignals } from '../../engine/stop-signals.js';
import { maestroHome } from '../../home/paths.js';
import { PROVIDERS, type ProviderName } from '../../providers/provider.js';

export default class TaskAccept extends Command {
  static override summary = 'Accept a task assigned to you and do it on this machine now.';
  static override description =
    'Registers a session for the task’s project, accepts the task (which creates and claims its ' +
    'run) and does the run here, in a worktree under ~/.maestro/worktrees, with your provider — ' +
    'with --provider manual you do the work yourself and finish with maestro task done. ' +
    'Exit 0 when the run completed, 1 when it failed, 4 when Studio refused this machine.';

  static override examples = [
    '<%= config.bin %> task accept tsk_01HX…',
    '<%= config.bin %> task accept tsk_01HX… --provider manual',
  ];

  static override args = { id: Args.string({ description: 'The task id', required: true }) };

  static override flags = {
    provider: Flags.string({ description: 'The provider to do it with', options: [...PROVIDERS] }),
    json: Flags.boolean({ description: 'Print the result as JSON', default: false }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(TaskAccept);
    const stop = stopSignals();
    const code = await runTaskAccept({
      home: maestroHome(),
      env: process.env,
      taskId: args.id,
      provider: flags.provider as ProviderName | undefined,
      json: flags.json,
      stop: stop.signal,
      out: (line) => process.stdout.write(`${line}\n`),
      err: (line) => process.stderr.write(`${line}\n`),
    });
    const exit = stop.exitCode(code);
    if (exit !== 0) this.exit(exit);
  }
}
