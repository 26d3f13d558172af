import { Args, Command, Flags } from '@oclif/core';
import { runAuth } from '../auth/run-auth.js';
import { maestroHome } from '../home/paths.js';

export default class Auth extends Command {
  static override summary = 'Connect this machine to a Studio with a CLI invite.';
  static override description =
    'Redeems a one-time CLI invite (Studio → Connect a machine, or the createCliInvite mutation). ' +
    'The identity is saved in config.toml beside any others, the projects in projects.toml, and ' +
    'the tokens in the OS keyring — or, where there is no keyring service, in ~/.maestro/credentials ' +
    '(mode 0600) with a warning. MAESTRO_HOME moves ~/.maestro.';

  static override examples = [
    '<%= config.bin %> auth eyJhbGciOi… --studio https://studio.example.com',
    '<%= config.bin %> auth eyJhbGciOi… --studio http://127.0.0.1:4000 --name build-box-3 --json',
  ];

  static override args = {
    token: Args.string({ description: 'The CLI invite token', required: true }),
  };

  static override flags = {
    studio: Flags.string({
      description: 'Studio base URL',
      env: 'MAESTRO_STUDIO_URL',
      default: 'http://127.0.0.1:4000',
    }),
    name: Flags.string({
      description: 'The name Studio shows for this machine (default: host name)',
    }),
    json: Flags.boolean({ description: 'Print the result as JSON', default: false }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Auth);
    const code = await runAuth({
      token: args.token,
      studio: flags.studio,
      machineName: flags.name,
      home: maestroHome(),
      json: flags.json,
      env: process.env,
      out: (line) => process.stdout.write(`${line}\n`),
      err: (line) => process.stderr.write(`${line}\n`),
    });
    if (code !== 0) this.exit(code);
  }
}
