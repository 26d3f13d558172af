import { Command, Flags } from '@oclif/core';
import { maestroHome } from '../../home/paths.js';
import { ARTIFACT_TYPES, runKnowledgeSearch } from '../../knowledge/run-knowledge-search.js';

export default class KnowledgeSearch extends Command {
  static override summary = "Search a project's knowledge: reusable code found by analysis.";
  static override description =
    'Hybrid search in Studio: the nearest vectors and the best full-text matches, fused by ' +
    'reciprocal rank fusion. The project is the one the repository in the current directory ' +
    'belongs to (its origin), or --project. Prints the best matches first: score, type, name, ' +
    'language/framework, where it lives, then its summary; --json prints one JSON object. ' +
    'Exit 0 (also with no match), 1 on an error, 4 when Studio refused the credentials.';

  static override examples = [
    '<%= config.bin %> knowledge search "parse proposal"',
    '<%= config.bin %> knowledge search retry with backoff --type helper --type function --language go',
    '<%= config.bin %> knowledge search BillingService --project prj_0351IPqWADLLw0p4e4Y4JB --json',
  ];

  // The query may be given as several words: `maestro knowledge search parse proposal`.
  static override strict = false;

  static override args = {};

  static override flags = {
    project: Flags.string({
      description: 'Project id (prj_…); default: the project of the repository here',
    }),
    type: Flags.string({
      description: `Only artifacts of this type (repeatable): ${ARTIFACT_TYPES.map((t) => t.toLowerCase()).join(', ')}`,
      multiple: true,
    }),
    language: Flags.string({ description: 'Only artifacts in this language (any case)' }),
    framework: Flags.string({ description: 'Only artifacts of this framework (any case)' }),
    first: Flags.integer({ description: 'How many matches (1-50)', min: 1, max: 50, default: 10 }),
    json: Flags.boolean({ description: 'Print the matches as one JSON object', default: false }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(KnowledgeSearch);
    const query = (argv as string[]).join(' ').trim();
    if (query === '') this.error('give a query: maestro knowledge search <query>', { exit: 1 });
    const code = await runKnowledgeSearch({
      home: maestroHome(),
      env: process.env,
      cwd: process.cwd(),
      query,
      projectId: flags.project,
      types: flags.type ?? [],
      language: flags.language,
      framework: flags.framework,
      first: flags.first,
      json: flags.json,
      out: (line) => process.stdout.write(`${line}\n`),
      err: (line) => process.stderr.write(`${line}\n`),
    });
    if (code !== 0) this.exit(code);
  }
}
