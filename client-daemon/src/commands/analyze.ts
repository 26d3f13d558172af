import { Args, Command, Flags } from '@oclif/core';
import { runAnalyze } from '../analysis/run-analyze.js';
import { Git } from '../git/git.js';

export default class Analyze extends Command {
  static override summary = 'Analyze a repository statically, without an AI provider.';
  static override description =
    'Reads a repository (its tracked files when it is a git work tree, else a walk that skips ' +
    'node_modules, dist, build, target, vendor and the like) and reports its languages by files ' +
    'and lines, the manifests anywhere in it (package.json, pyproject.toml, requirements.txt, ' +
    'go.mod, Cargo.toml, pom.xml, build.gradle) with the frameworks they declare, a directory ' +
    'map, exported symbols, and a summary made only of those facts. The analyzer is labelled ' +
    '"static" with a version in the output. Exits 1 when PATH is not a directory.';

  static override examples = [
    '<%= config.bin %> analyze',
    '<%= config.bin %> analyze ../other-repo --json',
    '<%= config.bin %> analyze --symbols 200',
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
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Analyze);
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
