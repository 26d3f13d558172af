import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * maestro_public_id(prefix, uuid): the public id (`run_0cX3…`, see domain/common/public-id.ts)
 * computed in SQL, so a single statement can write an event whose payload names the rows it
 * changed (the run queue's claim). NULL for a NULL id.
 */
export class PublicIdFunction1795260000000 implements MigrationInterface {
  name = 'PublicIdFunction1795260000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION maestro_public_id(prefix text, id uuid) RETURNS text
      LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
      DECLARE
        alphabet constant text := '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
        hex constant text := replace(id::text, '-', '');
        n numeric := 0;
        digits text := '';
      BEGIN
        FOR i IN 1..32 LOOP
          n := n * 16 + (position(substr(hex, i, 1) IN '0123456789abcdef') - 1);
        END LOOP;
        WHILE n > 0 LOOP
          digits := substr(alphabet, (mod(n, 62))::int + 1, 1) || digits;
          n := div(n, 62);
        END LOOP;
        RETURN prefix || '_' || lpad(digits, 22, '0');
      END
      $$
    `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP FUNCTION maestro_public_id(text, uuid)');
  }
}
