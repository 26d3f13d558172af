import { describe, expect, test } from '@jest/globals';
import { PlanMessageKind } from '../../plan/plan.entity.js';
import {
  asksSomething,
  classifyReply,
  looksLikeProposal,
  malformedNotice,
} from './reply-classifier.js';

const SKILLS = new Set(['typescript']);
const PROPOSAL = {
  title: 'Checkout',
  phases: [
    { name: 'API', tasks: [{ key: 'cart', title: 'Cart endpoint', skills: ['typescript:3'] }] },
  ],
};

describe('classifyReply', () => {
  test.each([
    ['a bare JSON proposal', JSON.stringify(PROPOSAL)],
    [
      'a fenced JSON proposal after a sentence',
      `Here is the plan:\n\n\`\`\`json\n${JSON.stringify(PROPOSAL, null, 2)}\n\`\`\`\n`,
    ],
    [
      'a Markdown outline',
      '# Checkout\n\n## API\n\n- [cart] Cart endpoint\n  skills: typescript:3\n',
    ],
  ])('%s is a PROPOSAL carrying the parsed proposal', (_name, text) => {
    const reply = classifyReply(text, SKILLS);
    expect(reply.kind).toBe(PlanMessageKind.PROPOSAL);
    if (reply.kind !== PlanMessageKind.PROPOSAL) return;
    expect(reply.proposal.title).toBe('Checkout');
    expect(reply.proposal.phases[0]?.tasks[0]).toMatchObject({
      key: 'cart',
      title: 'Cart endpoint',
    });
  });

  test('a proposal-shaped reply the parser refuses is MALFORMED with the errors and their lines', () => {
    const text =
      'Here:\n\n```json\n{\n  "phases": [\n    { "name": "API", "tasks": [], }\n  ]\n}\n```';
    const reply = classifyReply(text, SKILLS);
    expect(reply.kind).toBe('MALFORMED');
    if (reply.kind !== 'MALFORMED') return;
    expect(reply.errors[0]?.line).toBe(6);
    expect(malformedNotice(reply.errors)).toContain('- line 6: invalid JSON');
  });

  test('a structurally wrong JSON proposal names the field', () => {
    const reply = classifyReply('{"phases": [{"tasks": [{"title": "x"}]}]}', SKILLS);
    expect(reply.kind).toBe('MALFORMED');
    if (reply.kind !== 'MALFORMED') return;
    expect(reply.errors.map((e) => e.path)).toContain('phases[0].name');
  });

  test('a reply that asks is a QUESTION; anything else a FOLLOW_UP', () => {
    expect(classifyReply('Which database do you use?\nAnd which cloud?', SKILLS).kind).toBe(
      PlanMessageKind.QUESTION,
    );
    expect(classifyReply('I will plan it once you confirm.', SKILLS).kind).toBe(
      PlanMessageKind.FOLLOW_UP,
    );
    // mentions JSON, but is no proposal
    expect(classifyReply('I can answer in JSON { later }.', SKILLS).kind).toBe(
      PlanMessageKind.FOLLOW_UP,
    );
  });
});

describe('looksLikeProposal and asksSomething', () => {
  test.each([
    ['```json\n{}\n```', true],
    ['  {"phases": []}', true],
    ['Intro\n\n```markdown\n# T\n```', true],
    ['## Phase\n- task', true],
    ['## Questions\nWhat is the deadline?', false],
    ['Just text.', false],
  ])('%j → %s', (text, expected) => {
    expect(looksLikeProposal(text)).toBe(expected);
  });

  test('questions end a line with a question mark', () => {
    expect(asksSomething('**Which one?**')).toBe(true);
    expect(asksSomething('Is it? No. It is fine.')).toBe(false);
  });
});
