import { RunsProjectSessionsDocument, type RunsSessionRowFragment } from '$lib/generated/graphql';
import { request } from '$lib/graphql/client';
import { requestErrorMessage } from '$lib/forms/request-error';

/** A project's sessions as the page shows them, loaded again when an event touches them. */
export class SessionList {
  sessions = $state.raw<readonly RunsSessionRowFragment[]>([]);
  error = $state<string | undefined>(undefined);
  #refreshing: Promise<void> | undefined;
  #again = false;

  readonly projectId: string;
  readonly includeEnded: boolean;

  constructor(
    projectId: string,
    includeEnded: boolean,
    initial: readonly RunsSessionRowFragment[],
  ) {
    this.projectId = projectId;
    this.includeEnded = includeEnded;
    this.sessions = initial;
  }

  refresh(): Promise<void> {
    if (this.#refreshing) {
      this.#again = true;
      return this.#refreshing;
    }
    this.#refreshing = (async () => {
      do {
        this.#again = false;
        try {
          const { project } = await request(RunsProjectSessionsDocument, {
            projectId: this.projectId,
            includeEnded: this.includeEnded,
          });
          this.sessions = project?.sessions ?? [];
          this.error = undefined;
        } catch (error) {
          this.error = requestErrorMessage(error);
        }
      } while (this.#again);
    })().finally(() => (this.#refreshing = undefined));
    return this.#refreshing;
  }
}
