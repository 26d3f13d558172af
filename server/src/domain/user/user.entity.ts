import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A person who signs in with an email and a password. */
@Entity('user')
export class UserEntity {
  @PrimaryColumn('uuid')
  id: string;

  /** Stored lower-case; unique. */
  @Column('text', { unique: true })
  email: string;

  @Column('text')
  name: string;

  /** scrypt hash (docs/api.md, "Authentication"); null for an account that cannot sign in. */
  @Column('text', { nullable: true, select: true })
  passwordHash: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
