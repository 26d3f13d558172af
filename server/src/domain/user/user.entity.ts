import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A person. Credentials arrive with the Access issue. */
@Entity('user')
export class UserEntity {
  @PrimaryColumn('uuid')
  id: string;

  /** Stored lower-case; unique. */
  @Column('text', { unique: true })
  email: string;

  @Column('text')
  name: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
