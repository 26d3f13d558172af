import type { InviteKind, MemberRole } from '$lib/generated/graphql';

export function roleLabel(role: MemberRole): string {
  switch (role) {
    case 'OWNER':
      return 'Owner';
    case 'ADMIN':
      return 'Admin';
    case 'ARCHITECT':
      return 'Architect';
    case 'LEAD':
      return 'Lead';
    case 'DEVELOPER':
      return 'Developer';
    case 'VIEWER':
      return 'Viewer';
  }
}

export function inviteKindLabel(kind: InviteKind): string {
  switch (kind) {
    case 'WORKSPACE':
      return 'Workspace invite';
    case 'PROJECT':
      return 'Project invite';
    case 'CLI':
      return 'Machine (CLI) invite';
  }
}
