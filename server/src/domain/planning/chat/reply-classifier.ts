import { PlanMessageKind } from '../../plan/plan.entity.js';
import { parseProposal } from '../proposal-parser.js';
import { formatProposalError, type Proposal, type ProposalError } from '../proposal.js';

/** What a planner's reply is, for the conversation (docs/planning.md, "Plan chat"). */
export type ClassifiedReply =
  | {
      readonly kind: PlanMessageKind.PROPOSAL;
      readonly proposal: Proposal;
      readonly unknownSkills: readonly string[];
      readonly warnings: readonly string[];
    }
  /** Proposal-shaped, but the parser refused it: the text is kept, the errors are shown. */
  | { readonly kind: 'MALFORMED'; readonly errors: readonly ProposalError[] }
  | { readonly kind: PlanMessageKind.QUESTION | PlanMessageKind.FOLLOW_UP };

/**
 * Whether a reply is meant as a proposal: a ```json, ```markdown or ```md fence at the start of
 * a line, a reply that opens with `{`, or a Markdown outline — a `##` heading and a list item.
 * A plain answer with neither is a question or a follow-up, even if it mentions JSON.
 */
export function looksLikeProposal(text: string): boolean {
  if (/^```(?:json|markdown|md)\s*$/im.test(text)) return true;
  if (text.trimStart().startsWith('{')) return true;
  return /^##[ \t]+\S/m.test(text) && /^[ \t]*(?:[-*+]|\d+[.)])[ \t]+\S/m.test(text);
}

/** A reply that asks: one of its lines ends with a question mark. */
export function asksSomething(text: string): boolean {
  return text.split(/\r?\n/).some((line) => /[?？]\s*\**\s*$/.test(line));
}

/**
 * Classifies a planner's reply: a proposal the parser accepts is a PROPOSAL carrying the parsed
 * proposal; a proposal-shaped reply it refuses is MALFORMED with the parser's errors; anything
 * else is a QUESTION when it asks something, else a FOLLOW_UP.
 */
export function classifyReply(text: string, knownSkills: ReadonlySet<string>): ClassifiedReply {
  if (looksLikeProposal(text)) {
    const parsed = parseProposal(text, { knownSkills });
    if (parsed.ok) {
      return {
        kind: PlanMessageKind.PROPOSAL,
        proposal: parsed.proposal,
        unknownSkills: parsed.unknownSkills,
        warnings: parsed.warnings,
      };
    }
    return { kind: 'MALFORMED', errors: parsed.errors };
  }
  return { kind: asksSomething(text) ? PlanMessageKind.QUESTION : PlanMessageKind.FOLLOW_UP };
}

/** Studio's note under a malformed proposal: every parser error, each with its line or field. */
export function malformedNotice(errors: readonly ProposalError[]): string {
  return [
    'The planner’s proposal could not be read, so nothing was built from it:',
    '',
    ...errors.map((error) => `- ${formatProposalError(error)}`),
    '',
    'Ask the planner to correct it, or fix it by hand and import it with createPlanFromProposal.',
  ].join('\n');
}
