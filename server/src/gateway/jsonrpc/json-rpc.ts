/**
 * The JSON-RPC 2.0 core of the compatibility gateway: pure and socket-free, like graphql-ws's
 * protocol core is apart from its `ws` adapter. A transport hands `handle()` one frame (the raw
 * JSON text, or a value it already decoded) and sends back whatever comes out, if anything.
 * Specification: https://www.jsonrpc.org/specification
 */

export type JsonRpcId = string | number | null;
export type JsonRpcParams = Record<string, unknown> | unknown[];

export interface JsonRpcRequest {
  readonly jsonrpc: '2.0';
  readonly method: string;
  readonly params?: JsonRpcParams;
  readonly id?: JsonRpcId;
}

export interface JsonRpcErrorObject {
  readonly code: number;
  readonly message: string;
  readonly data?: unknown;
}

export type JsonRpcResponse =
  | { readonly jsonrpc: '2.0'; readonly result: unknown; readonly id: JsonRpcId }
  | { readonly jsonrpc: '2.0'; readonly error: JsonRpcErrorObject; readonly id: JsonRpcId };

/** Thrown by a handler (or the core) to answer with this error. */
export class JsonRpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'JsonRpcError';
  }
}

export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;
export const METHOD_NOT_FOUND = -32601;
export const INVALID_PARAMS = -32602;
export const INTERNAL_ERROR = -32603;

export type MethodHandler<C> = (
  params: JsonRpcParams | undefined,
  context: C,
  request: { readonly method: string; readonly notification: boolean },
) => Promise<unknown>;

export interface JsonRpcServerOptions {
  /** Most requests in one batch (default 100); a larger batch is one Invalid Request error. */
  readonly maxBatch?: number;
  /** Hears every unexpected failure; the client only sees a generic -32603. */
  readonly onInternalError?: (error: unknown, method: string) => void;
}

const DEFAULT_MAX_BATCH = 100;

/** The messages of the specification's own examples. */
const MESSAGES = {
  [PARSE_ERROR]: 'Parse error',
  [INVALID_REQUEST]: 'Invalid Request',
  [METHOD_NOT_FOUND]: 'Method not found',
  [INVALID_PARAMS]: 'Invalid params',
  [INTERNAL_ERROR]: 'Internal error',
} as const;

type Entry =
  | { readonly valid: true; readonly request: JsonRpcRequest; readonly notification: boolean }
  | { readonly valid: false; readonly id: JsonRpcId };

export class JsonRpcServer<C> {
  private readonly methods: ReadonlyMap<string, MethodHandler<C>>;
  private readonly maxBatch: number;
  private readonly onInternalError: ((error: unknown, method: string) => void) | undefined;

  constructor(
    methods: Readonly<Record<string, MethodHandler<C>>>,
    options: JsonRpcServerOptions = {},
  ) {
    // A Map of own entries only, so `toString` or `__proto__` never resolve to Object.prototype.
    const table = new Map<string, MethodHandler<C>>();
    for (const [name, handler] of Object.entries(methods)) {
      if (name.startsWith('rpc.')) {
        throw new Error(`JSON-RPC method names starting with "rpc." are reserved: ${name}`);
      }
      table.set(name, handler);
    }
    const maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
    if (!Number.isSafeInteger(maxBatch) || maxBatch < 1) {
      throw new RangeError(`maxBatch must be a positive integer, not ${String(maxBatch)}`);
    }
    this.methods = table;
    this.maxBatch = maxBatch;
    this.onInternalError = options.onInternalError;
  }

  /**
   * One frame: the raw JSON text (string) or an already-parsed value (what a transport decoded).
   * Resolves with the single response, the batch's array of responses, or undefined when nothing
   * is to be sent (a notification, or a batch of only notifications). Never rejects.
   * (`frame: unknown` is `string | unknown` written as the type it is: a string is always text.)
   */
  async handle(
    frame: unknown,
    context: C,
  ): Promise<JsonRpcResponse | JsonRpcResponse[] | undefined> {
    let value: unknown = frame;
    if (typeof frame === 'string') {
      try {
        value = JSON.parse(frame);
      } catch {
        return failure(PARSE_ERROR, null);
      }
    }
    let batch: readonly unknown[] | undefined;
    try {
      batch = Array.isArray(value) ? Array.from(value as unknown[]) : undefined;
    } catch {
      return failure(INVALID_REQUEST, null);
    }
    if (batch === undefined) return this.handleOne(value, context);
    if (batch.length === 0) return failure(INVALID_REQUEST, null);
    if (batch.length > this.maxBatch) {
      return {
        jsonrpc: '2.0',
        error: {
          code: INVALID_REQUEST,
          message: `Invalid Request: a batch holds at most ${this.maxBatch} requests`,
          data: { maxBatch: this.maxBatch },
        },
        id: null,
      };
    }
    // Concurrently, but answered in request order; notifications leave no entry.
    const responses = await Promise.all(batch.map((entry) => this.handleOne(entry, context)));
    const sent = responses.filter((response) => response !== undefined);
    return sent.length === 0 ? undefined : sent;
  }

  private async handleOne(value: unknown, context: C): Promise<JsonRpcResponse | undefined> {
    const entry = readEntry(value);
    if (!entry.valid) return failure(INVALID_REQUEST, entry.id);
    const { request, notification } = entry;
    const id = request.id ?? null;
    const handler = request.method.startsWith('rpc.')
      ? undefined
      : this.methods.get(request.method);
    if (handler === undefined) return notification ? undefined : failure(METHOD_NOT_FOUND, id);

    let response: JsonRpcResponse;
    try {
      const result = await handler(request.params, context, {
        method: request.method,
        notification,
      });
      response = { jsonrpc: '2.0', result: this.sendable(result, request.method), id };
    } catch (error) {
      response = { jsonrpc: '2.0', error: this.errorObject(error, request.method), id };
    }
    return notification ? undefined : response;
  }

  /** A handler's result as it can be sent: `undefined` is `null`; it must survive JSON. */
  private sendable(result: unknown, method: string): unknown {
    if (result === undefined) return null;
    if (!isJsonSerializable(result)) {
      throw new Error(`the result of ${method} cannot be serialized as JSON`);
    }
    return result;
  }

  private errorObject(error: unknown, method: string): JsonRpcErrorObject {
    if (error instanceof JsonRpcError && isSendableCode(error.code)) {
      const message = typeof error.message === 'string' ? error.message : String(error.message);
      if (error.data === undefined) return { code: error.code, message };
      if (isJsonSerializable(error.data)) return { code: error.code, message, data: error.data };
    }
    try {
      this.onInternalError?.(error, method);
    } catch {
      // A failing reporter must not turn into a failing call.
    }
    return { code: INTERNAL_ERROR, message: MESSAGES[INTERNAL_ERROR] };
  }
}

function failure(
  code: keyof typeof MESSAGES,
  id: JsonRpcId,
): { jsonrpc: '2.0'; error: JsonRpcErrorObject; id: JsonRpcId } {
  return { jsonrpc: '2.0', error: { code, message: MESSAGES[code] }, id };
}

/** Validates one request object; an invalid one is answered with the id it carries, if readable. */
function readEntry(value: unknown): Entry {
  try {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return { valid: false, id: null };
    }
    const object = value as Record<string, unknown>;
    const own = (key: string): unknown => (Object.hasOwn(object, key) ? object[key] : undefined);
    const jsonrpc = own('jsonrpc');
    const method = own('method');
    const params = own('params');
    const id = own('id');
    const idValid = id === undefined || isId(id);
    const readableId = id !== undefined && isId(id) ? id : null;
    if (
      jsonrpc !== '2.0' ||
      typeof method !== 'string' ||
      !idValid ||
      (params !== undefined && (typeof params !== 'object' || params === null))
    ) {
      return { valid: false, id: readableId };
    }
    const request: JsonRpcRequest = {
      jsonrpc: '2.0',
      method,
      ...(params === undefined ? {} : { params: params as JsonRpcParams }),
      ...(id === undefined ? {} : { id }),
    };
    return { valid: true, request, notification: id === undefined };
  } catch {
    // A decoded value whose members cannot be read (a throwing getter or proxy).
    return { valid: false, id: null };
  }
}

/** String, number or null; numbers must survive JSON (1e400 parses to Infinity, sent as null). */
function isId(value: unknown): value is JsonRpcId {
  return (
    value === null ||
    typeof value === 'string' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

/**
 * An integer outside the range the specification keeps for itself: the five pre-defined codes
 * and -32099…-32000 are allowed there, the rest of -32768…-32000 is reserved for future use.
 */
function isSendableCode(code: unknown): code is number {
  if (typeof code !== 'number' || !Number.isSafeInteger(code)) return false;
  if (code < -32768 || code > -32000) return true;
  return code >= -32099 || code in MESSAGES;
}

function isJsonSerializable(value: unknown): boolean {
  try {
    return JSON.stringify(value) !== undefined;
  } catch {
    return false;
  }
}
