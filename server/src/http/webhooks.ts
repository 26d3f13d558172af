import { createHmac, timingSafeEqual } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from '../logging/logger.js';
import type { Services } from '../services.js';

/** What a verified delivery from a host means for Studio: a request closed, merged or not. */
export interface ClosedPullRequest {
  readonly merged: boolean;
  /** The repository as a remote URL, normalized like projects' remotes. */
  readonly repository: string;
  readonly head: string;
  readonly base: string;
  readonly url: string;
}

interface WebhookDeps {
  readonly services: Pick<Services, 'projects' | 'delivery'>;
  readonly logger: Logger;
}

const MAX_BODY = '2mb';

function equal(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** GitHub signs the body: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, body)>`. */
export function githubSignatureValid(secret: string, body: Buffer, header: string | undefined) {
  if (!header?.startsWith('sha256=')) return false;
  const expected = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  return equal(expected, header);
}

/** GitLab sends the secret itself: `X-Gitlab-Token: <secret>`. */
export function gitlabTokenValid(secret: string, header: string | undefined) {
  return header !== undefined && equal(secret, header);
}

/** A pull request closed (merged or not) in a GitHub `pull_request` delivery, or undefined. */
export function githubClosed(event: string | undefined, payload: unknown) {
  if (event !== 'pull_request') return undefined;
  const body = payload as {
    action?: string;
    pull_request?: {
      merged?: boolean;
      html_url?: string;
      head?: { ref?: string };
      base?: { ref?: string };
    };
    repository?: { html_url?: string };
  };
  const pr = body.pull_request;
  if (body.action !== 'closed' || !pr || !body.repository?.html_url) return undefined;
  if (!pr.head?.ref || !pr.base?.ref || !pr.html_url) return undefined;
  return {
    merged: pr.merged === true,
    repository: body.repository.html_url,
    head: pr.head.ref,
    base: pr.base.ref,
    url: pr.html_url,
  } satisfies ClosedPullRequest;
}

/** A merge request merged or closed in a GitLab `Merge Request Hook` delivery, or undefined. */
export function gitlabClosed(payload: unknown) {
  const body = payload as {
    object_kind?: string;
    project?: { web_url?: string };
    object_attributes?: {
      action?: string;
      state?: string;
      url?: string;
      source_branch?: string;
      target_branch?: string;
    };
  };
  const mr = body.object_attributes;
  if (body.object_kind !== 'merge_request' || !mr || !body.project?.web_url) return undefined;
  const merged = mr.action === 'merge' || mr.state === 'merged';
  if (!merged && mr.action !== 'close') return undefined;
  if (!mr.source_branch || !mr.target_branch || !mr.url) return undefined;
  return {
    merged,
    repository: body.project.web_url,
    head: mr.source_branch,
    base: mr.target_branch,
    url: mr.url,
  } satisfies ClosedPullRequest;
}

/**
 * POST /webhooks/github and /webhooks/gitlab. A delivery names its repository; it is accepted
 * for the projects linked to that repository whose webhook secret verifies it (each project's
 * secret is derived from MAESTRO_SECRET, and shown to its admins as Project.webhook). A
 * delivery no project verifies is refused with 401 and changes nothing. A merged release pull
 * request completes its plan, one closed without merging is recorded as the plan's
 * releaseError; other deliveries are acknowledged and ignored.
 */
export function webhookRouter(deps: WebhookDeps): Router {
  const router = express.Router();
  const raw = express.raw({ type: () => true, limit: MAX_BODY });

  const handle =
    (
      host: 'github' | 'gitlab',
      verify: (secret: string, req: Request, body: Buffer) => boolean,
      closed: (req: Request, payload: unknown) => ClosedPullRequest | undefined,
      repositoryOf: (payload: unknown) => string | undefined,
    ) =>
    async (req: Request, res: Response) => {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      let payload: unknown;
      try {
        payload = JSON.parse(body.toString('utf8'));
      } catch {
        res.status(400).json({ error: 'the body is not JSON' });
        return;
      }
      const repository = repositoryOf(payload);
      if (!repository) {
        res.status(400).json({ error: 'the delivery names no repository' });
        return;
      }
      const { projects, delivery } = deps.services;
      const verified = (await projects.linkedTo(repository)).filter((projectId) =>
        projects.webhookSecrets(projectId).some((secret) => verify(secret, req, body)),
      );
      if (verified.length === 0) {
        deps.logger.warn({ host, repository }, 'webhook refused: no project verifies it');
        res.status(401).json({ error: 'the signature or token does not match a linked project' });
        return;
      }
      const pr = closed(req, payload);
      const completed: string[] = [];
      for (const projectId of pr ? verified : []) {
        if (!pr) break;
        if (!pr.merged) {
          await delivery.pullRequestClosed(projectId, pr);
          continue;
        }
        const planId = await delivery.pullRequestMerged(projectId, pr);
        if (planId) completed.push(planId);
      }
      res.status(202).json({ accepted: true, plansCompleted: completed.length });
    };

  const run =
    (handler: (req: Request, res: Response) => Promise<void>) =>
    (req: Request, res: Response, next: (error?: unknown) => void) => {
      handler(req, res).catch(next);
    };

  router.post(
    '/github',
    raw,
    run(
      handle(
        'github',
        (secret, req, body) => githubSignatureValid(secret, body, req.get('x-hub-signature-256')),
        (req, payload) => githubClosed(req.get('x-github-event'), payload),
        (payload) => (payload as { repository?: { html_url?: string } }).repository?.html_url,
      ),
    ),
  );
  router.post(
    '/gitlab',
    raw,
    run(
      handle(
        'gitlab',
        (secret, req) => gitlabTokenValid(secret, req.get('x-gitlab-token')),
        (_req, payload) => gitlabClosed(payload),
        (payload) => (payload as { project?: { web_url?: string } }).project?.web_url,
      ),
    ),
  );
  return router;
}
