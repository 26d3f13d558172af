import type { ReleaseMode, RepositoryHost } from '$lib/generated/graphql';

export function hostLabel(host: RepositoryHost): string {
  switch (host) {
    case 'GITHUB':
      return 'GitHub';
    case 'GITLAB':
      return 'GitLab';
    case 'GENERIC':
      return 'Other git host';
    case 'LOCAL':
      return 'Local path';
  }
}

export function releaseModeLabel(mode: ReleaseMode): string {
  switch (mode) {
    case 'MERGE':
      return 'Merge into the base branch';
    case 'PULL_REQUEST':
      return 'Open a pull request';
  }
}
