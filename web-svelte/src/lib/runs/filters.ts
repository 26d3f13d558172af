import type { RunFilter, RunPurpose, RunStatus } from '$lib/generated/graphql';
import { isRunPurpose, isRunStatus } from './labels';

/** The Runs page's filters, as its URL carries them: ?status=&purpose=&session=&task=. */
export interface RunFilterValues {
  readonly status: RunStatus | '';
  readonly purpose: RunPurpose | '';
  readonly session: string;
  readonly task: string;
}

export const FILTER_KEYS = ['status', 'purpose', 'session', 'task'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

export function filterValuesOf(params: URLSearchParams): RunFilterValues {
  const status = params.get('status') ?? '';
  const purpose = params.get('purpose') ?? '';
  return {
    status: isRunStatus(status) ? status : '',
    purpose: isRunPurpose(purpose) ? purpose : '',
    session: params.get('session')?.trim() ?? '',
    task: params.get('task')?.trim() ?? '',
  };
}

/** The API's RunFilter for the values; fields left empty are left out. */
export function runFilterOf(values: RunFilterValues): RunFilter {
  return {
    ...(values.status ? { status: [values.status] } : {}),
    ...(values.purpose ? { purpose: [values.purpose] } : {}),
    ...(values.session ? { sessionId: values.session } : {}),
    ...(values.task ? { taskId: values.task } : {}),
  };
}

/** The query string for the values (empty ones left out), e.g. `?status=FAILED`. */
export function searchOf(values: RunFilterValues): string {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) if (values[key]) params.set(key, values[key]);
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Which filter a refused query blames: Studio names it in the message (`filter.taskId: …`). */
export function blamedFilter(message: string): FilterKey | undefined {
  if (/\bfilter\.taskId\b/.test(message)) return 'task';
  if (/\bfilter\.sessionId\b/.test(message)) return 'session';
  if (/\bfilter\.status\b/.test(message)) return 'status';
  if (/\bfilter\.purpose\b/.test(message)) return 'purpose';
  return undefined;
}
