import { In, type DataSource } from 'typeorm';
import { fetchPage, type Page, type PageRequest } from '../../db/pagination.js';
import type { Logger } from '../../logging/logger.js';
import { badInput } from '../common/errors.js';
import { uuidv7 } from '../common/ids.js';
import { toPublicId } from '../common/public-id.js';
import type { Transactions } from '../common/transactions.js';
import { requireName, requireText } from '../common/validation.js';
import type { EventLog } from '../events/event-log.service.js';
import type { Embedder } from './embedder.js';
import { KnowledgeIndexer, REEMBED_BATCH, type ArtifactInput } from './knowledge-index.js';
import { HybridSearch, type KnowledgeFilter } from './knowledge-search.js';
import {
  KnowledgeArtifactEntity,
  ProjectContextFileEntity,
  ProjectContextFileVersionEntity,
  RepoContextEntity,
  type ContextFileKind,
} from './knowledge.entity.js';

export type { KnowledgeFilter } from './knowledge-search.js';
export type { ArtifactInput } from './knowledge-index.js';

const MAX_CONTEXT_FILE = 1_000_000;
/** knowledgeSearch returns at most this many hits. */
export const MAX_SEARCH_HITS = 50;
/** A search query's length, in characters, after trimming. */
export const MAX_SEARCH_QUERY = 1000;

/** A knowledge search hit: the artifact, its fused score and its rank in each half. */
export interface KnowledgeHit {
  readonly artifact: KnowledgeArtifactEntity;
  readonly score: number;
  readonly vectorRank: number | null;
  readonly textRank: number | null;
}

/**
 * What Studio knows about a project's code: its repository context, versioned context files and
 * knowledge artifacts, embedded by `embedder` and found by hybrid search (docs/knowledge.md).
 */
export class KnowledgeService {
  private readonly indexer: KnowledgeIndexer;
  private readonly hybrid: HybridSearch;

  constructor(
    private readonly dataSource: DataSource,
    private readonly events: EventLog,
    private readonly transactions: Transactions,
    /** Embeds artifacts when they are written and queries when they are searched. */
    readonly embedder: Embedder,
    private readonly logger: Logger,
  ) {
    this.indexer = new KnowledgeIndexer(dataSource, embedder, logger);
    this.hybrid = new HybridSearch(dataSource);
  }

  private get manager() {
    return this.dataSource.manager;
  }

  repoContexts(projectIds: readonly string[]): Promise<RepoContextEntity[]> {
    return this.manager.findBy(RepoContextEntity, { projectId: In([...projectIds]) });
  }

  contextFilesOf(projectIds: readonly string[]): Promise<ProjectContextFileEntity[]> {
    return this.manager.find(ProjectContextFileEntity, {
      where: { projectId: In([...projectIds]) },
      order: { kind: 'ASC', name: 'ASC' },
    });
  }

  contextFiles(ids: readonly string[]): Promise<ProjectContextFileEntity[]> {
    return this.manager.findBy(ProjectContextFileEntity, { id: In([...ids]) });
  }

  /** Past contents of files, newest first. */
  versionsOf(fileIds: readonly string[]): Promise<ProjectContextFileVersionEntity[]> {
    return this.manager.find(ProjectContextFileVersionEntity, {
      where: { fileId: In([...fileIds]) },
      order: { version: 'DESC' },
    });
  }

  /**
   * Writes a context file, keeping the previous content as a version; unchanged content is not
   * a new version (`changed` false). Emits ContextFileUpdated when it changed, naming the run
   * that wrote it (`runId`, a public id) when one did.
   */
  async writeContextFile(
    projectId: string,
    file: { kind: ContextFileKind; name: string; content: string },
    writtenBy: { runId?: string } = {},
  ): Promise<{ file: ProjectContextFileEntity; changed: boolean }> {
    const name = requireName('name', file.name, 200);
    const content = requireText('content', file.content, MAX_CONTEXT_FILE);
    return this.transactions.run(async (tx) => {
      const existing = await tx.manager.findOne(ProjectContextFileEntity, {
        where: { projectId, kind: file.kind, name },
        lock: { mode: 'pessimistic_write' },
      });
      if (existing && existing.content === content) return { file: existing, changed: false };
      let saved: ProjectContextFileEntity;
      if (existing) {
        await tx.manager.insert(ProjectContextFileVersionEntity, {
          id: uuidv7(),
          fileId: existing.id,
          version: existing.version,
          content: existing.content,
        });
        existing.content = content;
        existing.version += 1;
        saved = await tx.manager.save(ProjectContextFileEntity, existing);
      } else {
        saved = await tx.manager.save(
          ProjectContextFileEntity,
          Object.assign(new ProjectContextFileEntity(), {
            id: uuidv7(),
            projectId,
            kind: file.kind,
            name,
            content,
            version: 1,
          }),
        );
      }
      await this.events.append(tx, projectId, 'ContextFileUpdated', {
        contextFileId: toPublicId('ContextFile', saved.id),
        kind: saved.kind,
        name: saved.name,
        version: saved.version,
        ...(writtenBy.runId ? { runId: writtenBy.runId } : {}),
      });
      return { file: saved, changed: true };
    });
  }

  artifacts(ids: readonly string[]): Promise<KnowledgeArtifactEntity[]> {
    return this.manager.findBy(KnowledgeArtifactEntity, { id: In([...ids]) });
  }

  private filtered(projectId: string, filter: KnowledgeFilter) {
    const query = this.manager
      .createQueryBuilder(KnowledgeArtifactEntity, 'k')
      .where('k.project_id = :projectId', { projectId });
    if (filter.types?.length) query.andWhere('k.type IN (:...types)', { types: [...filter.types] });
    if (filter.language)
      query.andWhere('lower(k.language) = lower(:language)', { language: filter.language });
    if (filter.framework)
      query.andWhere('lower(k.framework) = lower(:framework)', { framework: filter.framework });
    return query;
  }

  listArtifacts(
    projectId: string,
    filter: KnowledgeFilter,
    request: PageRequest,
  ): Promise<Page<KnowledgeArtifactEntity>> {
    return fetchPage(this.filtered(projectId, filter), 'k', request);
  }

  countArtifacts(projectId: string, filter: KnowledgeFilter): Promise<number> {
    return this.filtered(projectId, filter).getCount();
  }

  /** Creates or updates a project's artifacts and embeds them (see KnowledgeIndexer.upsert). */
  upsertArtifacts(
    projectId: string,
    artifacts: readonly ArtifactInput[],
  ): Promise<KnowledgeArtifactEntity[]> {
    return this.indexer.upsert(projectId, artifacts);
  }

  /** Re-embeds one batch of artifacts embedded by another model (or none); returns how many. */
  reembedStale(batchSize = REEMBED_BATCH): Promise<number> {
    return this.indexer.reembedStale(batchSize);
  }

  /** Re-embeds every stale artifact in the background (Studio start-up). */
  startReembedding(): void {
    this.indexer.kick();
  }

  /** Stops background re-embedding and waits for the batch in flight (Studio close). */
  stopReembedding(): Promise<void> {
    return this.indexer.stop();
  }

  /**
   * Hybrid search of a project's artifacts: vector nearest neighbours and full-text rank,
   * fused by reciprocal rank fusion. `query` is 1–1,000 characters, `first` 1–50. When the
   * embedder fails (an endpoint down), the text half still answers and the failure is logged.
   */
  async search(
    projectId: string,
    query: string,
    filter: KnowledgeFilter,
    first: number,
  ): Promise<KnowledgeHit[]> {
    const text = query.trim();
    if (text.length < 1 || text.length > MAX_SEARCH_QUERY) {
      throw badInput('query', `query must be 1-${MAX_SEARCH_QUERY} characters, got ${text.length}`);
    }
    if (!Number.isInteger(first) || first < 1 || first > MAX_SEARCH_HITS) {
      throw badInput('first', `first must be from 1 to ${MAX_SEARCH_HITS}, got ${first}`);
    }
    const cleaned: KnowledgeFilter = {
      types: filter.types,
      language: filterText('language', filter.language),
      framework: filterText('framework', filter.framework),
    };
    let vector: number[] | null = null;
    try {
      [vector = null] = await this.embedder.embed([text]);
    } catch (error) {
      this.logger.warn(
        { err: error, model: this.embedder.model },
        'embedding a knowledge query failed; ranking by text alone',
      );
    }
    const ranked = await this.hybrid.search({
      projectId,
      vector,
      model: this.embedder.model,
      text,
      filter: cleaned,
      first,
    });
    const rows = await this.artifacts(ranked.map((hit) => hit.id));
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ranked.flatMap((hit) => {
      const artifact = byId.get(hit.id);
      return artifact ? [{ ...hit, artifact }] : [];
    });
  }
}

/** A language or framework filter: trimmed, blank for none, at most 100 characters. */
function filterText(field: string, value: string | undefined): string | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (text.length > 100) throw badInput(field, `${field} must be at most 100 characters`);
  return text;
}
