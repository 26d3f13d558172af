import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Workspaces, projects and the per-project event log; the pgvector extension. */
export class Foundation1795243308180 implements MigrationInterface {
  name = 'Foundation1795243308180';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE EXTENSION IF NOT EXISTS vector`);
    await db.query(`
      CREATE TABLE "workspace" (
        "id" uuid NOT NULL,
        "name" text NOT NULL,
        "slug" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "UQ_0d706c438a9b1ae0ac9806a201a" UNIQUE ("slug"),
        CONSTRAINT "PK_ca86b6f9b3be5fe26d307d09b49" PRIMARY KEY ("id")
      )`);
    await db.query(
      `CREATE TYPE "public"."repository_host" AS ENUM('GITHUB', 'GITLAB', 'LOCAL', 'GENERIC')`,
    );
    await db.query(`CREATE TYPE "public"."release_mode" AS ENUM('MERGE', 'PULL_REQUEST')`);
    await db.query(`
      CREATE TABLE "project" (
        "id" uuid NOT NULL,
        "workspace_id" uuid NOT NULL,
        "name" text NOT NULL,
        "slug" text NOT NULL,
        "remote_url" text NOT NULL,
        "normalized_remote" text NOT NULL,
        "host" "public"."repository_host" NOT NULL,
        "base_branch" text NOT NULL,
        "release_mode" "public"."release_mode" NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_4d68b1358bb5b766d3e78f32f57" PRIMARY KEY ("id"),
        CONSTRAINT "FK_5cb157e3d3ab8abd16251129dba" FOREIGN KEY ("workspace_id")
          REFERENCES "workspace"("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await db.query(
      `CREATE UNIQUE INDEX "project_workspace_remote_key" ON "project" ("workspace_id", "normalized_remote")`,
    );
    await db.query(
      `CREATE UNIQUE INDEX "project_workspace_slug_key" ON "project" ("workspace_id", "slug")`,
    );
    await db.query(`
      CREATE TABLE "event" (
        "id" uuid NOT NULL,
        "project_id" uuid NOT NULL,
        "seq" bigint NOT NULL,
        "type" text NOT NULL,
        "payload" jsonb NOT NULL,
        "occurred_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_30c2f3bbaf6d34a55f8ae6e4614" PRIMARY KEY ("id"),
        CONSTRAINT "FK_5ddf1fde7a9479ca096bb6a1424" FOREIGN KEY ("project_id")
          REFERENCES "project"("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await db.query(`CREATE UNIQUE INDEX "event_project_seq_key" ON "event" ("project_id", "seq")`);
    await db.query(`
      CREATE TABLE "event_stream" (
        "project_id" uuid NOT NULL,
        "last_seq" bigint NOT NULL,
        CONSTRAINT "PK_6ee7f3a3ae7a7588e07fbd28f5c" PRIMARY KEY ("project_id"),
        CONSTRAINT "FK_6ee7f3a3ae7a7588e07fbd28f5c" FOREIGN KEY ("project_id")
          REFERENCES "project"("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE "event_stream"`);
    await db.query(`DROP TABLE "event"`);
    await db.query(`DROP TABLE "project"`);
    await db.query(`DROP TYPE "public"."release_mode"`);
    await db.query(`DROP TYPE "public"."repository_host"`);
    await db.query(`DROP TABLE "workspace"`);
  }
}
