import { createHmac, timingSafeEqual } from 'node:crypto';
import { parsePublicIdOf } from '../../domain/common/public-id.js';
import type { PrivateChannel } from './gateway-types.js';

/**
 * The Pusher Channels protocol, version 7, as the compatibility gateway speaks it: frames,
 * close codes, channel names and signatures. Pure: no sockets, no clock, no I/O; the socket
 * adapter (pusher-gateway.ts) and the auth endpoint (http/broadcasting-auth.ts) use it.
 */

export const PROTOCOL_VERSION = 7;

/** Seconds of silence after which either side pings (announced in connection_established). */
export const ACTIVITY_TIMEOUT_S = 30;

// ---------------------------------------------------------------------------------------------
// Close codes

/** What a client should do after a close: Pusher's three ranges. */
export type Reconnect = 'never' | 'later' | 'now';

/** The close codes the gateway uses (and the RPC layer above it may use). */
export const CloseCode = {
  /** The key in /app/<key> is not this Studio's MAESTRO_GATEWAY_KEY. */
  APP_KEY_NOT_IN_USE: 4001,
  /** `protocol` is missing from the query string or is not 7. */
  UNSUPPORTED_PROTOCOL: 4007,
  /** The connection's credentials no longer allow it (left to the layer above). */
  UNAUTHORIZED: 4009,
  /** The server takes no more connections for now. */
  OVER_CAPACITY: 4100,
  /** Reconnect at once: the server is restarting. */
  RECONNECT_NOW: 4200,
  /** The server pinged after a silence and no message came back in time. */
  PONG_NOT_RECEIVED: 4201,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

export interface CloseCodeInfo {
  readonly code: CloseCode;
  readonly reconnect: Reconnect;
  readonly meaning: string;
}

/** The close-code table of docs/protocol.md. */
export const CLOSE_CODES: readonly CloseCodeInfo[] = [
  { code: 4001, reconnect: 'never', meaning: 'app key not in use' },
  { code: 4007, reconnect: 'never', meaning: 'unsupported protocol version (only 7)' },
  { code: 4009, reconnect: 'never', meaning: 'connection is unauthorized' },
  { code: 4100, reconnect: 'later', meaning: 'over capacity' },
  { code: 4200, reconnect: 'now', meaning: 'generic reconnect (server restarting)' },
  { code: 4201, reconnect: 'now', meaning: 'pong reply not received' },
];

/**
 * Pusher's ranges: 4000–4099 do not reconnect, 4100–4199 reconnect after a back-off,
 * 4200–4299 reconnect at once. Undefined outside 4000–4299.
 */
export function reconnectAdvice(code: number): Reconnect | undefined {
  if (!Number.isInteger(code)) return undefined;
  if (code >= 4000 && code <= 4099) return 'never';
  if (code >= 4100 && code <= 4199) return 'later';
  if (code >= 4200 && code <= 4299) return 'now';
  return undefined;
}

/** A WebSocket close reason is at most 123 bytes of UTF-8. */
export function closeReason(reason: string): string {
  const bytes = Buffer.from(reason, 'utf8');
  if (bytes.length <= 123) return reason;
  // Cut on a character boundary: decode a prefix and drop a partial last character.
  return (
    bytes
      .subarray(0, 120)
      .toString('utf8')
      .replace(/\uFFFD$/, '') + '...'
  );
}

// ---------------------------------------------------------------------------------------------
// Connecting

export type ConnectCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: CloseCode; readonly message: string };

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Checks the upgrade request's `/app/<key>?protocol=7&client=…&version=…`. */
export function checkConnectUrl(url: string, key: string): ConnectCheck {
  let parsed: URL;
  try {
    parsed = new URL(url, 'http://gateway.invalid');
  } catch {
    return { ok: false, code: CloseCode.APP_KEY_NOT_IN_USE, message: 'App key not in use' };
  }
  const match = /^\/app\/([^/]*)$/.exec(parsed.pathname);
  const given = match ? decodeSegment(match[1] ?? '') : undefined;
  if (given !== key) {
    const shown = given === undefined ? parsed.pathname : given;
    return {
      ok: false,
      code: CloseCode.APP_KEY_NOT_IN_USE,
      message: `App key ${JSON.stringify(shown.slice(0, 40))} not in use`,
    };
  }
  const protocol = parsed.searchParams.get('protocol');
  if (protocol !== String(PROTOCOL_VERSION)) {
    return {
      ok: false,
      code: CloseCode.UNSUPPORTED_PROTOCOL,
      message:
        protocol === null
          ? `No protocol version supplied; this server speaks protocol ${PROTOCOL_VERSION}`
          : `Unsupported protocol version ${JSON.stringify(protocol.slice(0, 10))}; this server speaks protocol ${PROTOCOL_VERSION}`,
    };
  }
  return { ok: true };
}

// ---------------------------------------------------------------------------------------------
// Frames from clients

/** A frame a client sent: `{event, data, channel?}`. */
export interface ClientFrame {
  readonly event: string;
  readonly channel?: string;
  /** As received: an object, a string or any JSON value (undefined when absent). */
  readonly data: unknown;
}

export type Parsed<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

/** Pusher's limit on event names. */
const MAX_EVENT_NAME = 200;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const FRAME_SHAPE =
  'a frame must be a JSON object {"event": string, "data": …, "channel"?: string}';

/** Parses and checks one text frame. */
export function parseFrame(text: string): Parsed<ClientFrame> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `invalid JSON: ${(error as Error).message.slice(0, 200)}` };
  }
  if (!isObject(value)) return { ok: false, message: FRAME_SHAPE };
  const { event, channel, data } = value;
  if (typeof event !== 'string' || event === '') {
    return { ok: false, message: `${FRAME_SHAPE}; "event" is missing` };
  }
  if (event.length > MAX_EVENT_NAME) {
    return { ok: false, message: `event names are at most ${MAX_EVENT_NAME} characters` };
  }
  if (channel !== undefined && channel !== null && typeof channel !== 'string') {
    return { ok: false, message: '"channel" must be a string' };
  }
  return {
    ok: true,
    value: typeof channel === 'string' ? { event, channel, data } : { event, data },
  };
}

/** `data` of a pusher: event: an object, or (some clients) the same object as a JSON string. */
function dataObject(data: unknown): Record<string, unknown> | undefined {
  if (isObject(data)) return data;
  if (typeof data !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(data);
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** What pusher:subscribe carries. */
export interface SubscribeRequest {
  readonly channel: string;
  readonly auth: string | undefined;
  readonly channelData: string | undefined;
}

export function parseSubscribe(data: unknown): Parsed<SubscribeRequest> {
  const body = dataObject(data);
  if (!body || typeof body.channel !== 'string' || body.channel === '') {
    return {
      ok: false,
      message: 'pusher:subscribe needs data {"channel", "auth", "channel_data"}',
    };
  }
  const { channel, auth, channel_data: channelData } = body;
  if (auth !== undefined && typeof auth !== 'string') {
    return { ok: false, message: 'pusher:subscribe: "auth" must be a string' };
  }
  if (channelData !== undefined && typeof channelData !== 'string') {
    return { ok: false, message: 'pusher:subscribe: "channel_data" must be a JSON string' };
  }
  return { ok: true, value: { channel, auth, channelData } };
}

/** The channel pusher:unsubscribe names. */
export function parseUnsubscribe(data: unknown): Parsed<string> {
  const body = dataObject(data);
  if (!body || typeof body.channel !== 'string' || body.channel === '') {
    return { ok: false, message: 'pusher:unsubscribe needs data {"channel"}' };
  }
  return { ok: true, value: body.channel };
}

/** What the auth endpoint binds to a subscription: the user and their bearer credential. */
export interface ChannelData {
  readonly userId: string;
  readonly credential: string;
}

/** Builds the channel_data string the auth endpoint returns and signs. */
export function encodeChannelData(data: ChannelData): string {
  return JSON.stringify({ user_id: data.userId, credential: data.credential });
}

export function parseChannelData(text: string): ChannelData | undefined {
  const body = dataObject(text);
  if (!body) return undefined;
  const { user_id: userId, credential } = body;
  if (typeof userId !== 'string' || typeof credential !== 'string' || credential === '') {
    return undefined;
  }
  return { userId, credential };
}

// ---------------------------------------------------------------------------------------------
// Frames to clients

/**
 * The `data` of a server frame: Pusher carries it as a JSON string. A string is taken as
 * already encoded (as Pusher's server libraries do); anything else is JSON-encoded.
 */
export function encodeData(data: unknown): string {
  return typeof data === 'string' ? data : (JSON.stringify(data) ?? 'null');
}

/** A server frame whose data is a JSON string. */
export function serverFrame(event: string, data: unknown, channel?: string): string {
  return JSON.stringify(
    channel === undefined
      ? { event, data: encodeData(data) }
      : { event, channel, data: encodeData(data) },
  );
}

export interface SubscriptionError {
  readonly type: 'AuthError';
  readonly error: string;
  readonly status: number;
}

/** Every frame the gateway sends. */
export const frames = {
  connectionEstablished: (socketId: string, activityTimeoutS: number = ACTIVITY_TIMEOUT_S) =>
    serverFrame('pusher:connection_established', {
      socket_id: socketId,
      activity_timeout: activityTimeoutS,
    }),
  /** pusher:error's data is an object `{code, message}`, as Pusher sends it; code null when no close follows. */
  error: (code: number | null, message: string) =>
    JSON.stringify({ event: 'pusher:error', data: { code, message } }),
  ping: () => serverFrame('pusher:ping', {}),
  pong: () => serverFrame('pusher:pong', {}),
  subscriptionSucceeded: (channel: string) =>
    serverFrame('pusher_internal:subscription_succeeded', {}, channel),
  subscriptionError: (channel: string, error: SubscriptionError) =>
    serverFrame('pusher:subscription_error', error, channel),
  event: (channel: string | undefined, event: string, data: unknown) =>
    serverFrame(event, data, channel),
} as const;

/** The message of the error frame sent for a frame over the cap. */
export function tooLargeMessage(bytes: number, cap: number): string {
  return `message too large: ${bytes} bytes; the cap is ${cap}`;
}

// ---------------------------------------------------------------------------------------------
// Channels

const PREFIXES: ReadonlyArray<readonly [string, PrivateChannel['kind']]> = [
  ['private-project.', 'project'],
  ['private-team.', 'team'],
];

/**
 * The channels the gateway offers: private-project.<prj_…> and private-team.<tem_…>, with a
 * well-formed public id. Public, presence and encrypted channels are refused.
 */
export function parseChannelName(name: string): Parsed<PrivateChannel> {
  for (const [prefix, kind] of PREFIXES) {
    if (!name.startsWith(prefix)) continue;
    const id = name.slice(prefix.length);
    const nodeKind = kind === 'project' ? 'Project' : 'Team';
    if (parsePublicIdOf(nodeKind, id) === undefined) {
      const example = kind === 'project' ? 'prj_…' : 'tem_…';
      return {
        ok: false,
        message: `${JSON.stringify(id.slice(0, 40))} is not a ${kind} id (${example})`,
      };
    }
    return { ok: true, value: { kind, id, name } };
  }
  const offered = 'only private-project.<prj_…> and private-team.<tem_…> channels are offered';
  if (name.startsWith('presence-'))
    return { ok: false, message: `presence channels are not offered; ${offered}` };
  if (name.startsWith('private-encrypted-')) {
    return { ok: false, message: `encrypted channels are not offered; ${offered}` };
  }
  if (name.startsWith('private-'))
    return { ok: false, message: `no such private channel; ${offered}` };
  return { ok: false, message: `public channels are not offered; ${offered}` };
}

// ---------------------------------------------------------------------------------------------
// Signatures

const SOCKET_ID = /^\d{1,20}\.\d{1,20}$/;

/** A Pusher socket id: "<digits>.<digits>". */
export function isSocketId(value: unknown): value is string {
  return typeof value === 'string' && SOCKET_ID.test(value);
}

/**
 * What is signed: `<socket_id>:<channel_name>`, and `:<channel_data>` when there is one
 * (Pusher's presence-channel form, used here for private channels so that the signature binds
 * the credential in channel_data).
 */
export function signedText(socketId: string, channelName: string, channelData?: string): string {
  return channelData === undefined
    ? `${socketId}:${channelName}`
    : `${socketId}:${channelName}:${channelData}`;
}

function digest(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text, 'utf8').digest('hex');
}

/** Pusher's `auth`: `<key>:<HMAC-SHA256 hex of signedText with the gateway secret>`. */
export function signChannel(
  secret: string,
  key: string,
  socketId: string,
  channelName: string,
  channelData?: string,
): string {
  return `${key}:${digest(secret, signedText(socketId, channelName, channelData))}`;
}

/** Whether `auth` is the signature signChannel would give (compared in constant time). */
export function verifyChannelSignature(
  secret: string,
  key: string,
  auth: string,
  socketId: string,
  channelName: string,
  channelData?: string,
): boolean {
  const separator = auth.indexOf(':');
  if (separator < 0 || auth.slice(0, separator) !== key) return false;
  const given = Buffer.from(auth.slice(separator + 1), 'utf8');
  const expected = Buffer.from(digest(secret, signedText(socketId, channelName, channelData)));
  return given.length === expected.length && timingSafeEqual(given, expected);
}
