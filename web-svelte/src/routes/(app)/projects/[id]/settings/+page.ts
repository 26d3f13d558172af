import { isAdmin } from '$lib/admin/roles';
import { viewerRole } from '$lib/admin/viewer-role';
import { AdminProjectSettingsDocument, AdminProjectWebhookDocument } from '$lib/generated/graphql';
import { request } from '$lib/graphql/client';
import { lastEventSeq } from '$lib/events/last-event-seq';
import { failLoad, loadRecord } from '$lib/graphql/load';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ params, fetch, parent }) => {
  const { project } = await parent();
  // the seq is read before the settings, so the page follows events from then on
  const [role, lastSeq] = await Promise.all([
    viewerRole(fetch, project.workspace.id),
    lastEventSeq(params.id, fetch),
  ]);
  // The webhook (and its secret) is only for those who may update the project.
  const [settings, webhook] = await Promise.all([
    loadRecord({
      document: AdminProjectSettingsDocument,
      variables: { id: params.id },
      fetch,
      pick: (data) => data.project,
      notFound: `No project has the id “${params.id}”.`,
    }),
    isAdmin(role)
      ? request(AdminProjectWebhookDocument, { id: params.id }, { fetch })
          .then((data) => data.project?.webhook ?? null)
          .catch(failLoad)
      : Promise.resolve(null),
  ]);
  return { settings, webhook, members: settings.workspace.members, role, lastSeq };
};
