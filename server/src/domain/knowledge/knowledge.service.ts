import { In, type DataSource } from 'typeorm';
import { fetchPage, type Page, type PageRequest } from '../../db/pagination.js';
import { uuidv7 } from '../common/ids.js';
import { toPublicId } from '../common/public-id.js';
import type { Transactions } from '../common/transactions.js';
import { requireName, requireText } from '../common/validation.js';
import type { EventLog } from '../events/event-log.service.js';
import {
  KnowledgeArtifactEntity,
  ProjectContextFileEntity,
  ProjectContextFileVersionEntity,
  RepoContextEntity,
  type ContextFileKind,
  type KnowledgeArtifactType,
} from './knowledge.entity.js';

export interface KnowledgeFilter {
  readonly types?: readonly KnowledgeArtifactType[] | undefined;
  readonly language?: string | undefined;
  readonly framework?: string | undefined;
}

const MAX_CONTEXT_FILE = 1_000_000;

/**
 * What Studio knows about a project's code: its repository context, versioned context files and
 * knowledge artifacts. (Analysis fills them and hybrid search reads them in the planning and
 * knowledge issue; this is the record and its history.)
 */
export class KnowledgeService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly events: EventLog,
    private readonly transactions: Transactions,
  ) {}

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
   * a new version. Emits ContextFileUpdated.
   */
  async writeContextFile(
    projectId: string,
    file: { kind: ContextFileKind; name: string; content: string },
  ): Promise<ProjectContextFileEntity> {
    const name = requireName('name', file.name, 200);
    const content = requireText('content', file.content, MAX_CONTEXT_FILE);
    return this.transactions.run(async (tx) => {
      const existing = await tx.manager.findOne(ProjectContextFileEntity, {
        where: { projectId, kind: file.kind, name },
        lock: { mode: 'pessimistic_write' },
      });
      if (existing && existing.content === content) return existing;
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
      });
      return saved;
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
}
