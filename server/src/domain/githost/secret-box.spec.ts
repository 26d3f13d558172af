import { describe, expect, test } from '@jest/globals';
import { SecretBox } from './secret-box.js';

const SECRET = 'a'.repeat(40);
const OLD = 'b'.repeat(40);

describe('SecretBox', () => {
  test('seals so that only a box with the key opens it', () => {
    const box = new SecretBox(SECRET);
    const sealed = box.seal('ghp_token');
    expect(sealed).toMatch(/^v1\.[\w-]{12}\./);
    expect(sealed).not.toContain('ghp_token');
    expect(box.seal('ghp_token')).not.toBe(sealed); // a fresh IV each time
    expect(box.open(sealed)).toBe('ghp_token');
    expect(() => new SecretBox(OLD).open(sealed)).toThrow('a key this Studio does not have');
  });

  test('a tampered box does not open', () => {
    const box = new SecretBox(SECRET);
    const parts = box.seal('ghp_token').split('.');
    const last = parts[4] as string;
    parts[4] = `${last.slice(0, -1)}${last.endsWith('A') ? 'B' : 'A'}`;
    expect(() => box.open(parts.join('.'))).toThrow();
    expect(() => box.open('v2.x.y.z.w')).toThrow();
    expect(() => box.open('garbage')).toThrow();
  });

  test('after a rotation, boxes and webhook secrets of the previous secret still work', () => {
    const before = new SecretBox(OLD);
    const sealed = before.seal('glpat-1');
    const after = new SecretBox(SECRET, [OLD]);
    expect(after.open(sealed)).toBe('glpat-1');
    const [current, previous] = after.webhookSecrets('project-1');
    expect(previous).toBe(before.webhookSecrets('project-1')[0]);
    expect(current).not.toBe(previous);
    expect(after.webhookSecrets('project-2')[0]).not.toBe(current);
  });
});
