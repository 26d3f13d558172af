import type { DataSource } from 'typeorm';
import type { Logger } from '../../logging/logger.js';
import { toPublicId } from '../common/public-id.js';
import type { Transactions } from '../common/transactions.js';
import type { EventLog } from '../events/event-log.service.js';
import { GitHostError } from '../githost/git-host.js';
import type { GitHosts } from '../githost/git-hosts.js';
import { ProjectEntity } from '../project/project.entity.js';

interface DueRow {
  id: string;
  project_id: string;
  name: string;
  branch: string;
  release_error: string | null;
}

/**
 * The pull (merge) requests Studio opens through a project's host:
 *
 * - the release: when every task of a plan whose project releases that way is resolved, the
 *   review loop records `releaseRequestedAt`, and this opens the request (epic → base) and
 *   records its URL; merging it on the host completes the plan (the webhooks);
 * - one per task, for projects that ask for it (`pullRequestPerTask`): once a task's work is
 *   pushed and awaits review, a request from its branch into the epic, recorded as its
 *   `prUrl` (the MERGE run merges the branch; the host then shows the request merged).
 *
 * It runs right after the commit that makes one due and again on every reaper pass (one
 * replica, every 15 s) until it succeeds, so a host that is down, or a token added later, only
 * delays it.
 */
export class PullRequests {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly events: EventLog,
    private readonly hosts: GitHosts,
    private readonly logger: Logger,
  ) {}

  private chain: Promise<unknown> = Promise.resolve();

  /**
   * Opens what is due for a plan in the background, one call after another, so the request
   * that made it due does not wait for the host. Failures are logged (and retried by the next
   * reaper pass).
   */
  kick(planId: string): void {
    this.chain = this.chain
      .then(() => this.openDue(planId))
      .catch((error: unknown) => {
        this.logger.warn(
          { err: error, planId },
          'opening pull requests failed; the next pass retries',
        );
      });
  }

  /** Resolves once the background work kicked so far is done (Studio waits on close). */
  async idle(): Promise<void> {
    await this.chain;
  }

  /** Opens the requests that are due (of one plan, or all); returns how many opened. */
  async openDue(planId?: string): Promise<number> {
    return (await this.openReleases(planId)) + (await this.openTaskRequests(planId));
  }

  private async openTaskRequests(planId: string | undefined): Promise<number> {
    const due = await this.dataSource.query<
      {
        id: string;
        project_id: string;
        title: string;
        description: string;
        branch_name: string;
        epic: string;
      }[]
    >(
      `SELECT t.id, t.project_id, t.title, t.description, t.branch_name, p.branch AS epic
         FROM task t JOIN plan p ON p.id = t.plan_id JOIN project pr ON pr.id = t.project_id
        WHERE pr.pull_request_per_task AND pr.host_token IS NOT NULL AND p.status = 'ACTIVE'
          AND p.branch IS NOT NULL AND t.pr_url IS NULL AND t.branch_name IS NOT NULL
          AND t.status IN ('AWAITING_REVIEW', 'MERGED')
          AND ($1::uuid IS NULL OR p.id = $1::uuid)
        ORDER BY t.status_changed_at LIMIT 50`,
      [planId ?? null],
    );
    let opened = 0;
    for (const task of due) {
      const project = await this.dataSource.manager.findOneBy(ProjectEntity, {
        id: task.project_id,
      });
      const host = project ? this.hosts.forProject(project) : undefined;
      if (!host) continue;
      let url: string;
      try {
        url = (
          await host.openPullRequest({
            head: task.branch_name,
            base: task.epic,
            title: task.title,
            body: `${task.description}\n\nTask ${toPublicId('Task', task.id)}, by Maestro.`.trim(),
          })
        ).url;
      } catch (error) {
        this.logger.warn(
          { taskId: task.id, reason: error instanceof Error ? error.message : String(error) },
          'the task pull request could not be opened; the next pass retries',
        );
        continue;
      }
      await this.transactions.run(async (tx) => {
        const rows = await tx.manager.query<unknown[]>(
          'UPDATE task SET pr_url = $2, updated_at = now() WHERE id = $1 AND pr_url IS NULL RETURNING id',
          [task.id, url],
        );
        if (rows.length === 0) return;
        await this.events.append(tx, task.project_id, 'TaskPullRequestOpened', {
          taskId: toPublicId('Task', task.id),
          url,
          head: task.branch_name,
          base: task.epic,
        });
        opened++;
      });
    }
    return opened;
  }

  private async openReleases(planId: string | undefined): Promise<number> {
    const due = await this.dataSource.query<DueRow[]>(
      `SELECT id, project_id, name, branch, release_error FROM plan
        WHERE status = 'ACTIVE' AND release_requested_at IS NOT NULL AND release_pr_url IS NULL
          AND branch IS NOT NULL AND ($1::uuid IS NULL OR id = $1::uuid)
        ORDER BY release_requested_at LIMIT 50`,
      [planId ?? null],
    );
    let opened = 0;
    for (const plan of due) {
      if (await this.open(plan)) opened++;
    }
    return opened;
  }

  private async open(plan: DueRow): Promise<boolean> {
    const project = await this.dataSource.manager.findOneBy(ProjectEntity, {
      id: plan.project_id,
    });
    if (!project) return false;
    let url: string;
    try {
      const host = this.hosts.forProject(project);
      if (!host) {
        throw new GitHostError(
          `the project has no host token: add one (updateProject hostToken) to open the release pull request`,
          null,
        );
      }
      const tasks = await this.dataSource.query<{ title: string }[]>(
        `SELECT title FROM task WHERE plan_id = $1 AND status IN ('MERGED', 'COMPLETED') ORDER BY position, id`,
        [plan.id],
      );
      url = (
        await host.openPullRequest({
          head: plan.branch,
          base: project.baseBranch,
          title: `Release: ${plan.name}`,
          body: [
            `Released by Maestro from \`${plan.branch}\` (plan ${toPublicId('Plan', plan.id)}).`,
            '',
            ...tasks.map((task) => `- ${task.title}`),
          ].join('\n'),
        })
      ).url;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      await this.failed(plan, reason.slice(0, 2000));
      return false;
    }
    return this.transactions.run(async (tx) => {
      const [row] = await tx.manager.query<{ status: string; release_pr_url: string | null }[]>(
        'SELECT status, release_pr_url FROM plan WHERE id = $1 FOR UPDATE',
        [plan.id],
      );
      if (row?.status !== 'ACTIVE' || row.release_pr_url) return false;
      await tx.manager.query(
        'UPDATE plan SET release_pr_url = $2, release_error = NULL, updated_at = now() WHERE id = $1',
        [plan.id, url],
      );
      await this.events.append(tx, plan.project_id, 'ReleasePullRequestOpened', {
        planId: toPublicId('Plan', plan.id),
        url,
        head: plan.branch,
        base: project.baseBranch,
      });
      return true;
    });
  }

  /** Records why; a new reason is an event (the same one again is not). */
  private async failed(plan: DueRow, reason: string): Promise<void> {
    this.logger.warn({ planId: plan.id, reason }, 'the release pull request could not be opened');
    if (plan.release_error === reason) return;
    await this.transactions.run(async (tx) => {
      await tx.manager.query(
        'UPDATE plan SET release_error = $2, updated_at = now() WHERE id = $1',
        [plan.id, reason],
      );
      await this.events.append(tx, plan.project_id, 'ReleasePullRequestFailed', {
        planId: toPublicId('Plan', plan.id),
        reason,
      });
    });
  }
}
