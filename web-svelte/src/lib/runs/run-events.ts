import type { EventFieldsFragment } from '$lib/generated/graphql';

/** Events that change a run or add one. */
export function isRunEvent(event: EventFieldsFragment): boolean {
  return event.type.startsWith('Run') || event.type === 'DeliveryStalled';
}

/** Events that change a session's presence, team or current run. */
export function isSessionEvent(event: EventFieldsFragment): boolean {
  return event.type.startsWith('Session') || event.type === 'TeamAllocated' || isRunEvent(event);
}

/** The run an event names (payload.runId), if any. */
export function runIdOf(event: EventFieldsFragment): string | undefined {
  const id = event.payload['runId'];
  return typeof id === 'string' ? id : undefined;
}
