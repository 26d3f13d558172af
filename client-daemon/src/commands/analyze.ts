import { Args, Command, Flags } from '@oclif/core';
import { runAnalyze } from '../analysis/run-analyze.js';
import { runStudioAnalysis } from '../analysis/run-studio-analysis.js';
import { Git } from '../git/git.js';
import { maestroHome } from '../home/paths.js';

export default class Analyze extends Command {
  static override summary = 'Analyze a repository statically, without an AI provider.';
  static override description =
    'Reads a repository (its tracked files when it is a git work tree, else a walk that skips ' +
    'node_modules, dist, build, target, vendor and the like) and reports its languages by files ' +
    'and lines, the manifests anywhere in it (package.json, pyproject.toml, requirements.txt, ' +
    'go.mod, Cargo.toml, pom.xml, build.gradle) with the frameworks they declare, a directory ' +
    'map, exported symbols, and a summary made only of those facts. The analyzer is labelled ' +
    '"static" with a version in the output. Exits 1 when PATH is not a directory. With --studio it ' +
    'asks Studio instead to analyze the project of the repository here (or --project): a ' +
    'connected daemon does the REPO_ANALYSIS run and posts the findings; it prints the run id ' +
    '(exit 4 when Studio refuses: analysis needs an architect, an admin or the owner).';

  static override examples = [
    '<%= config.bin %> analyze',
    '<%= config.bin %> analyze ../other-repo --json',
    '<%= config.bin %> analyze --symbols 200',
    '<%= config.bin %> analyze --studio',
    '<%= config.bin %> analyze --studio --project prj_0351IPqWADLLw0p4e4Y4JB --json',
  ];

  static override args = {
    path: Args.string({
      description: 'The directory to analyze (default: the git top level of the current directory)',
      required: false,
    }),
  };

  static override flags = {
    json: Flags.boolean({
      description: 'Print the whole analysis as one JSON object',
      default: false,
    }),
    symbols: Flags.integer({
      description: 'At most this many exported symbols in the output (all are counted)',
      default: 2000,
      min: 0,
    }),
    studio: Flags.boolean({
      description: "Ask Studio to analyze the project (a REPO_ANALYSIS run); print the run's id",
      default: false,
    }),
    project: Flags.string({
      description:
        'With --studio: the project id (prj_…); default: the project of the repository here',
      dependsOn: ['studio'],
    }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Analyze);
    if (flags.studio) {
      if (args.path !== undefined)
        this.error('--studio analyzes the project in Studio: give no PATH', { exit: 1 });
      const code = await runStudioAnalysis({
        home: maestroHome(),
        env: process.env,
        cwd: process.cwd(),
        projectId: flags.project,
        json: flags.json,
        out: (line) => process.stdout.write(`${line}\n`),
        err: (line) => process.stderr.write(`${line}\n`),
      });
      if (code !== 0) this.exit(code);
      return;
    }
    const code = await runAnalyze({
      path: args.path,
      cwd: process.cwd(),
      git: new Git(),
      json: flags.json,
      maxSymbols: flags.symbols,
      out: (line) => process.stdout.write(`${line}\n`),
      err: (line) => process.stderr.write(`${line}\n`),
    });
    if (code !== 0) this.exit(code);
  }
}
