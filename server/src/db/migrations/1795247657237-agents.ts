import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Agent sessions and teams, runs with their output, repository context, knowledge, audit. */

export class Agents1795247657237 implements MigrationInterface {
  name = 'Agents1795247657237';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "audit_entry" (
                "id" uuid NOT NULL,
                "workspace_id" uuid,
                "actor_kind" text NOT NULL,
                "actor_user_id" uuid,
                "action" text NOT NULL,
                "target" text,
                "details" jsonb NOT NULL DEFAULT '{}',
                "address" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_58a130a4b9da189f46ba2a01801" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "audit_entry_workspace_idx" ON "audit_entry" ("workspace_id", "id")
        `);
    await queryRunner.query(`
            CREATE TABLE "repo_context" (
                "project_id" uuid NOT NULL,
                "framework" text,
                "tech_stack" text array NOT NULL DEFAULT '{}',
                "architecture_summary" text NOT NULL DEFAULT '',
                "directory_map" jsonb NOT NULL DEFAULT '{}',
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_50e9a1478a28a98d97f855d9004" PRIMARY KEY ("project_id")
            )
        `);
    await queryRunner.query(`
            CREATE TYPE "public"."context_file_kind" AS ENUM('CODEBASE', 'WORKFLOW', 'NOTES')
        `);
    await queryRunner.query(`
            CREATE TABLE "project_context_file" (
                "id" uuid NOT NULL,
                "project_id" uuid NOT NULL,
                "kind" "public"."context_file_kind" NOT NULL,
                "name" text NOT NULL,
                "content" text NOT NULL,
                "version" integer NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_9893050a7d677ba67096ece0280" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "project_context_file_key" ON "project_context_file" ("project_id", "kind", "name")
        `);
    await queryRunner.query(`
            CREATE TABLE "project_context_file_version" (
                "id" uuid NOT NULL,
                "file_id" uuid NOT NULL,
                "version" integer NOT NULL,
                "content" text NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_00afdcdaa5cc281948fff9d79e8" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "project_context_file_version_key" ON "project_context_file_version" ("file_id", "version")
        `);
    await queryRunner.query(`
            CREATE TYPE "public"."knowledge_artifact_type" AS ENUM(
                'FUNCTION',
                'HELPER',
                'SERVICE',
                'COMPONENT',
                'WIDGET',
                'MODULE',
                'INTERFACE',
                'PATTERN'
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "knowledge_artifact" (
                "id" uuid NOT NULL,
                "workspace_id" uuid NOT NULL,
                "project_id" uuid NOT NULL,
                "type" "public"."knowledge_artifact_type" NOT NULL,
                "name" text NOT NULL,
                "language" text,
                "framework" text,
                "summary" text NOT NULL DEFAULT '',
                "file_refs" jsonb NOT NULL DEFAULT '[]',
                "structure" jsonb,
                "source_meta" jsonb,
                "embedding" vector(384),
                "embedding_model" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_8d0145402b696a08a30731a5da0" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "knowledge_artifact_project_idx" ON "knowledge_artifact" ("project_id", "type")
        `);
    await queryRunner.query(`
            CREATE TABLE "team" (
                "id" uuid NOT NULL,
                "project_id" uuid NOT NULL,
                "lead_session_id" uuid NOT NULL,
                "channel" text NOT NULL,
                "worker_count" integer NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_f57d8293406df4af348402e4b74" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "team_project_idx" ON "team" ("project_id")
        `);
    await queryRunner.query(`
            CREATE TYPE "public"."session_role" AS ENUM('LEAD', 'WORKER')
        `);
    await queryRunner.query(`
            CREATE TABLE "agent_session" (
                "id" uuid NOT NULL,
                "project_id" uuid NOT NULL,
                "member_id" uuid,
                "name" text NOT NULL,
                "role" "public"."session_role" NOT NULL,
                "machine_id" text NOT NULL,
                "provider" text,
                "team_id" uuid,
                "ephemeral" boolean NOT NULL DEFAULT false,
                "last_heartbeat_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "ended_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_5b8bdf54e8520f352257f5d2633" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "agent_session_project_idx" ON "agent_session" ("project_id", "ended_at")
        `);
    await queryRunner.query(`
            CREATE TABLE "session_skill" (
                "session_id" uuid NOT NULL,
                "skill_id" uuid NOT NULL,
                "proficiency" smallint NOT NULL,
                CONSTRAINT "session_skill_proficiency_check" CHECK (
                    "proficiency" BETWEEN 1 AND 5
                ),
                CONSTRAINT "PK_1cf61b4959f45907ed4d7b3509c" PRIMARY KEY ("session_id", "skill_id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "session_skill_skill_idx" ON "session_skill" ("skill_id")
        `);
    await queryRunner.query(`
            CREATE TYPE "public"."run_purpose" AS ENUM(
                'PLANNING',
                'EXECUTION',
                'REVIEW',
                'MERGE',
                'BOOTSTRAP_EPIC',
                'RELEASE',
                'RELEASE_CLEANUP',
                'REPO_ANALYSIS',
                'REFINE',
                'COMMENT_EVAL'
            )
        `);
    await queryRunner.query(`
            CREATE TYPE "public"."run_status" AS ENUM(
                'QUEUED',
                'CLAIMED',
                'RUNNING',
                'SUCCEEDED',
                'FAILED',
                'CANCELLED',
                'PAUSED'
            )
        `);
    await queryRunner.query(`
            CREATE TYPE "public"."model_tier" AS ENUM('HARD', 'STANDARD', 'EASY', 'NONE')
        `);
    await queryRunner.query(`
            CREATE TABLE "agent_run" (
                "id" uuid NOT NULL,
                "project_id" uuid NOT NULL,
                "plan_id" uuid,
                "task_id" uuid,
                "purpose" "public"."run_purpose" NOT NULL,
                "status" "public"."run_status" NOT NULL DEFAULT 'QUEUED',
                "tier" "public"."model_tier" NOT NULL,
                "attempt" integer NOT NULL DEFAULT '1',
                "lease_version" integer NOT NULL DEFAULT '0',
                "lease_expires_at" TIMESTAMP WITH TIME ZONE,
                "session_id" uuid,
                "target_session_id" uuid,
                "dispatch_reason" jsonb,
                "model" text,
                "tokens_in" integer NOT NULL DEFAULT '0',
                "tokens_out" integer NOT NULL DEFAULT '0',
                "cost_usd" numeric(12, 6) NOT NULL DEFAULT '0',
                "output_seq" integer NOT NULL DEFAULT '0',
                "queued_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "started_at" TIMESTAMP WITH TIME ZONE,
                "finished_at" TIMESTAMP WITH TIME ZONE,
                "resume_at" TIMESTAMP WITH TIME ZONE,
                "exit_code" integer,
                "exit_reason" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_ea8d80275b57b9913c709094f52" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "agent_run_session_idx" ON "agent_run" ("session_id", "id")
        `);
    await queryRunner.query(`
            CREATE INDEX "agent_run_task_idx" ON "agent_run" ("task_id", "id")
        `);
    await queryRunner.query(`
            CREATE INDEX "agent_run_queue_idx" ON "agent_run" ("project_id", "status", "target_session_id")
        `);
    await queryRunner.query(`
            CREATE TYPE "public"."output_stream" AS ENUM('STDOUT', 'STDERR', 'SYSTEM')
        `);
    await queryRunner.query(`
            CREATE TABLE "run_output" (
                "run_id" uuid NOT NULL,
                "seq" integer NOT NULL,
                "stream" "public"."output_stream" NOT NULL,
                "chunk" text NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_ecbebb9ce64689fedbf93f65cda" PRIMARY KEY ("run_id", "seq")
            )
        `);
    await queryRunner.query(`
            ALTER TABLE "repo_context"
            ADD CONSTRAINT "FK_50e9a1478a28a98d97f855d9004" FOREIGN KEY ("project_id") REFERENCES "project"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "project_context_file"
            ADD CONSTRAINT "FK_86e8d273344f69be98a8b881cc4" FOREIGN KEY ("project_id") REFERENCES "project"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "project_context_file_version"
            ADD CONSTRAINT "FK_27ecdddd38a8dfa83d4ec30daf9" FOREIGN KEY ("file_id") REFERENCES "project_context_file"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "knowledge_artifact"
            ADD CONSTRAINT "FK_d3a1dbbbfdb4b90cd3a4db3d044" FOREIGN KEY ("workspace_id") REFERENCES "workspace"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "knowledge_artifact"
            ADD CONSTRAINT "FK_597761d027bafa12b53f6a4b590" FOREIGN KEY ("project_id") REFERENCES "project"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "team"
            ADD CONSTRAINT "FK_7fa4b2b073ef1e1e786b912eb79" FOREIGN KEY ("project_id") REFERENCES "project"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "agent_session"
            ADD CONSTRAINT "FK_375a5b2fa08e32e99bb55aeb3fc" FOREIGN KEY ("project_id") REFERENCES "project"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "agent_session"
            ADD CONSTRAINT "FK_27bdef583c9f9565b913f1a872d" FOREIGN KEY ("member_id") REFERENCES "member"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "agent_session"
            ADD CONSTRAINT "FK_42837d757f2c53b57f9c8748f03" FOREIGN KEY ("team_id") REFERENCES "team"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "session_skill"
            ADD CONSTRAINT "FK_0f23bf3fcbd28faeacd5b0dca52" FOREIGN KEY ("session_id") REFERENCES "agent_session"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "session_skill"
            ADD CONSTRAINT "FK_e5b7f5b4acb6e9c3cd9eace73f6" FOREIGN KEY ("skill_id") REFERENCES "skill"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "agent_run"
            ADD CONSTRAINT "FK_cdb5d0cedb8bf72fd34be435847" FOREIGN KEY ("project_id") REFERENCES "project"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "agent_run"
            ADD CONSTRAINT "FK_d6f74c9936768025c318f86685c" FOREIGN KEY ("plan_id") REFERENCES "plan"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "agent_run"
            ADD CONSTRAINT "FK_5ec550c1164c9a7af87a8300a00" FOREIGN KEY ("task_id") REFERENCES "task"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "agent_run"
            ADD CONSTRAINT "FK_45468d7df56896cc81b5666c152" FOREIGN KEY ("session_id") REFERENCES "agent_session"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "agent_run"
            ADD CONSTRAINT "FK_2b2c6eb844a1c8eb0c676d8aeed" FOREIGN KEY ("target_session_id") REFERENCES "agent_session"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "run_output"
            ADD CONSTRAINT "FK_153946bf4c7c1fccd161dd8868c" FOREIGN KEY ("run_id") REFERENCES "agent_run"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "run_output" DROP CONSTRAINT "FK_153946bf4c7c1fccd161dd8868c"
        `);
    await queryRunner.query(`
            ALTER TABLE "agent_run" DROP CONSTRAINT "FK_2b2c6eb844a1c8eb0c676d8aeed"
        `);
    await queryRunner.query(`
            ALTER TABLE "agent_run" DROP CONSTRAINT "FK_45468d7df56896cc81b5666c152"
        `);
    await queryRunner.query(`
            ALTER TABLE "agent_run" DROP CONSTRAINT "FK_5ec550c1164c9a7af87a8300a00"
        `);
    await queryRunner.query(`
            ALTER TABLE "agent_run" DROP CONSTRAINT "FK_d6f74c9936768025c318f86685c"
        `);
    await queryRunner.query(`
            ALTER TABLE "agent_run" DROP CONSTRAINT "FK_cdb5d0cedb8bf72fd34be435847"
        `);
    await queryRunner.query(`
            ALTER TABLE "session_skill" DROP CONSTRAINT "FK_e5b7f5b4acb6e9c3cd9eace73f6"
        `);
    await queryRunner.query(`
            ALTER TABLE "session_skill" DROP CONSTRAINT "FK_0f23bf3fcbd28faeacd5b0dca52"
        `);
    await queryRunner.query(`
            ALTER TABLE "agent_session" DROP CONSTRAINT "FK_42837d757f2c53b57f9c8748f03"
        `);
    await queryRunner.query(`
            ALTER TABLE "agent_session" DROP CONSTRAINT "FK_27bdef583c9f9565b913f1a872d"
        `);
    await queryRunner.query(`
            ALTER TABLE "agent_session" DROP CONSTRAINT "FK_375a5b2fa08e32e99bb55aeb3fc"
        `);
    await queryRunner.query(`
            ALTER TABLE "team" DROP CONSTRAINT "FK_7fa4b2b073ef1e1e786b912eb79"
        `);
    await queryRunner.query(`
            ALTER TABLE "knowledge_artifact" DROP CONSTRAINT "FK_597761d027bafa12b53f6a4b590"
        `);
    await queryRunner.query(`
            ALTER TABLE "knowledge_artifact" DROP CONSTRAINT "FK_d3a1dbbbfdb4b90cd3a4db3d044"
        `);
    await queryRunner.query(`
            ALTER TABLE "project_context_file_version" DROP CONSTRAINT "FK_27ecdddd38a8dfa83d4ec30daf9"
        `);
    await queryRunner.query(`
            ALTER TABLE "project_context_file" DROP CONSTRAINT "FK_86e8d273344f69be98a8b881cc4"
        `);
    await queryRunner.query(`
            ALTER TABLE "repo_context" DROP CONSTRAINT "FK_50e9a1478a28a98d97f855d9004"
        `);
    await queryRunner.query(`
            DROP TABLE "run_output"
        `);
    await queryRunner.query(`
            DROP TYPE "public"."output_stream"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."agent_run_queue_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."agent_run_task_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."agent_run_session_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "agent_run"
        `);
    await queryRunner.query(`
            DROP TYPE "public"."model_tier"
        `);
    await queryRunner.query(`
            DROP TYPE "public"."run_status"
        `);
    await queryRunner.query(`
            DROP TYPE "public"."run_purpose"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."session_skill_skill_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "session_skill"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."agent_session_project_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "agent_session"
        `);
    await queryRunner.query(`
            DROP TYPE "public"."session_role"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."team_project_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "team"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."knowledge_artifact_project_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "knowledge_artifact"
        `);
    await queryRunner.query(`
            DROP TYPE "public"."knowledge_artifact_type"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."project_context_file_version_key"
        `);
    await queryRunner.query(`
            DROP TABLE "project_context_file_version"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."project_context_file_key"
        `);
    await queryRunner.query(`
            DROP TABLE "project_context_file"
        `);
    await queryRunner.query(`
            DROP TYPE "public"."context_file_kind"
        `);
    await queryRunner.query(`
            DROP TABLE "repo_context"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."audit_entry_workspace_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "audit_entry"
        `);
  }
}
