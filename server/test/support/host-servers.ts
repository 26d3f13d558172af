import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request a stand-in host received. */
export interface HostRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Record<string, unknown> | null;
}

/**
 * A loopback stand-in for a git host's REST API: the endpoints Studio uses, with payloads
 * shaped like the real ones, one repository, one valid token. `down` makes it answer 503.
 */
export interface StandInHost {
  readonly url: string;
  readonly requests: HostRequest[];
  down: boolean;
  close(): Promise<void>;
}

async function serve(
  handle: (request: HostRequest, url: URL) => { status: number; body: unknown },
): Promise<StandInHost> {
  const requests: HostRequest[] = [];
  const state = { down: false };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const text = Buffer.concat(chunks).toString('utf8');
      const request: HostRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        headers: req.headers,
        body: text ? (JSON.parse(text) as Record<string, unknown>) : null,
      };
      requests.push(request);
      const { status, body } = state.down
        ? { status: 503, body: { message: 'Service Unavailable' } }
        : handle(request, url);
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get down() {
      return state.down;
    },
    set down(value: boolean) {
      state.down = value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * GitHub's REST API for one repository `owner/repo` (default branch `defaultBranch`), accepting
 * `token`: GET /repos/{owner}/{repo}, POST and GET /repos/{owner}/{repo}/pulls.
 */
export function standInGitHub(options: {
  owner: string;
  repo: string;
  token: string;
  defaultBranch: string;
  canPush?: boolean;
}): Promise<StandInHost> {
  const pulls: Array<{ number: number; head: string; base: string; html_url: string }> = [];
  const full = `${options.owner}/${options.repo}`;
  const repository = {
    id: 1296269,
    node_id: 'MDEwOlJlcG9zaXRvcnkxMjk2MjY5',
    name: options.repo,
    full_name: full,
    private: true,
    html_url: `https://github.com/${full}`,
    default_branch: options.defaultBranch,
    permissions: {
      admin: false,
      maintain: false,
      push: options.canPush ?? true,
      triage: true,
      pull: true,
    },
  };
  return serve((request, url) => {
    const auth = request.headers.authorization;
    if (auth !== `token ${options.token}` && auth !== `Bearer ${options.token}`) {
      return {
        status: 401,
        body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' },
      };
    }
    if (request.path !== `/repos/${full}` && !request.path.startsWith(`/repos/${full}/`)) {
      return {
        status: 404,
        body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' },
      };
    }
    if (request.method === 'GET' && request.path === `/repos/${full}`)
      return { status: 200, body: repository };
    if (request.path === `/repos/${full}/pulls`) {
      if (request.method === 'GET') {
        const head = url.searchParams.get('head')?.split(':').pop();
        const base = url.searchParams.get('base');
        return {
          status: 200,
          body: pulls.filter((pr) => pr.head === head && (!base || pr.base === base)).map(shape),
        };
      }
      const body = request.body as { head?: string; base?: string; title?: string };
      if (!body.head || !body.base || !body.title) {
        return {
          status: 422,
          body: {
            message: 'Validation Failed',
            errors: [{ resource: 'PullRequest', code: 'missing_field' }],
          },
        };
      }
      if (pulls.some((pr) => pr.head === body.head && pr.base === body.base)) {
        return {
          status: 422,
          body: {
            message: 'Validation Failed',
            errors: [
              {
                resource: 'PullRequest',
                code: 'custom',
                message: `A pull request already exists for ${options.owner}:${body.head}.`,
              },
            ],
          },
        };
      }
      const number = pulls.length + 1;
      const pr = {
        number,
        head: body.head,
        base: body.base,
        html_url: `https://github.com/${full}/pull/${number}`,
      };
      pulls.push(pr);
      return { status: 201, body: { ...shape(pr), title: body.title } };
    }
    return { status: 404, body: { message: 'Not Found' } };
  });

  function shape(pr: { number: number; head: string; base: string; html_url: string }) {
    return {
      id: 1000 + pr.number,
      number: pr.number,
      state: 'open',
      html_url: pr.html_url,
      head: { ref: pr.head, label: `${options.owner}:${pr.head}` },
      base: { ref: pr.base, label: `${options.owner}:${pr.base}` },
      merged: false,
    };
  }
}

/**
 * GitLab's REST API (v4) for one project `path` (subgroups allowed), accepting `token` as
 * PRIVATE-TOKEN: GET /api/v4/projects/:id, POST and GET /api/v4/projects/:id/merge_requests.
 */
export function standInGitLab(options: {
  path: string;
  token: string;
  defaultBranch: string;
}): Promise<StandInHost> {
  const mrs: Array<{ iid: number; source: string; target: string; web_url: string }> = [];
  const encoded = encodeURIComponent(options.path);
  const project = {
    id: 4242,
    path_with_namespace: options.path,
    default_branch: options.defaultBranch,
    web_url: `https://gitlab.com/${options.path}`,
    permissions: {
      project_access: { access_level: 40, notification_level: 3 },
      group_access: null,
    },
  };
  return serve((request, url) => {
    if (request.headers['private-token'] !== options.token) {
      return { status: 401, body: { message: '401 Unauthorized' } };
    }
    const base = `/api/v4/projects/${encoded}`;
    const raw = request.path.replace(/%2f/gi, '%2F');
    if (raw !== base && !raw.startsWith(`${base}/`))
      return { status: 404, body: { message: '404 Project Not Found' } };
    if (request.method === 'GET' && raw === base) return { status: 200, body: project };
    if (raw === `${base}/merge_requests`) {
      if (request.method === 'GET') {
        const source = url.searchParams.get('source_branch');
        const target = url.searchParams.get('target_branch');
        return {
          status: 200,
          body: mrs
            .filter((mr) => mr.source === source && (!target || mr.target === target))
            .map(shape),
        };
      }
      const body = request.body as {
        source_branch?: string;
        target_branch?: string;
        title?: string;
      };
      if (!body.source_branch || !body.target_branch || !body.title) {
        return { status: 400, body: { error: 'source_branch, target_branch, title are missing' } };
      }
      if (mrs.some((mr) => mr.source === body.source_branch && mr.target === body.target_branch)) {
        return {
          status: 409,
          body: {
            message: ['Another open merge request already exists for this source branch: !1'],
          },
        };
      }
      const iid = mrs.length + 1;
      const mr = {
        iid,
        source: body.source_branch,
        target: body.target_branch,
        web_url: `https://gitlab.com/${options.path}/-/merge_requests/${iid}`,
      };
      mrs.push(mr);
      return { status: 201, body: { ...shape(mr), title: body.title } };
    }
    return { status: 404, body: { message: '404 Not Found' } };
  });

  function shape(mr: { iid: number; source: string; target: string; web_url: string }) {
    return {
      id: 9000 + mr.iid,
      iid: mr.iid,
      project_id: project.id,
      state: 'opened',
      source_branch: mr.source,
      target_branch: mr.target,
      web_url: mr.web_url,
    };
  }
}
