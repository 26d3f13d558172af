import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** A security-relevant action, kept for admins (logins, role changes, tokens, operator actions). */
@Entity('audit_entry')
@Index('audit_entry_workspace_idx', ['workspaceId', 'id'])
export class AuditEntryEntity {
  @PrimaryColumn('uuid')
  id: string;

  /** Null for actions outside any workspace (e.g. a failed login). */
  @Column('uuid', { nullable: true })
  workspaceId: string | null;

  /** `anonymous`, `user`, `system` or `token`. */
  @Column('text')
  actorKind: string;

  @Column('uuid', { nullable: true })
  actorUserId: string | null;

  /** What happened, e.g. `member.role_changed`, `login.failed`. */
  /** The account an account-level event is about (a sign-in, a refresh-token reuse). */
  @Index('audit_entry_subject_idx')
  @Column('uuid', { nullable: true })
  subjectUserId: string | null;

  @Column('text')
  action: string;

  /** What it happened to, as a public id when there is one. */
  @Column('text', { nullable: true })
  target: string | null;

  @Column('jsonb', { default: () => "'{}'" })
  details: Record<string, unknown>;

  @Column('text', { nullable: true })
  address: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
