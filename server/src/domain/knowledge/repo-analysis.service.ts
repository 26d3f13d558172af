import { In, Not, type DataSource } from 'typeorm';
import { badInput } from '../common/errors.js';
import { toPublicId } from '../common/public-id.js';
import type { Transactions } from '../common/transactions.js';
import { requireName } from '../common/validation.js';
import type { Dispatcher } from '../dispatch/dispatcher.js';
import type { RunQueue } from '../dispatch/run-queue.js';
import type { EventLog } from '../events/event-log.service.js';
import { AgentRunEntity } from '../run/run.entity.js';
import { RunPurpose, RunStatus } from '../run/run.types.js';
import { MAX_ARTIFACTS_PER_CALL, validateArtifact, type ArtifactInput } from './knowledge-index.js';
import type { KnowledgeService } from './knowledge.service.js';
import {
  ContextFileKind,
  KnowledgeArtifactEntity,
  KnowledgeArtifactType,
  RepoContextEntity,
} from './knowledge.entity.js';

/** What a repository analysis posts (postRepoAnalysis). */
export interface RepoAnalysisPost {
  readonly repoContext: {
    readonly framework?: string | null;
    readonly techStack: readonly string[];
    readonly architectureSummary: string;
    readonly directoryMap: ReadonlyArray<{ readonly path: string; readonly role: string }>;
  };
  readonly contextFiles: ReadonlyArray<{
    readonly kind: ContextFileKind;
    readonly name: string;
    readonly content: string;
  }>;
  readonly artifacts: readonly ArtifactInput[];
  /**
   * The post's PATTERN artifacts are the whole set (an AI read the code for them): analysed
   * patterns it does not list are removed. Otherwise they are kept, since a static analysis
   * cannot see patterns.
   */
  readonly replacesPatterns?: boolean;
}

/** What a post changed. */
export interface RepoAnalysisOutcome {
  readonly repoContext: RepoContextEntity;
  readonly repoContextChanged: boolean;
  readonly contextFilesChanged: number;
  readonly contextFilesUnchanged: number;
  readonly artifactsCreated: number;
  readonly artifactsUpdated: number;
  readonly artifactsUnchanged: number;
  readonly artifactsRemoved: number;
}

export const MAX_CONTEXT_FILES = 20;
export const MAX_CONTEXT_FILE_CHARS = 1_000_000;
export const MAX_STACK = 50;
export const MAX_DIRECTORIES = 500;
export const MAX_SUMMARY_CHARS = 20_000;
const MAX_STRUCTURE_CHARS = 10_000;
/** `sourceMeta.source` of the artifacts analysis writes; a later analysis replaces them. */
export const ANALYSIS_SOURCE = 'repo-analysis';

/** A run that is still to be done or being done. */
const OPEN = [RunStatus.QUEUED, RunStatus.PAUSED, RunStatus.CLAIMED, RunStatus.RUNNING];

function text(field: string, value: string, max: number): string {
  if (value.length > max) throw badInput(field, `${field} must be at most ${max} characters`);
  return value;
}

function optional(field: string, value: string | null | undefined, max: number): string | null {
  const trimmed = value?.trim() ?? '';
  return trimmed === '' ? null : text(field, trimmed, max);
}

/**
 * Repository analysis (docs/knowledge.md, "Analysis"): an architect queues one REPO_ANALYSIS
 * run per project at a time; the daemon that does it posts the RepoContext, the context files
 * (a new version only when the content changed) and the knowledge artifacts under its lease.
 */
export class RepoAnalysisService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly events: EventLog,
    private readonly dispatcher: Dispatcher,
    private readonly queue: RunQueue,
    private readonly knowledge: KnowledgeService,
  ) {}

  /**
   * Queues a REPO_ANALYSIS run for the project, targeted at the best idle session (any session
   * may claim it when none is idle), unless one is open already: then that one, with
   * `alreadyOpen`.
   */
  async start(projectId: string): Promise<{ run: AgentRunEntity; alreadyOpen: boolean }> {
    return this.transactions.run(async (tx) => {
      // one start at a time per project, so two callers cannot both queue one
      await tx.manager.query('SELECT id FROM project WHERE id = $1 FOR UPDATE', [projectId]);
      const open = await tx.manager.findOne(AgentRunEntity, {
        where: { projectId, purpose: RunPurpose.REPO_ANALYSIS, status: In(OPEN) },
        order: { queuedAt: 'ASC' },
      });
      if (open) return { run: open, alreadyOpen: true };
      const run = await this.dispatcher.enqueueFor(tx, {
        projectId,
        planId: null,
        taskId: null,
        purpose: RunPurpose.REPO_ANALYSIS,
        instructions: { kind: 'repo-analysis' },
      });
      return { run, alreadyOpen: false };
    });
  }

  /**
   * Writes what a REPO_ANALYSIS run found, under its lease: everything is validated first (a
   * bad field changes nothing), the lease is checked (STALE_LEASE changes nothing), then the
   * RepoContext is replaced, each context file written (unchanged content is no new version)
   * and the artifacts upserted; artifacts an earlier analysis wrote that this one no longer
   * reports are removed (PATTERN ones only when the post replaces patterns).
   */
  async post(
    run: AgentRunEntity,
    leaseVersion: number,
    input: RepoAnalysisPost,
  ): Promise<RepoAnalysisOutcome> {
    if (run.purpose !== RunPurpose.REPO_ANALYSIS) {
      throw badInput('runId', `runId: a ${run.purpose} run does not post a repository analysis`);
    }
    const clean = validated(input);
    await this.transactions.run((tx) => this.queue.underLease(tx, run, leaseVersion));
    const projectId = run.projectId;

    const context = await this.writeRepoContext(projectId, clean.repoContext, run);
    let changed = 0;
    for (const file of clean.contextFiles) {
      const outcome = await this.knowledge.writeContextFile(projectId, file, {
        runId: toPublicId('Run', run.id),
      });
      if (outcome.changed) changed++;
    }

    const before = new Map(
      (
        await this.dataSource.manager.find(KnowledgeArtifactEntity, {
          where: { projectId },
          select: { id: true, updatedAt: true },
        })
      ).map((row) => [row.id, row.updatedAt.getTime()]),
    );
    const written = await this.knowledge.upsertArtifacts(projectId, clean.artifacts);
    let created = 0;
    let updated = 0;
    for (const row of new Map(written.map((one) => [one.id, one])).values()) {
      const was = before.get(row.id);
      if (was === undefined) created++;
      else if (was !== row.updatedAt.getTime()) updated++;
    }
    const kept = [...new Set(written.map((row) => row.id))];
    const removed = await this.transactions.run(async (tx) => {
      const gone = await tx.manager.find(KnowledgeArtifactEntity, {
        where: { projectId, ...(kept.length > 0 ? { id: Not(In(kept)) } : {}) },
        select: { id: true, type: true, sourceMeta: true },
      });
      const ids = gone
        .filter(
          (row) =>
            row.sourceMeta?.source === ANALYSIS_SOURCE &&
            (input.replacesPatterns === true || row.type !== KnowledgeArtifactType.PATTERN),
        )
        .map((row) => row.id);
      if (ids.length > 0) await tx.manager.delete(KnowledgeArtifactEntity, { id: In(ids) });
      if (created + updated + ids.length > 0) {
        await this.events.append(tx, projectId, 'KnowledgeArtifactsUpdated', {
          runId: toPublicId('Run', run.id),
          created,
          updated,
          removed: ids.length,
          total: kept.length,
        });
      }
      return ids.length;
    });
    return {
      repoContext: context.entity,
      repoContextChanged: context.changed,
      contextFilesChanged: changed,
      contextFilesUnchanged: clean.contextFiles.length - changed,
      artifactsCreated: created,
      artifactsUpdated: updated,
      artifactsUnchanged: kept.length - created - updated,
      artifactsRemoved: removed,
    };
  }

  /** One RepoContext per project, replaced; RepoContextUpdated when it changed. */
  private async writeRepoContext(
    projectId: string,
    context: CleanPost['repoContext'],
    run: AgentRunEntity,
  ): Promise<{ entity: RepoContextEntity; changed: boolean }> {
    return this.transactions.run(async (tx) => {
      const existing = await tx.manager.findOne(RepoContextEntity, {
        where: { projectId },
        lock: { mode: 'pessimistic_write' },
      });
      const same =
        existing &&
        existing.framework === context.framework &&
        JSON.stringify(existing.techStack) === JSON.stringify(context.techStack) &&
        existing.architectureSummary === context.architectureSummary &&
        sameMap(existing.directoryMap, context.directoryMap);
      if (existing && same) return { entity: existing, changed: false };
      const entity = await tx.manager.save(
        RepoContextEntity,
        Object.assign(existing ?? new RepoContextEntity(), { projectId, ...context }),
      );
      await this.events.append(tx, projectId, 'RepoContextUpdated', {
        runId: toPublicId('Run', run.id),
        framework: entity.framework,
        techStack: entity.techStack,
        directories: Object.keys(entity.directoryMap).length,
      });
      return { entity, changed: true };
    });
  }
}

function sameMap(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

type CleanPost = ReturnType<typeof validated>;

/** The whole post, checked before anything is written; errors name the field. */
function validated(input: RepoAnalysisPost) {
  const context = input.repoContext;
  if (context.techStack.length > MAX_STACK) {
    throw badInput(
      'repoContext.techStack',
      `repoContext.techStack has at most ${MAX_STACK} entries`,
    );
  }
  const techStack = context.techStack.map((entry, index) =>
    requireName(`repoContext.techStack.${index}`, entry, 100),
  );
  if (context.directoryMap.length > MAX_DIRECTORIES) {
    throw badInput(
      'repoContext.directoryMap',
      `repoContext.directoryMap has at most ${MAX_DIRECTORIES} entries`,
    );
  }
  const directoryMap: Record<string, string> = {};
  context.directoryMap.forEach((entry, index) => {
    const field = `repoContext.directoryMap.${index}`;
    const path = requireName(`${field}.path`, entry.path, 500);
    if (path in directoryMap)
      throw badInput(`${field}.path`, `${field}.path ${path} is listed twice`);
    directoryMap[path] = text(`${field}.role`, entry.role.trim(), 500);
  });
  const repoContext = {
    framework: optional('repoContext.framework', context.framework, 100),
    techStack,
    architectureSummary: text(
      'repoContext.architectureSummary',
      context.architectureSummary.trim(),
      MAX_SUMMARY_CHARS,
    ),
    directoryMap,
  };

  if (input.contextFiles.length > MAX_CONTEXT_FILES) {
    throw badInput('contextFiles', `contextFiles has at most ${MAX_CONTEXT_FILES} files`);
  }
  const seen = new Set<string>();
  const contextFiles = input.contextFiles.map((file, index) => {
    const field = `contextFiles.${index}`;
    if (!Object.values(ContextFileKind).includes(file.kind)) {
      throw badInput(
        `${field}.kind`,
        `${field}.kind must be one of ${Object.values(ContextFileKind).join(', ')}`,
      );
    }
    const name = requireName(`${field}.name`, file.name, 200);
    const key = `${file.kind}:${name}`;
    if (seen.has(key))
      throw badInput(`${field}.name`, `${field}: ${file.kind} "${name}" is posted twice`);
    seen.add(key);
    const content = text(`${field}.content`, file.content, MAX_CONTEXT_FILE_CHARS);
    if (content.trim() === '')
      throw badInput(`${field}.content`, `${field}.content must not be empty`);
    return { kind: file.kind, name, content };
  });

  if (input.artifacts.length > MAX_ARTIFACTS_PER_CALL) {
    throw badInput('artifacts', `artifacts has at most ${MAX_ARTIFACTS_PER_CALL} entries`);
  }
  const artifacts = input.artifacts.map((artifact, index) => {
    validateArtifact(artifact, index);
    if (artifact.structure && JSON.stringify(artifact.structure).length > MAX_STRUCTURE_CHARS) {
      throw badInput(
        `artifacts.${index}.structure`,
        `artifacts.${index}.structure must be at most ${MAX_STRUCTURE_CHARS} characters of JSON`,
      );
    }
    return {
      ...artifact,
      sourceMeta: { ...(artifact.sourceMeta ?? {}), source: ANALYSIS_SOURCE },
    };
  });
  return { repoContext, contextFiles, artifacts };
}
