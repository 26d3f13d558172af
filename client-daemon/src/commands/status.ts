import { Command, Flags } from '@oclif/core';
import { maestroHome } from '../home/paths.js';
import { runStatus } from '../status/run-status.js';

export default class Status extends Command {
  static override summary = 'Show what this machine is connected to.';
  static override description =
    'The machine id, where tokens are kept, each identity checked against its Studio (renewing ' +
    'the access token when needed), and the known projects. Exits 4 when the default Studio ' +
    'no longer accepts this machine (run maestro auth again), 1 when there is no Studio yet.';

  static override examples = ['<%= config.bin %> status', '<%= config.bin %> status --json'];

  static override flags = {
    json: Flags.boolean({ description: 'Print the report as JSON', default: false }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Status);
    const code = await runStatus({
      home: maestroHome(),
      env: process.env,
      json: flags.json,
      out: (line) => process.stdout.write(`${line}\n`),
      err: (line) => process.stderr.write(`${line}\n`),
    });
    if (code !== 0) this.exit(code);
  }
}
