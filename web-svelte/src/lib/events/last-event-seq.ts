import { ProjectLastEventSeqDocument } from '$lib/generated/graphql';
import { request } from '$lib/graphql/client';
import { failLoad } from '$lib/graphql/load';

/**
 * The project's last event seq, for a load function to read before the data its page shows:
 * the page then follows `projectEvents` after it (ProjectEventWatch's `after`), so a change
 * made between the page's read and its subscription is replayed rather than missed. Events the
 * read already reflects are replayed too; pages only re-read on them, which is harmless.
 */
export async function lastEventSeq(
  projectId: string,
  fetch: typeof globalThis.fetch,
): Promise<number> {
  const data = await request(ProjectLastEventSeqDocument, { projectId }, { fetch }).catch(failLoad);
  return data.events.totalCount;
}
