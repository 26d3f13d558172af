import { Command, Flags } from '@oclif/core';
import { runConnect } from '../engine/run-connect.js';
import { parseSkillFlags, SkillFlagError } from '../engine/skill-flags.js';
import { stopSignals } from '../engine/stop-signals.js';
import { maestroHome } from '../home/paths.js';
import { PROVIDERS, type ProviderName } from '../providers/provider.js';

export default class Connect extends Command {
  static override summary = 'Connect this machine to its projects and run the work Studio sends.';
  static override description =
    'Resolves the project from `git remote get-url origin` (normalized to host:owner/repo), then ' +
    'projects.toml, then Studio; --all connects every project this machine knows, one connection ' +
    'each in this one process. Each connection registers a session, heartbeats every 30 s, ' +
    'reconnects with backoff (capped at 30 s) and runs one run at a time in a git worktree under ' +
    '~/.maestro/worktrees. Logs go to ~/.maestro/logs. Stop it with Ctrl-C or maestro disconnect: ' +
    'a run in hand goes back to the queue. Exit codes: 0 stopped, 1 error, 2 cancelled, 4 refused ' +
    '(run maestro auth again).';

  static override aliases = ['tui'];

  static override examples = [
    '<%= config.bin %> connect',
    '<%= config.bin %> connect --no-tui --role worker --with-skill typescript:4,sql --name ci-bot',
    '<%= config.bin %> connect --all --no-tui --provider codex',
  ];

  static override flags = {
    tui: Flags.boolean({
      description:
        'Show the live view (default when stdout is a terminal); --no-tui logs to stderr',
      allowNo: true,
      default: true,
    }),
    role: Flags.string({
      description: 'The session role',
      options: ['lead', 'worker'],
      default: 'lead',
    }),
    'with-skill': Flags.string({
      description:
        'Skills this session offers: slug[:level], comma separated (level 1-5 or a name)',
      multiple: true,
      default: [],
    }),
    name: Flags.string({ description: 'The bot name Studio shows (default: host name)' }),
    'team-channel': Flags.string({ description: 'The team (tem_…) a worker joins, from its lead' }),
    ephemeral: Flags.boolean({
      description: 'End the session with this connection',
      default: false,
    }),
    all: Flags.boolean({ description: 'Connect every project this machine knows', default: false }),
    provider: Flags.string({
      description:
        'The provider for this connection (default: maestro config get provider, else claude)',
      options: [...PROVIDERS],
    }),
    json: Flags.boolean({
      description:
        'Print what was connected as JSON on stdout; the log goes to stderr as JSON lines',
      default: false,
    }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Connect);
    let skills;
    try {
      skills = parseSkillFlags(flags['with-skill']);
    } catch (error) {
      if (error instanceof SkillFlagError) this.error(error.message, { exit: 1 });
      throw error;
    }
    const stop = stopSignals();
    const tui = flags.tui && Boolean(process.stdout.isTTY) && !flags.json;
    const err = (line: string) => process.stderr.write(`${line}\n`);
    const view = tui ? await import('../tui/live-view.js') : undefined;
    const code = await runConnect({
      home: maestroHome(),
      env: process.env,
      cwd: process.cwd(),
      role: flags.role === 'worker' ? 'WORKER' : 'LEAD',
      skills,
      name: flags.name,
      teamId: flags['team-channel'],
      ephemeral: flags.ephemeral,
      all: flags.all,
      provider: flags.provider as ProviderName | undefined,
      echo: tui ? undefined : err,
      json: flags.json,
      out: (line) => process.stdout.write(`${line}\n`),
      err,
      stop: stop.signal,
      ...(view ? { onConnections: (connections) => view.showLiveView(connections, stop) } : {}),
    });
    const exit = stop.exitCode(code);
    if (exit !== 0) this.exit(exit);
  }
}
