import { randomUUID } from 'node:crypto';
import type { Actor } from '../../domain/access/actor.js';
import { parsePublicIdOf, toPublicId } from '../../domain/common/public-id.js';
import type { EventRecord } from '../../domain/events/event.types.js';
import { createContext } from '../../graphql/context.js';
import { authenticate } from '../../http/authenticate.js';
import { JsonRpcServer } from '../jsonrpc/json-rpc.js';
import {
  GatewayRefusal,
  type GatewaySocket,
  type GatewaySubscriber,
  type PrivateChannel,
} from '../pusher/gateway-types.js';
import { methodHandlers, type RpcCall, type RpcDeps } from './methods.js';
import { notificationOf } from './notifications.js';
import type { OperationRunner } from './execute-operation.js';

/** The client event that carries JSON-RPC, and the events the gateway answers with. */
export const RPC_CLIENT_EVENT = 'client-rpc';
export const RPC_RESULT_EVENT = 'rpc-result';
export const RPC_NOTIFICATION_EVENT = 'rpc';

/** One subscription of one socket: who it acts as, and its notification stream. */
interface Subscription {
  readonly credential: string;
  readonly projectKey: string;
  readonly projectId: string;
  readonly stop: () => void;
}

/**
 * The RPC layer of the gateway (DESIGN §7): a private channel subscribed with a credential
 * becomes a JSON-RPC endpoint acting as that credential's actor — `client-rpc` events in,
 * `rpc-result` events back to that socket alone — and a stream of `rpc` notifications
 * translated from the project's event log. The credential is authenticated again on every
 * call, so a revoked token or an expired access token stops working at once.
 */
export class RpcSubscriber implements GatewaySubscriber {
  private readonly rpc: JsonRpcServer<RpcCall>;
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly deps: RpcDeps;

  constructor(runner: OperationRunner) {
    this.deps = {
      ...runner,
      lookups: {
        commentBody: async (commentId) => {
          const key = parsePublicIdOf('TaskComment', commentId);
          return key ? (await runner.services.comments.get(key))?.body : undefined;
        },
      },
    };
    this.rpc = new JsonRpcServer(methodHandlers(this.deps), {
      onInternalError: (error, method) =>
        runner.logger.error({ err: error, method }, 'gateway: a method failed unexpectedly'),
    });
  }

  async subscribed(
    socket: GatewaySocket,
    channel: PrivateChannel,
    credential: string,
  ): Promise<void> {
    const actor = await this.actorOf(credential);
    const projectKey = await this.projectOf(channel, actor);
    const key = subscriptionKey(socket, channel);
    this.subscriptions.get(key)?.stop();
    const stop = await this.notify(socket, channel, projectKey);
    this.subscriptions.set(key, {
      credential,
      projectKey,
      projectId: toPublicId('Project', projectKey),
      stop,
    });
  }

  unsubscribed(socket: GatewaySocket, channel: PrivateChannel): void {
    const key = subscriptionKey(socket, channel);
    this.subscriptions.get(key)?.stop();
    this.subscriptions.delete(key);
  }

  closed(socket: GatewaySocket): void {
    for (const [key, subscription] of this.subscriptions) {
      if (key.startsWith(`${socket.id}\n`)) {
        subscription.stop();
        this.subscriptions.delete(key);
      }
    }
  }

  async clientEvent(
    socket: GatewaySocket,
    channel: PrivateChannel,
    event: string,
    data: unknown,
  ): Promise<void> {
    if (event !== RPC_CLIENT_EVENT) return;
    const subscription = this.subscriptions.get(subscriptionKey(socket, channel));
    if (!subscription) return;
    const call: RpcCall = {
      actor: await this.actorOrAnonymous(subscription.credential),
      client: { address: null },
      channel,
      projectId: subscription.projectId,
    };
    const reply = await this.rpc.handle(data, call);
    if (reply !== undefined) socket.send(channel.name, RPC_RESULT_EVENT, reply);
  }

  /**
   * A connection-level call (`client-rpc` without a channel): only auth.redeem and
   * auth.refresh, for a client that has no valid token yet. Answered without a channel.
   */
  async connectionEvent(socket: GatewaySocket, event: string, data: unknown): Promise<void> {
    if (event !== RPC_CLIENT_EVENT) {
      throw new GatewayRefusal(
        `${event} needs a channel; only ${RPC_CLIENT_EVENT} is sent without one`,
      );
    }
    const reply = await this.rpc.handle(data, {
      actor: { kind: 'anonymous' },
      client: { address: null },
      channel: undefined,
      projectId: undefined,
    });
    if (reply !== undefined) socket.send(undefined, RPC_RESULT_EVENT, reply);
  }

  private async actorOf(credential: string): Promise<Actor> {
    const actor = await authenticate(this.deps.services, {
      authorization: `Bearer ${credential}`,
      cookies: {},
    });
    if (actor.kind === 'anonymous') {
      throw new GatewayRefusal(actor.reason ?? 'the credential is not valid', 401);
    }
    return actor;
  }

  /** The credential's actor now (anonymous when it no longer verifies: calls then fail as such). */
  private async actorOrAnonymous(credential: string): Promise<Actor> {
    return authenticate(this.deps.services, { authorization: `Bearer ${credential}`, cookies: {} });
  }

  /** The row key of the channel's project, once the actor may read it. */
  private async projectOf(channel: PrivateChannel, actor: Actor): Promise<string> {
    const ctx = createContext(
      this.deps.services,
      this.deps.logger,
      `gateway-${randomUUID()}`,
      actor,
    );
    try {
      if (channel.kind === 'project') {
        return (await ctx.access.project(channel.id, 'workspace.read')).id;
      }
      const teamKey = parsePublicIdOf('Team', channel.id);
      const team = teamKey ? await ctx.loaders.team.load(teamKey) : undefined;
      if (!team) throw new GatewayRefusal(`there is no team ${channel.id}`, 404);
      return (await ctx.access.projectByKey(team.projectId, 'workspace.read')).id;
    } catch (error) {
      if (error instanceof GatewayRefusal) throw error;
      throw new GatewayRefusal(
        `${channel.name}: ${error instanceof Error ? error.message : 'refused'}`,
        403,
      );
    }
  }

  /** Follows the project's log from now on, sending each event that is a notification here. */
  private async notify(
    socket: GatewaySocket,
    channel: PrivateChannel,
    projectKey: string,
  ): Promise<() => void> {
    const stream = await this.deps.services.events.stream(projectKey);
    let open = true;
    void (async () => {
      try {
        for await (const event of stream as AsyncIterable<EventRecord>) {
          if (!open) break;
          const notification = await notificationOf(event, channel, this.deps.lookups);
          if (notification) socket.send(channel.name, RPC_NOTIFICATION_EVENT, notification);
        }
      } catch (error) {
        if (open) {
          this.deps.logger.warn(
            { err: error, channel: channel.name },
            'gateway: notifications stopped',
          );
          // the client re-subscribes and back-fills with events.since
          socket.close(4200, 'notifications interrupted; reconnect now');
        }
      }
    })();
    return () => {
      open = false;
      void stream.return?.();
    };
  }
}

function subscriptionKey(socket: GatewaySocket, channel: PrivateChannel): string {
  return `${socket.id}\n${channel.name}`;
}
