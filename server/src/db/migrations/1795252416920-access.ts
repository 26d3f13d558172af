import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Accounts: passwords, refresh tokens, API tokens, invites, project members, sign-in throttling, first-run setup. */

export class Access1795252416920 implements MigrationInterface {
  name = 'Access1795252416920';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "refresh_token" ("id" uuid NOT NULL, "family_id" uuid NOT NULL, "user_id" uuid NOT NULL, "token_hash" text NOT NULL, "client" text NOT NULL, "machine_id" text, "machine_name" text, "address" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "rotated_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, "revoked_reason" text, CONSTRAINT "UQ_f0812282fad2e352cdaf83ef0a9" UNIQUE ("token_hash"), CONSTRAINT "PK_b575dd3c21fb0831013c909e7fe" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "refresh_token_family_idx" ON "refresh_token"  ("family_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "refresh_token_user_idx" ON "refresh_token"  ("user_id") `,
    );
    await queryRunner.query(
      `CREATE TYPE "public"."api_token_scope" AS ENUM('READ', 'WRITE', 'DISPATCH')`,
    );
    await queryRunner.query(
      `CREATE TABLE "api_token" ("id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "project_id" uuid, "name" text NOT NULL, "scopes" "public"."api_token_scope" array NOT NULL, "token_hash" text NOT NULL, "prefix" text NOT NULL, "created_by_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE, "last_used_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_bafaa5aab5957cd193fb2da8f24" UNIQUE ("token_hash"), CONSTRAINT "PK_d862311c568d175c26f41bc6f98" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "api_token_workspace_idx" ON "api_token"  ("workspace_id", "id") `,
    );
    await queryRunner.query(
      `CREATE TYPE "public"."invite_kind" AS ENUM('WORKSPACE', 'PROJECT', 'CLI')`,
    );
    await queryRunner.query(
      `CREATE TABLE "invite" ("id" uuid NOT NULL, "kind" "public"."invite_kind" NOT NULL, "workspace_id" uuid NOT NULL, "project_id" uuid, "role" "public"."member_role", "email" text, "token_hash" text, "created_by_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "redeemed_at" TIMESTAMP WITH TIME ZONE, "redeemed_by_id" uuid, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_f04f011ab67d6ff726f43b5ea05" UNIQUE ("token_hash"), CONSTRAINT "PK_fc9fa190e5a3c5d80604a4f63e1" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "invite_workspace_idx" ON "invite"  ("workspace_id", "id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "login_throttle" ("key" text NOT NULL, "failures" integer NOT NULL, "window_started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "locked_until" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_14c03bac82292a8310c54cb98d0" PRIMARY KEY ("key"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "setup_token" ("id" uuid NOT NULL, "token_hash" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "UQ_1439eed7a13f0ab1c03a732f4ed" UNIQUE ("token_hash"), CONSTRAINT "PK_24ef0fde3e1c093dfaddad0de7e" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "project_member" ("id" uuid NOT NULL, "project_id" uuid NOT NULL, "member_id" uuid NOT NULL, "role" "public"."member_role" NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_64dba8e9dcf96ce383cfd19d6fb" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "project_member_member_idx" ON "project_member"  ("member_id") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "project_member_project_member_key" ON "project_member"  ("project_id", "member_id") `,
    );
    await queryRunner.query(`ALTER TABLE "user" ADD "password_hash" text`);
    await queryRunner.query(`ALTER TABLE "audit_entry" ADD "subject_user_id" uuid`);
    await queryRunner.query(`CREATE TYPE "public"."member_scope" AS ENUM('WORKSPACE', 'PROJECTS')`);
    await queryRunner.query(
      `ALTER TABLE "member" ADD "scope" "public"."member_scope" NOT NULL DEFAULT 'WORKSPACE'`,
    );
    await queryRunner.query(
      `CREATE INDEX "audit_entry_subject_idx" ON "audit_entry"  ("subject_user_id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "refresh_token" ADD CONSTRAINT "FK_6bbe63d2fe75e7f0ba1710351d4" FOREIGN KEY ("user_id") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "api_token" ADD CONSTRAINT "FK_0f11568598c09069392a62eb22c" FOREIGN KEY ("workspace_id") REFERENCES "workspace"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "api_token" ADD CONSTRAINT "FK_b4006af213c94dde67262ee00f7" FOREIGN KEY ("project_id") REFERENCES "project"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "invite" ADD CONSTRAINT "FK_1849cf242080009ba89f27a5834" FOREIGN KEY ("workspace_id") REFERENCES "workspace"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "invite" ADD CONSTRAINT "FK_b2d3484b030d055fc8198d16695" FOREIGN KEY ("project_id") REFERENCES "project"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "project_member" ADD CONSTRAINT "FK_aaef76230abfcdf30adb15d0be8" FOREIGN KEY ("project_id") REFERENCES "project"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "project_member" ADD CONSTRAINT "FK_2901c4746e27163d85d9fb66e71" FOREIGN KEY ("member_id") REFERENCES "member"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "project_member" DROP CONSTRAINT "FK_2901c4746e27163d85d9fb66e71"`,
    );
    await queryRunner.query(
      `ALTER TABLE "project_member" DROP CONSTRAINT "FK_aaef76230abfcdf30adb15d0be8"`,
    );
    await queryRunner.query(
      `ALTER TABLE "invite" DROP CONSTRAINT "FK_b2d3484b030d055fc8198d16695"`,
    );
    await queryRunner.query(
      `ALTER TABLE "invite" DROP CONSTRAINT "FK_1849cf242080009ba89f27a5834"`,
    );
    await queryRunner.query(
      `ALTER TABLE "api_token" DROP CONSTRAINT "FK_b4006af213c94dde67262ee00f7"`,
    );
    await queryRunner.query(
      `ALTER TABLE "api_token" DROP CONSTRAINT "FK_0f11568598c09069392a62eb22c"`,
    );
    await queryRunner.query(
      `ALTER TABLE "refresh_token" DROP CONSTRAINT "FK_6bbe63d2fe75e7f0ba1710351d4"`,
    );
    await queryRunner.query(`DROP INDEX "public"."audit_entry_subject_idx"`);
    await queryRunner.query(`ALTER TABLE "member" DROP COLUMN "scope"`);
    await queryRunner.query(`DROP TYPE "public"."member_scope"`);
    await queryRunner.query(`ALTER TABLE "audit_entry" DROP COLUMN "subject_user_id"`);
    await queryRunner.query(`ALTER TABLE "user" DROP COLUMN "password_hash"`);
    await queryRunner.query(`DROP INDEX "public"."project_member_project_member_key"`);
    await queryRunner.query(`DROP INDEX "public"."project_member_member_idx"`);
    await queryRunner.query(`DROP TABLE "project_member"`);
    await queryRunner.query(`DROP TABLE "setup_token"`);
    await queryRunner.query(`DROP TABLE "login_throttle"`);
    await queryRunner.query(`DROP INDEX "public"."invite_workspace_idx"`);
    await queryRunner.query(`DROP TABLE "invite"`);
    await queryRunner.query(`DROP TYPE "public"."invite_kind"`);
    await queryRunner.query(`DROP INDEX "public"."api_token_workspace_idx"`);
    await queryRunner.query(`DROP TABLE "api_token"`);
    await queryRunner.query(`DROP TYPE "public"."api_token_scope"`);
    await queryRunner.query(`DROP INDEX "public"."refresh_token_user_idx"`);
    await queryRunner.query(`DROP INDEX "public"."refresh_token_family_idx"`);
    await queryRunner.query(`DROP TABLE "refresh_token"`);
  }
}
