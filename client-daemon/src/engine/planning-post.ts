import type { Logger } from './logger.js';
import type { DaemonRun } from './prompts.js';
import type { StudioCalls } from './studio-calls.js';

/** The instructions' kind of a PLANNING run queued by plan chat (server: PLAN_CHAT_RUN). */
const PLAN_CHAT_RUN = 'plan-chat';

/**
 * The prompt Studio built for a plan chat PLANNING run (its instructions' `prompt`: the
 * project's context, the skills and the conversation, docs/planning.md); undefined otherwise.
 */
export function planningPrompt(run: DaemonRun): string | undefined {
  const instructions = run.instructions as Record<string, unknown> | null | undefined;
  if (run.purpose !== 'PLANNING' || instructions?.kind !== PLAN_CHAT_RUN) return undefined;
  return typeof instructions.prompt === 'string' ? instructions.prompt : undefined;
}

/** Whether a run's reply goes into its plan's conversation: PLANNING and REFINE runs of a plan. */
export function postsToPlanChat(run: DaemonRun): boolean {
  return (run.purpose === 'PLANNING' || run.purpose === 'REFINE') && Boolean(run.plan);
}

/**
 * Posts a planning run's reply into its plan's conversation (postPlanProposal), before the run
 * is completed. An empty reply is an error: the run fails saying so, rather than posting nothing.
 */
export async function postPlanningReply(
  calls: StudioCalls,
  lease: { readonly runId: string; readonly leaseVersion: number },
  text: string,
  log: Logger,
  signal?: AbortSignal,
): Promise<void> {
  if (!text.trim()) throw new Error('the provider gave no reply to post to the plan chat');
  const posted = await calls.postPlanProposal(lease, text, signal);
  log.info('planning reply posted', {
    message: posted.message?.id,
    kind: posted.message?.kind,
    ...(posted.notice ? { notice: posted.notice.body.split('\n')[0] } : {}),
  });
}
