import type { WebSocket, RawData } from 'ws';
import type { Logger } from '../../logging/logger.js';
import {
  GatewayRefusal,
  type GatewaySocket,
  type GatewaySubscriber,
  type PrivateChannel,
} from './gateway-types.js';
import {
  closeReason,
  CloseCode,
  frames,
  parseChannelData,
  parseChannelName,
  parseFrame,
  parseSubscribe,
  parseUnsubscribe,
  reconnectAdvice,
  tooLargeMessage,
  verifyChannelSignature,
  type ClientFrame,
  type SubscribeRequest,
} from './protocol.js';

export interface ConnectionOptions {
  readonly key: string;
  readonly secret: string;
  readonly subscriber: GatewaySubscriber;
  readonly logger: Logger;
  readonly maxMessageBytes: number;
  readonly activityTimeoutS: number;
  readonly pongTimeoutMs: number;
}

function byteLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((sum, part) => sum + part.length, 0);
  return data instanceof ArrayBuffer ? data.byteLength : data.length;
}

function text(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data).toString('utf8');
}

const AUTH_HINT = 'ask POST /broadcasting/auth for {auth, channel_data} with this socket_id';

/**
 * One client on the gateway: the Pusher state of one socket (its subscriptions and liveness).
 * Subscribe and unsubscribe are ordered per channel; a client event waits for a subscription
 * of its channel still in progress. Nothing thrown here escapes to the socket: failures become
 * pusher:error or pusher:subscription_error frames and the connection stays open.
 */
export class PusherConnection implements GatewaySocket {
  private readonly subscribed = new Map<string, PrivateChannel>();
  /** The last subscribe/unsubscribe of each channel still in progress. */
  private readonly operations = new Map<string, Promise<void>>();
  private readonly idle: NodeJS.Timeout;
  private pong: NodeJS.Timeout | undefined;
  private closed = false;
  /** Settles once the subscriber has heard unsubscribed() for each channel and closed(). */
  readonly finished: Promise<void>;
  private finish!: () => void;

  constructor(
    readonly id: string,
    private readonly ws: WebSocket,
    private readonly options: ConnectionOptions,
  ) {
    this.finished = new Promise((resolve) => (this.finish = resolve));
    this.idle = setTimeout(() => this.onIdle(), options.activityTimeoutS * 1000);
    this.idle.unref();
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('ping', () => this.activity());
    ws.on('pong', () => this.activity());
    ws.on('error', (error) => this.options.logger.debug({ err: error }, 'gateway socket error'));
    ws.once('close', (code) => this.onClose(code));
    this.write(frames.connectionEstablished(id, options.activityTimeoutS));
  }

  send(channel: string | undefined, event: string, data: unknown): void {
    this.write(frames.event(channel, event, data));
  }

  /** Sends pusher:error with the code and reason, then closes with them. */
  close(code: number, reason: string): void {
    if (reconnectAdvice(code) === undefined) {
      throw new RangeError(`${code} is not a Pusher close code (4000-4299)`);
    }
    if (this.ws.readyState !== this.ws.OPEN) return;
    this.write(frames.error(code, reason));
    this.ws.close(code, closeReason(reason));
  }

  /** Ends the TCP connection without a closing handshake (a peer that does not answer). */
  terminate(): void {
    this.ws.terminate();
  }

  private write(frame: string): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    this.ws.send(frame, (error) => {
      if (error) this.options.logger.debug({ err: error }, 'gateway send failed');
    });
  }

  private error(message: string): void {
    this.write(frames.error(null, message));
  }

  // --- liveness --------------------------------------------------------------------------------

  private activity(): void {
    if (this.closed) return;
    if (this.pong) clearTimeout(this.pong);
    this.pong = undefined;
    this.idle.refresh();
  }

  private onIdle(): void {
    if (this.closed) return;
    this.write(frames.ping());
    this.pong = setTimeout(
      () => this.close(CloseCode.PONG_NOT_RECEIVED, 'Pong reply not received'),
      this.options.pongTimeoutMs,
    );
    this.pong.unref();
  }

  // --- frames ----------------------------------------------------------------------------------

  private onMessage(data: RawData, isBinary: boolean): void {
    this.activity();
    try {
      const bytes = byteLength(data);
      if (bytes > this.options.maxMessageBytes) {
        this.error(tooLargeMessage(bytes, this.options.maxMessageBytes));
        return;
      }
      if (isBinary) {
        this.error('binary frames are not supported; send JSON text frames');
        return;
      }
      const parsed = parseFrame(text(data));
      if (!parsed.ok) {
        this.error(parsed.message);
        return;
      }
      this.dispatch(parsed.value);
    } catch (error) {
      this.internalError(error, 'handling a frame');
    }
  }

  private dispatch(frame: ClientFrame): void {
    const { event } = frame;
    switch (event) {
      case 'pusher:ping':
        this.write(frames.pong());
        return;
      case 'pusher:pong':
        return;
      case 'pusher:subscribe': {
        const request = parseSubscribe(frame.data);
        if (!request.ok) return this.error(request.message);
        return this.inOrder(request.value.channel, () => this.subscribe(request.value));
      }
      case 'pusher:unsubscribe': {
        const channel = parseUnsubscribe(frame.data);
        if (!channel.ok) return this.error(channel.message);
        return this.inOrder(channel.value, () => Promise.resolve(this.unsubscribe(channel.value)));
      }
    }
    if (event.startsWith('client-')) return this.clientEvent(frame);
    if (event.startsWith('pusher:') || event.startsWith('pusher_internal:')) {
      return this.error(`unsupported event ${JSON.stringify(event)}`);
    }
    this.error(
      `clients may send pusher:ping, pusher:subscribe, pusher:unsubscribe and client-… events; got ${JSON.stringify(event)}`,
    );
  }

  /** Runs subscribe/unsubscribe work for one channel after the previous one. */
  private inOrder(channel: string, work: () => Promise<void>): void {
    const previous = this.operations.get(channel) ?? Promise.resolve();
    const next = previous
      .then(work)
      .catch((error: unknown) => this.internalError(error, 'a subscription change'));
    this.operations.set(channel, next);
    void next.then(() => {
      if (this.operations.get(channel) === next) this.operations.delete(channel);
    });
  }

  private refuse(channel: string, status: number, why: string): void {
    this.options.logger.debug({ channel, status, why }, 'gateway subscription refused');
    this.write(frames.subscriptionError(channel, { type: 'AuthError', error: why, status }));
  }

  private async subscribe(request: SubscribeRequest): Promise<void> {
    if (this.closed) return;
    const name = request.channel;
    const channel = parseChannelName(name);
    if (!channel.ok) return this.refuse(name, 403, channel.message);
    if (this.subscribed.has(name)) {
      this.write(frames.subscriptionSucceeded(name));
      return;
    }
    if (request.auth === undefined || request.channelData === undefined) {
      return this.refuse(name, 401, `missing auth or channel_data: ${AUTH_HINT}`);
    }
    const { key, secret, subscriber } = this.options;
    if (!verifyChannelSignature(secret, key, request.auth, this.id, name, request.channelData)) {
      return this.refuse(
        name,
        401,
        `invalid signature for socket_id ${this.id} and channel ${name}: ${AUTH_HINT}`,
      );
    }
    const data = parseChannelData(request.channelData);
    if (!data) {
      return this.refuse(name, 401, 'channel_data must be {"user_id", "credential"}');
    }
    try {
      await subscriber.subscribed(this, channel.value, data.credential);
    } catch (error) {
      if (error instanceof GatewayRefusal) return this.refuse(name, error.status, error.message);
      this.options.logger.error({ err: error, channel: name }, 'gateway subscriber failed');
      return this.refuse(name, 500, 'internal error while subscribing');
    }
    // Recorded even when the socket closed meanwhile, so that the close tells the subscriber.
    this.subscribed.set(name, channel.value);
    this.write(frames.subscriptionSucceeded(name));
  }

  private unsubscribe(name: string): void {
    const channel = this.subscribed.get(name);
    if (!channel) return;
    this.subscribed.delete(name);
    this.notify('unsubscribed', () => this.options.subscriber.unsubscribed(this, channel));
  }

  private clientEvent(frame: ClientFrame): void {
    const { event, channel: name } = frame;
    if (name === undefined) {
      const connectionEvent = this.options.subscriber.connectionEvent?.bind(
        this.options.subscriber,
      );
      if (!connectionEvent) {
        return this.error(`client event ${JSON.stringify(event)} needs a "channel"`);
      }
      connectionEvent(this, event, frame.data).catch((error: unknown) => {
        if (error instanceof GatewayRefusal) return this.error(error.message);
        this.internalError(error, `client event ${event}`);
      });
      return;
    }
    const pending = this.operations.get(name);
    const handle = async () => {
      if (pending) await pending;
      if (this.closed) return;
      const channel = this.subscribed.get(name);
      if (!channel) {
        return this.error(
          `client event ${JSON.stringify(event)} refused: this connection is not subscribed to ${JSON.stringify(name)}`,
        );
      }
      try {
        await this.options.subscriber.clientEvent(this, channel, event, frame.data);
      } catch (error) {
        if (error instanceof GatewayRefusal) return this.error(error.message);
        this.internalError(error, `client event ${event}`);
      }
    };
    handle().catch((error: unknown) => this.internalError(error, `client event ${event}`));
  }

  private internalError(error: unknown, what: string): void {
    this.options.logger.error({ err: error }, `gateway failed ${what}`);
    this.error(`internal error while ${what}`);
  }

  private notify(what: string, call: () => void): void {
    try {
      call();
    } catch (error) {
      this.options.logger.error({ err: error }, `gateway subscriber failed in ${what}`);
    }
  }

  // --- closing ---------------------------------------------------------------------------------

  private onClose(code: number): void {
    this.closed = true;
    clearTimeout(this.idle);
    if (this.pong) clearTimeout(this.pong);
    this.options.logger.debug({ code }, 'gateway connection closed');
    // Subscriptions in progress settle first, so the subscriber hears subscribed →
    // unsubscribed → closed in that order.
    void Promise.allSettled([...this.operations.values()]).then(() => {
      for (const channel of this.subscribed.values()) {
        this.notify('unsubscribed', () => this.options.subscriber.unsubscribed(this, channel));
      }
      this.subscribed.clear();
      this.notify('closed', () => this.options.subscriber.closed(this));
      this.finish();
    });
  }
}
