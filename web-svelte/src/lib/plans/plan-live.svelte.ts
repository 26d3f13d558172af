import type { FeedState } from '$lib/events/project-event-feed.svelte';
import {
  PlanPageChatDocument,
  PlanPageConversationDocument,
  PlanPageEventsDocument,
  PlanPageRefreshDocument,
  PlanPageSkillsDocument,
  type PlanPageChatSubscription,
  type PlanPageMessageFragment,
  type PlanPagePlanFragment,
  type PlanPageSkillFragment,
} from '$lib/generated/graphql';
import { request, subscribe } from '$lib/graphql/client';
import { requestErrorMessage } from '$lib/forms/request-error';

type ChatUpdate = PlanPageChatSubscription['planChat'];

/** Events about a plan's own conversation: planChat carries them. */
const CHAT_EVENTS = new Set(['PlanMessagePosted', 'PlanMessageStarted', 'PlanMessageDelta']);

/**
 * One plan as its page shows it, kept current: the plan (phases and tasks), the workspace's
 * skills and the conversation. Changes by anyone arrive on projectEvents (and refetch the plan);
 * the conversation grows on planChat, token by token. After a dropped connection both streams
 * resubscribe after the last seq they took (Studio replays the gap) and the page reads the
 * plan again; the conversation is read again only when no chat update had come yet.
 */
export class PlanLive {
  plan = $state.raw<PlanPagePlanFragment>() as PlanPagePlanFragment;
  skills = $state.raw<readonly PlanPageSkillFragment[]>([]);
  messages = $state.raw<readonly PlanPageMessageFragment[]>([]);
  /** The projectEvents stream. */
  state = $state<FeedState>('connecting');
  chatState = $state<FeedState>('connecting');
  error = $state<string | undefined>(undefined);
  /** The id of the planner's message still streaming, if any. */
  streamingId = $state<string | undefined>(undefined);

  readonly planId: string;
  readonly projectId: string;
  readonly workspaceId: string;
  #lastSeq = 0;
  /** The seq of the last planChat update taken: a reconnect resumes after it. */
  #chatSeq = 0;
  #refreshing: Promise<void> | undefined;
  #again = false;

  constructor(options: {
    plan: PlanPagePlanFragment;
    projectId: string;
    workspaceId: string;
    skills: readonly PlanPageSkillFragment[];
    messages: readonly PlanPageMessageFragment[];
  }) {
    this.plan = options.plan;
    this.planId = options.plan.id;
    this.projectId = options.projectId;
    this.workspaceId = options.workspaceId;
    this.skills = options.skills;
    this.messages = options.messages;
  }

  readonly tasks = $derived(this.plan.phases.flatMap((phase) => phase.tasks));

  titleOf(taskId: string): string {
    return this.tasks.find((task) => task.id === taskId)?.title ?? taskId;
  }

  /** Reads the plan again; calls that arrive meanwhile coalesce into one more read. */
  refresh(): Promise<void> {
    if (this.#refreshing) {
      this.#again = true;
      return this.#refreshing;
    }
    this.#refreshing = (async () => {
      try {
        do {
          this.#again = false;
          const { plan } = await request(PlanPageRefreshDocument, { id: this.planId });
          if (plan) this.plan = plan;
          this.error = undefined;
        } while (this.#again);
      } catch (error) {
        this.error = requestErrorMessage(error);
      } finally {
        this.#refreshing = undefined;
      }
    })();
    return this.#refreshing;
  }

  async refreshSkills(): Promise<void> {
    const { workspace } = await request(PlanPageSkillsDocument, { workspaceId: this.workspaceId });
    if (workspace) this.skills = workspace.skills;
  }

  async refreshConversation(): Promise<void> {
    const { plan } = await request(PlanPageConversationDocument, { id: this.planId });
    if (!plan) return;
    const nodes = plan.conversation.messages.nodes;
    // A streamed message read mid-way keeps what the stream has added since.
    this.messages = nodes.map((node) => {
      const shown = this.messages.find((message) => message.id === node.id);
      return shown && shown.body.length > node.body.length ? shown : node;
    });
  }

  /** Shows a message at once (e.g. the user's own, as sendPlanMessage returned it). */
  upsertMessage(message: PlanPageMessageFragment): void {
    const index = this.messages.findIndex((shown) => shown.id === message.id);
    this.messages = index === -1 ? [...this.messages, message] : this.messages.with(index, message);
  }

  /** Whether an event is about this plan, its phases or its tasks. */
  touches(event: { type: string; payload: Record<string, unknown> }): boolean {
    const { payload } = event;
    if (CHAT_EVENTS.has(event.type)) return false;
    if (payload.planId === this.planId) return true;
    for (const key of ['phaseId', 'fromPhaseId', 'toPhaseId']) {
      if (this.plan.phases.some((phase) => phase.id === payload[key])) return true;
    }
    return typeof payload.taskId === 'string' && this.tasks.some((t) => t.id === payload.taskId);
  }

  receiveChat(update: ChatUpdate): void {
    const { message } = update;
    if (update.type === 'MESSAGE_STARTED') {
      this.streamingId = message.id;
      this.upsertMessage(message);
      return;
    }
    if (update.type === 'MESSAGE_DELTA' && update.delta) {
      const shown = this.messages.find((m) => m.id === message.id) ?? { ...message, body: '' };
      const { offset, text } = update.delta;
      this.streamingId = message.id;
      // Deltas below what is shown were read already (e.g. with the conversation after a reconnect).
      if (offset <= shown.body.length && offset + text.length > shown.body.length) {
        this.upsertMessage({ ...shown, body: shown.body.slice(0, offset) + text });
      } else if (!this.messages.some((m) => m.id === message.id)) {
        this.upsertMessage(message);
      }
      return;
    }
    // MESSAGE_POSTED: the settled message, classified.
    // A SYSTEM message after a broken stream ends it too (the partial reply is kept as it is).
    if (this.streamingId === message.id || message.author === 'SYSTEM')
      this.streamingId = undefined;
    this.upsertMessage(message);
  }

  /** Subscribes to both streams; returns the function that stops them, for $effect. */
  start(): () => void {
    const stopEvents = subscribe(
      PlanPageEventsDocument,
      () => ({ projectId: this.projectId, ...(this.#lastSeq ? { after: this.#lastSeq } : {}) }),
      {
        next: ({ projectEvents }) => {
          if (projectEvents.seq <= this.#lastSeq) return;
          this.#lastSeq = projectEvents.seq;
          if (this.touches(projectEvents)) void this.refresh();
        },
        connection: (state) => {
          if (state === 'connected') {
            this.state = 'live';
            // Back-fill: whatever changed while the socket was down (or since the page loaded).
            void this.refresh();
          } else {
            this.state = state;
          }
        },
        error: (error) => {
          this.state = 'failed';
          this.error = error.message;
        },
        complete: () => (this.state = 'ended'),
      },
    );
    const stopChat = subscribe(
      PlanPageChatDocument,
      () => ({ planId: this.planId, ...(this.#chatSeq ? { after: this.#chatSeq } : {}) }),
      {
        next: ({ planChat }) => {
          if (planChat.seq <= this.#chatSeq) return;
          this.#chatSeq = planChat.seq;
          this.receiveChat(planChat);
        },
        connection: (state) => {
          if (state === 'connected') {
            this.chatState = 'live';
            // With a seq to resume from, Studio replays what was missed; without one (the first
            // connection, or none came yet), the conversation is read again.
            if (this.#chatSeq) return;
            void this.refreshConversation().catch((error: unknown) => {
              this.error = requestErrorMessage(error);
            });
          } else {
            this.chatState = state;
          }
        },
        error: (error) => {
          this.chatState = 'failed';
          this.error = error.message;
        },
        complete: () => (this.chatState = 'ended'),
      },
    );
    return () => {
      stopEvents();
      stopChat();
    };
  }
}
