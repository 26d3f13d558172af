import { Command, Flags } from '@oclif/core';
import { runDoctor } from '../doctor/run-doctor.js';
import { maestroHome } from '../home/paths.js';

export default class Doctor extends Command {
  static override summary = 'Check that this machine can work for Maestro.';
  static override description =
    'Checks git, the providers on PATH, where tokens are kept, the home directory, and the ' +
    'Studio: reachable and ready, its clock within a minute of ours, and an identity for it. ' +
    'Exits 1 when any check fails (warnings only limit what the daemon can do).';

  static override examples = [
    '<%= config.bin %> doctor',
    '<%= config.bin %> doctor --studio https://studio.example.com --json',
  ];

  static override flags = {
    studio: Flags.string({
      description: 'Studio base URL (default: the one maestro auth saved)',
      env: 'MAESTRO_STUDIO_URL',
    }),
    json: Flags.boolean({ description: 'Print the checks as JSON', default: false }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Doctor);
    const checks = await runDoctor({
      studio: flags.studio || undefined,
      home: maestroHome(),
      env: process.env,
      now: () => new Date(),
    });
    if (flags.json) this.log(JSON.stringify(checks));
    else
      for (const { check, status, detail } of checks)
        this.log(`${status.padEnd(4)} ${check.padEnd(11)} ${detail}`);
    if (checks.some((check) => check.status === 'fail')) this.exit(1);
  }
}
