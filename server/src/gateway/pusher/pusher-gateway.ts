import { randomInt } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../../logging/logger.js';
import type { GatewaySubscriber } from './gateway-types.js';
import { PusherConnection } from './pusher-connection.js';
import { ACTIVITY_TIMEOUT_S, checkConnectUrl, closeReason, CloseCode, frames } from './protocol.js';

export interface PusherGatewayOptions {
  /** The app key clients connect with (/app/<key>): MAESTRO_GATEWAY_KEY. */
  readonly key: string;
  /** Verifies subscription signatures (see gatewaySecret in config.ts). */
  readonly secret: string;
  readonly subscriber: GatewaySubscriber;
  readonly logger: Logger;
  /** Frames larger than this (bytes of the raw frame) get pusher:error and are dropped. */
  readonly maxMessageBytes?: number;
  /** Announced in connection_established; the server pings after this many silent seconds. */
  readonly activityTimeoutS?: number;
  /** How long after its ping the server waits for any message before closing with 4201. */
  readonly pongTimeoutMs?: number;
}

export interface PusherGateway {
  readonly wss: WebSocketServer;
  /** Takes over an HTTP upgrade to /app/<anything>; the key is checked after the handshake. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Closes every socket with 4200 (reconnect now) and stops the socket server. */
  dispose(): Promise<void>;
}

/** How long dispose() waits for clients to answer the close before cutting them off. */
const CLOSE_GRACE_MS = 2000;
const RESTARTING = 'server restarting, reconnect now';

/**
 * Frames above the cap must still reach the connection so that it can answer them with
 * pusher:error; ws closes with 1009 only past this larger hard limit.
 */
function hardLimit(maxMessageBytes: number): number {
  return Math.max(4 * maxMessageBytes, maxMessageBytes + 64 * 1024);
}

/**
 * The Pusher Channels protocol 7 adapter of the compatibility gateway (DESIGN.md §7) on a
 * `ws` server fed by the HTTP server's upgrade router. It knows the wire protocol, liveness
 * and signatures; what subscriptions and client events mean is the subscriber's business.
 */
export function createPusherGateway(options: PusherGatewayOptions): PusherGateway {
  const {
    key,
    secret,
    subscriber,
    logger,
    maxMessageBytes = 10_240,
    activityTimeoutS = ACTIVITY_TIMEOUT_S,
    pongTimeoutMs = 30_000,
  } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: hardLimit(maxMessageBytes) });
  const connections = new Map<string, PusherConnection>();
  let disposed = false;

  const newSocketId = (): string => {
    for (;;) {
      const id = `${randomInt(1, 2 ** 47)}.${randomInt(1, 2 ** 47)}`;
      if (!connections.has(id)) return id;
    }
  };

  const refuse = (ws: WebSocket, code: number, message: string) => {
    logger.debug({ code, reason: message }, 'gateway connection refused');
    ws.on('error', () => undefined);
    ws.send(frames.error(code, message));
    ws.close(code, closeReason(message));
  };

  const onConnection = (ws: WebSocket, req: IncomingMessage) => {
    if (disposed) return refuse(ws, CloseCode.RECONNECT_NOW, RESTARTING);
    const check = checkConnectUrl(req.url ?? '/', key);
    if (!check.ok) return refuse(ws, check.code, check.message);
    const id = newSocketId();
    const connection = new PusherConnection(id, ws, {
      key,
      secret,
      subscriber,
      logger: logger.child({ socketId: id }),
      maxMessageBytes,
      activityTimeoutS,
      pongTimeoutMs,
    });
    connections.set(id, connection);
    void connection.finished.then(() => connections.delete(id));
    logger.debug({ socketId: id }, 'gateway connection established');
  };

  return {
    wss,
    handleUpgrade: (req, socket, head) => {
      wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, req));
    },
    dispose: async () => {
      disposed = true;
      const open = [...connections.values()];
      for (const connection of open) connection.close(CloseCode.RECONNECT_NOW, RESTARTING);
      const all = Promise.all(open.map((connection) => connection.finished));
      let timer: NodeJS.Timeout | undefined;
      const late = await Promise.race([
        all.then(() => false),
        new Promise<boolean>(
          (resolve) => (timer = setTimeout(() => resolve(true), CLOSE_GRACE_MS)),
        ),
      ]);
      clearTimeout(timer);
      if (late) for (const connection of connections.values()) connection.terminate();
      await all;
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
