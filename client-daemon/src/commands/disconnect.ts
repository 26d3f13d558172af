import { Command, Flags } from '@oclif/core';
import { runDisconnect } from '../engine/run-disconnect.js';
import { maestroHome } from '../home/paths.js';

export default class Disconnect extends Command {
  static override summary = "Stop this machine's daemon.";
  static override description =
    'Asks the running maestro connect to stop (SIGTERM) and waits for it: a run in hand goes back ' +
    'to the queue without counting an attempt, and the sessions end. Nothing running is not an error.';

  static override examples = [
    '<%= config.bin %> disconnect',
    '<%= config.bin %> disconnect --json',
  ];

  static override flags = {
    json: Flags.boolean({ description: 'Print the result as JSON', default: false }),
    timeout: Flags.integer({ description: 'Seconds to wait for it to stop', default: 60, min: 1 }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Disconnect);
    const code = await runDisconnect({
      home: maestroHome(),
      json: flags.json,
      timeoutMs: flags.timeout * 1000,
      out: (line) => process.stdout.write(`${line}\n`),
      err: (line) => process.stderr.write(`${line}\n`),
    });
    if (code !== 0) this.exit(code);
  }
}
