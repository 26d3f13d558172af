/**
 * The seam between the Pusher socket adapter (this folder) and the layer above it (the RPC
 * layer): the adapter speaks the wire protocol and checks signatures; the layer above decides
 * what a subscription and a client event mean.
 */

/** A private channel the gateway knows: private-project.<prj_…> or private-team.<tem_…>. */
export interface PrivateChannel {
  readonly kind: 'project' | 'team';
  readonly id: string;
  readonly name: string;
}

/** One connected client, as the layer above sees it. */
export interface GatewaySocket {
  readonly id: string; // the socket_id, "<int>.<int>"
  /**
   * Sends `{event, channel, data}` to this socket alone (without `channel` for a
   * connection-level answer); data is JSON-encoded into a string as Pusher does.
   */
  send(channel: string | undefined, event: string, data: unknown): void;
  /** Closes with a Pusher close code (4000–4299) and reason. */
  close(code: number, reason: string): void;
}

/** What the layer above does with subscriptions and client events. */
export interface GatewaySubscriber {
  /** A private channel subscribed with a valid signature; `credential` is the bearer credential the auth endpoint bound to it. Throw a GatewayRefusal to refuse (the client gets pusher:subscription_error). */
  subscribed(socket: GatewaySocket, channel: PrivateChannel, credential: string): Promise<void>;
  unsubscribed(socket: GatewaySocket, channel: PrivateChannel): void;
  /** A client event (`client-…`) on a channel this socket is subscribed to. `data` as received (string or JSON value). */
  clientEvent(
    socket: GatewaySocket,
    channel: PrivateChannel,
    event: string,
    data: unknown,
  ): Promise<void>;
  closed(socket: GatewaySocket): void;
  /**
   * A client event sent without a channel (a client with no valid credential yet, e.g. to
   * redeem an invite). Absent: such events are refused with pusher:error.
   */
  connectionEvent?(socket: GatewaySocket, event: string, data: unknown): Promise<void>;
}

export class GatewayRefusal extends Error {
  constructor(
    message: string,
    readonly status: number = 403,
  ) {
    super(message);
    this.name = 'GatewayRefusal';
  }
}
