import { describe, expect, test } from '@jest/globals';
import { parseVerdict } from './verdict.js';

describe('parseVerdict', () => {
  test.each([
    ['VERDICT: APPROVED', { approved: true }],
    ['verdict: approved', { approved: true }],
    ['Verdict: Approved.', { approved: true }],
    ['  VERDICT:APPROVED  ', { approved: true }],
    ['**VERDICT: APPROVED**', { approved: true }],
    ['## VERDICT: APPROVED', { approved: true }],
    ['VERDICT: APPROVED — clean and tested', { approved: true }],
    [
      'VERDICT: REJECTED — the tests do not cover errors',
      { approved: false, reason: 'the tests do not cover errors' },
    ],
    ['VERDICT: REJECTED – en dash reason', { approved: false, reason: 'en dash reason' }],
    ['VERDICT: REJECTED - hyphen reason', { approved: false, reason: 'hyphen reason' }],
    ['VERDICT: REJECTED: colon reason', { approved: false, reason: 'colon reason' }],
    ['verdict: rejected —lower case', { approved: false, reason: 'lower case' }],
    ['**VERDICT: REJECTED** — bold verdict', { approved: false, reason: 'bold verdict' }],
    ['> VERDICT: REJECTED: quoted', { approved: false, reason: 'quoted' }],
    ['- VERDICT: REJECTED — a list item', { approved: false, reason: 'a list item' }],
    [
      'VERDICT: REJECTED — keeps - inner: punctuation — intact',
      { approved: false, reason: 'keeps - inner: punctuation — intact' },
    ],
  ])('%s', (line, expected) => {
    expect(parseVerdict(`Looked at the diff.\n${line}\n`)).toEqual(expected);
  });

  test('the last verdict line wins', () => {
    expect(parseVerdict('VERDICT: REJECTED — first\nmore thought\nVERDICT: APPROVED')).toEqual({
      approved: true,
    });
    expect(parseVerdict('VERDICT: APPROVED\r\nwait, no\r\nVERDICT: REJECTED: a bug')).toEqual({
      approved: false,
      reason: 'a bug',
    });
  });

  test.each([
    ['nothing at all', ''],
    ['no verdict line', 'The change looks fine to me.'],
    ['a verdict mentioned mid-line', 'Reply with VERDICT: APPROVED or VERDICT: REJECTED — why'],
    ['a rejection without a reason', 'VERDICT: REJECTED'],
    ['a rejection with only a dash', 'VERDICT: REJECTED —  '],
    ['another word', 'VERDICT: MAYBE'],
    ['a word that starts with approved', 'VERDICT: APPROVEDISH'],
    ['no colon', 'VERDICT APPROVED'],
  ])('%s is no verdict', (_name, output) => {
    expect(parseVerdict(output)).toBeUndefined();
  });

  test('a rejection without a reason does not undo an earlier verdict', () => {
    expect(parseVerdict('VERDICT: APPROVED\nVERDICT: REJECTED')).toEqual({ approved: true });
  });
});
