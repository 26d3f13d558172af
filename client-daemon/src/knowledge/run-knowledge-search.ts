import {
  DaemonKnowledgeSearchDocument,
  type DaemonKnowledgeSearchQuery,
  type KnowledgeArtifactType,
} from '../generated/graphql.js';
import { withStudioProject, type StudioExit } from '../project/studio-project.js';

/** The artifact types knowledgeSearch filters by (`--type`, any case). */
export const ARTIFACT_TYPES = [
  'FUNCTION',
  'HELPER',
  'SERVICE',
  'COMPONENT',
  'WIDGET',
  'MODULE',
  'INTERFACE',
  'PATTERN',
] as const satisfies readonly KnowledgeArtifactType[];

export interface KnowledgeSearchOptions {
  readonly home: string;
  readonly env: NodeJS.ProcessEnv;
  /** Where the project is looked for (its repository's origin) when `projectId` is not given. */
  readonly cwd: string;
  readonly query: string;
  readonly projectId: string | undefined;
  readonly types: readonly string[];
  readonly language: string | undefined;
  readonly framework: string | undefined;
  readonly first: number | undefined;
  readonly json: boolean;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

type Hit = DaemonKnowledgeSearchQuery['knowledgeSearch'][number];

/** Exit codes (CONVENTIONS): 0 ok (with or without hits), 1 error, 4 authentication. */
export type KnowledgeSearchExit = StudioExit;

/**
 * `maestro knowledge search <query>`: the project's knowledge artifacts that best match, from
 * Studio's hybrid search. The project is `--project`, or the one the repository in the current
 * directory belongs to (its origin, through projects.toml, then Studio).
 */
export async function runKnowledgeSearch(
  options: KnowledgeSearchOptions,
): Promise<KnowledgeSearchExit> {
  const types: KnowledgeArtifactType[] = [];
  for (const given of options.types) {
    const type = ARTIFACT_TYPES.find((one) => one === given.trim().toUpperCase());
    if (!type) {
      options.err(
        `unknown artifact type "${given}": use ${ARTIFACT_TYPES.map((t) => t.toLowerCase()).join(', ')}`,
      );
      return 1;
    }
    types.push(type);
  }
  return withStudioProject(options, async (calls, projectId) => {
    const data = await calls.request(DaemonKnowledgeSearchDocument, {
      projectId,
      query: options.query,
      type: types.length > 0 ? types : null,
      language: options.language ?? null,
      framework: options.framework ?? null,
      first: options.first ?? null,
    });
    const hits = data.knowledgeSearch;
    const embedder = data.knowledgeEmbedder;
    if (options.json) {
      options.out(JSON.stringify({ projectId, embedder, hits }));
      return 0;
    }
    options.err(
      `${hits.length} match${hits.length === 1 ? '' : 'es'} in ${projectId}, ranked by ${embedder.model}` +
        (embedder.local ? ' (built-in lexical embedder: it matches words, not meaning)' : ''),
    );
    for (const hit of hits) options.out(formatHit(hit));
    return 0;
  });
}

/** One hit on two lines: score, type, name, language/framework, where; then its summary. */
export function formatHit(hit: Hit): string {
  const { artifact } = hit;
  const stack = [artifact.language, artifact.framework].filter(Boolean).join('/');
  const ref = artifact.fileRefs[0] as { path?: unknown; startLine?: unknown } | undefined;
  const where =
    typeof ref?.path === 'string'
      ? `${ref.path}${typeof ref.startLine === 'number' ? `:${ref.startLine}` : ''}`
      : '';
  const head = [
    hit.score.toFixed(4),
    artifact.type.toLowerCase(),
    artifact.name,
    stack,
    where,
  ].filter((part) => part !== '');
  const summary = artifact.summary.replace(/\s+/g, ' ').trim();
  return summary ? `${head.join('  ')}\n        ${summary}` : head.join('  ');
}
