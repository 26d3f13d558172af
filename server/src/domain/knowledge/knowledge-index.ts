import { In, type DataSource, type QueryDeepPartialEntity } from 'typeorm';
import { returning } from '../../db/returning.js';
import type { Logger } from '../../logging/logger.js';
import { badInput, notFound } from '../common/errors.js';
import { uuidv7 } from '../common/ids.js';
import { requireName } from '../common/validation.js';
import { artifactText, isZeroVector, type Embedder } from './embedder.js';
import { KnowledgeArtifactEntity, KnowledgeArtifactType } from './knowledge.entity.js';
import { vectorLiteral } from './knowledge-search.js';

/** An artifact as analysis reports it. */
export interface ArtifactInput {
  readonly type: KnowledgeArtifactType;
  readonly name: string;
  readonly language?: string | null;
  readonly framework?: string | null;
  readonly summary?: string;
  readonly fileRefs?: ReadonlyArray<{ path: string; startLine?: number; endLine?: number }>;
  readonly structure?: Record<string, unknown> | null;
  readonly sourceMeta?: Record<string, unknown> | null;
}

/** Artifacts one upsertArtifacts call may carry. */
export const MAX_ARTIFACTS_PER_CALL = 1000;
/** Artifacts one re-embed batch handles (start-up loops over batches; a reaper pass runs one). */
export const REEMBED_BATCH = 200;
const MAX_SUMMARY = 10_000;
const MAX_FILE_REFS = 100;

type Content = Pick<
  KnowledgeArtifactEntity,
  'type' | 'name' | 'language' | 'framework' | 'summary' | 'fileRefs' | 'structure' | 'sourceMeta'
>;

/** An artifact's identity in its project: type, name and the first file it lives in. */
function identity(artifact: Pick<Content, 'type' | 'name' | 'fileRefs'>): string {
  return JSON.stringify([artifact.type, artifact.name, artifact.fileRefs[0]?.path ?? '']);
}

function optionalText(field: string, value: string | null | undefined, max: number) {
  const text = value?.trim() ?? '';
  if (text.length > max) throw badInput(field, `${field} must be at most ${max} characters`);
  return text === '' ? null : text;
}

/** An artifact checked for upsert; BAD_USER_INPUT names the field (`artifacts.N.name`). */
export function validateArtifact(input: ArtifactInput, index: number): Content {
  const field = (name: string) => `artifacts.${index}.${name}`;
  if (!Object.values(KnowledgeArtifactType).includes(input.type)) {
    throw badInput(field('type'), `${field('type')} is not a knowledge artifact type`);
  }
  const summary = input.summary?.trim() ?? '';
  if (summary.length > MAX_SUMMARY) {
    throw badInput(
      field('summary'),
      `${field('summary')} must be at most ${MAX_SUMMARY} characters`,
    );
  }
  const fileRefs = [...(input.fileRefs ?? [])];
  if (
    fileRefs.length > MAX_FILE_REFS ||
    fileRefs.some((ref) => !ref.path || ref.path.length > 1000)
  ) {
    throw badInput(
      field('fileRefs'),
      `${field('fileRefs')} must be at most ${MAX_FILE_REFS} references, each with a path of 1-1000 characters`,
    );
  }
  return {
    type: input.type,
    name: requireName(field('name'), input.name, 200),
    language: optionalText(field('language'), input.language, 100),
    framework: optionalText(field('framework'), input.framework, 100),
    summary,
    fileRefs: fileRefs.map((ref) => ({ ...ref })),
    structure: input.structure ?? null,
    sourceMeta: input.sourceMeta ?? null,
  };
}

/** JSON with object keys sorted, as jsonb keeps them in an order of its own. */
function canonical(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(
          Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)),
        )
      : inner,
  );
}

function sameContent(a: Content, b: Content): boolean {
  const json = canonical;
  return (
    a.type === b.type &&
    a.name === b.name &&
    a.language === b.language &&
    a.framework === b.framework &&
    a.summary === b.summary &&
    json(a.fileRefs) === json(b.fileRefs) &&
    json(a.structure) === json(b.structure) &&
    json(a.sourceMeta) === json(b.sourceMeta)
  );
}

/**
 * Keeps knowledge artifacts embedded by the current embedder: every write embeds what it
 * writes, and the re-embed job catches up on vectors of another model (after the embedder
 * changed) or of none.
 */
export class KnowledgeIndexer {
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly embedder: Embedder,
    private readonly logger: Logger,
  ) {}

  /**
   * Creates or updates a project's artifacts, matched by type, name and first file path;
   * each written one is embedded (name, summary, language, framework, structure keys) with
   * the current embedder. Artifacts whose content and model are unchanged are left alone.
   * Returns the artifacts in input order.
   */
  async upsert(
    projectId: string,
    inputs: readonly ArtifactInput[],
  ): Promise<KnowledgeArtifactEntity[]> {
    if (inputs.length > MAX_ARTIFACTS_PER_CALL) {
      throw badInput('artifacts', `at most ${MAX_ARTIFACTS_PER_CALL} artifacts per call`);
    }
    const contents = inputs.map((input, index) => validateArtifact(input, index));
    // Embedding may call a remote endpoint: done before the transaction, never inside it.
    const vectors = await this.embedder.embed(contents.map((content) => artifactText(content)));
    const model = this.embedder.model;
    return this.dataSource.transaction(async (manager) => {
      const [project] = await manager.query<Array<{ workspace_id: string }>>(
        'SELECT workspace_id FROM project WHERE id = $1',
        [projectId],
      );
      if (!project) throw notFound('the project');
      // One writer per project at a time, so two analyses cannot both insert an artifact.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
        `knowledge:${projectId}`,
      ]);
      const existing = await manager.find(KnowledgeArtifactEntity, {
        where: { projectId, name: In([...new Set(contents.map((content) => content.name))]) },
      });
      const byIdentity = new Map<
        string,
        Pick<KnowledgeArtifactEntity, 'id'> & Partial<KnowledgeArtifactEntity>
      >(existing.map((row) => [identity(row), row]));
      for (const [index, content] of contents.entries()) {
        const vector = vectors[index] as number[];
        const embedding = isZeroVector(vector) ? null : vector;
        const found = byIdentity.get(identity(content));
        if (found && found.embeddingModel === model && sameContent(found as Content, content)) {
          continue;
        }
        if (found) {
          await manager.update(KnowledgeArtifactEntity, found.id, {
            ...content,
            embedding,
            embeddingModel: model,
          } as QueryDeepPartialEntity<KnowledgeArtifactEntity>);
        } else {
          const id = uuidv7();
          await manager.insert(KnowledgeArtifactEntity, {
            id,
            workspaceId: project.workspace_id,
            projectId,
            ...content,
            embedding,
            embeddingModel: model,
          } as QueryDeepPartialEntity<KnowledgeArtifactEntity>);
          byIdentity.set(identity(content), { id });
        }
      }
      const ids = contents.map((content) => byIdentity.get(identity(content))?.id as string);
      const rows = await manager.findBy(KnowledgeArtifactEntity, { id: In([...new Set(ids)]) });
      const byId = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id) as KnowledgeArtifactEntity);
    });
  }

  /**
   * Re-embeds up to `batchSize` artifacts whose vector is not the current embedder's (another
   * model, or none); returns how many it rewrote. Idempotent and safe on several replicas at
   * once: a row is written only if it is unchanged since it was read and still stale.
   */
  async reembedStale(batchSize = REEMBED_BATCH): Promise<number> {
    const model = this.embedder.model;
    const stale = await this.dataSource.query<Array<Content & { id: string; updated_at: string }>>(
      `SELECT id, type, name, language, framework, summary, structure, updated_at::text AS updated_at
         FROM knowledge_artifact
        WHERE embedding_model IS NULL OR embedding_model < $1 OR embedding_model > $1
        ORDER BY id
        LIMIT $2`,
      [model, batchSize],
    );
    if (stale.length === 0) return 0;
    const vectors = await this.embedder.embed(stale.map((row) => artifactText(row)));
    const rows = await returning<{ id: string }>(
      this.dataSource.manager,
      `UPDATE knowledge_artifact k
          SET embedding = v.embedding::vector, embedding_model = $1
         FROM unnest($2::uuid[], $3::text[], $4::text[]) AS v(id, embedding, seen)
        WHERE k.id = v.id AND k.updated_at = v.seen::timestamptz
          AND k.embedding_model IS DISTINCT FROM $1
       RETURNING k.id`,
      [
        model,
        stale.map((row) => row.id),
        vectors.map((vector) => (isZeroVector(vector) ? null : vectorLiteral(vector))),
        stale.map((row) => row.updated_at),
      ],
    );
    return rows.length;
  }

  /**
   * Re-embeds every stale artifact in the background, batch after batch (Studio start-up).
   * One loop at a time; failures are logged and left to the reaper's passes.
   */
  kick(batchSize = REEMBED_BATCH): void {
    if (this.running || this.stopped) return;
    this.running = (async () => {
      let total = 0;
      try {
        for (;;) {
          if (this.stopped) break;
          const done = await this.reembedStale(batchSize);
          total += done;
          if (done < batchSize) break;
        }
      } catch (error) {
        this.logger.warn(
          { err: error, reembedded: total },
          're-embedding knowledge failed; the reaper retries',
        );
      } finally {
        if (total > 0) {
          this.logger.info(
            { reembedded: total, model: this.embedder.model },
            'knowledge re-embedded',
          );
        }
        this.running = undefined;
      }
    })();
  }

  /** Stops the background loop after its current batch and waits for it. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }
}
