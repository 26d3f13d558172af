import { describe, expect, test } from '@jest/globals';
import { uuidv7 } from './ids.js';
import { parsePublicId, parsePublicIdOf, toPublicId } from './public-id.js';

describe('public ids', () => {
  test('round-trip through the type-prefixed base-62 form', () => {
    for (let i = 0; i < 200; i++) {
      const uuid = uuidv7();
      const id = toPublicId('Project', uuid);
      expect(id).toMatch(/^prj_[0-9A-Za-z]{22}$/);
      expect(parsePublicId(id)).toEqual({ kind: 'Project', uuid });
    }
  });

  test('keep extreme values', () => {
    for (const uuid of [
      '00000000-0000-0000-0000-000000000000',
      'ffffffff-ffff-ffff-ffff-ffffffffffff',
    ]) {
      expect(parsePublicId(toPublicId('Workspace', uuid))?.uuid).toBe(uuid);
    }
  });

  test('are stable: the same row always has the same id', () => {
    expect(toPublicId('Workspace', '0190f0e2-7a3b-7c4d-8e5f-0123456789ab')).toBe(
      toPublicId('Workspace', '0190f0e2-7a3b-7c4d-8e5f-0123456789ab'),
    );
  });

  test.each([
    ['', 'empty'],
    ['prj_short', 'too short'],
    ['xyz_0000000000000000000000', 'unknown prefix'],
    ['prj_zzzzzzzzzzzzzzzzzzzzzz', 'beyond 128 bits'],
    ['prj-0351IPqWADLLw0p4e4Y4JB', 'wrong separator'],
    ['0190f0e2-7a3b-7c4d-8e5f-0123456789ab', 'a raw uuid'],
  ])('%j is not an id (%s)', (id) => {
    expect(parsePublicId(id)).toBeUndefined();
  });

  test('parsePublicIdOf refuses an id of another kind', () => {
    const id = toPublicId('Workspace', uuidv7());
    expect(parsePublicIdOf('Project', id)).toBeUndefined();
    expect(parsePublicIdOf('Workspace', id)).toBeDefined();
  });

  test('uuidv7 sorts by creation, also within one millisecond', () => {
    const ids = Array.from({ length: 5000 }, () => uuidv7());
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids.slice(0, 50)) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    const frozen = Array.from({ length: 3000 }, () => uuidv7(1_700_000_000_000));
    expect([...frozen].sort()).toEqual(frozen);
  });
});
