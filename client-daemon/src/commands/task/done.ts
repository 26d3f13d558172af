import { Command, Flags } from '@oclif/core';
import { runTaskDone } from '../../engine/run-task.js';
import { maestroHome } from '../../home/paths.js';

export default class TaskDone extends Command {
  static override summary = 'Finish the task you are working on by hand (the manual provider).';
  static override description =
    'Run it in the task worktree the daemon prepared. The daemon commits and pushes what you left ' +
    'and completes the run as attended work: the task waits for a review by hand. --failed gives ' +
    'up instead, with the reason. Exits 8 when no daemon picked it up in time.';

  static override examples = [
    '<%= config.bin %> task done --summary "Fixed the login redirect"',
    '<%= config.bin %> task done --failed "Needs a decision on the API shape"',
  ];

  static override flags = {
    summary: Flags.string({ description: 'What you did' }),
    failed: Flags.string({ description: 'Give the task up, with this reason' }),
    json: Flags.boolean({ description: 'Print the result as JSON', default: false }),
    timeout: Flags.integer({ description: 'Seconds to wait for the daemon', default: 30, min: 1 }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(TaskDone);
    const code = await runTaskDone({
      home: maestroHome(),
      cwd: process.cwd(),
      summary: flags.summary,
      failed: flags.failed,
      json: flags.json,
      timeoutMs: flags.timeout * 1000,
      out: (line) => process.stdout.write(`${line}\n`),
      err: (line) => process.stderr.write(`${line}\n`),
    });
    if (code !== 0) this.exit(code);
  }
}
