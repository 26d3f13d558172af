import { describe, expect, test } from '@jest/globals';
import { mulberry32 } from '../../../test/support/prng.js';
import { isResponseId, isWellFormedResponse } from './response-check.js';
import {
  INTERNAL_ERROR,
  INVALID_PARAMS,
  INVALID_REQUEST,
  JsonRpcError,
  JsonRpcServer,
  METHOD_NOT_FOUND,
  PARSE_ERROR,
  type JsonRpcId,
  type JsonRpcResponse,
  type MethodHandler,
} from './json-rpc.js';

/** What the frame must produce, read from the specification independently of the server. */
type Expectation =
  | { kind: 'one'; code: number } // a single error response with id null
  | { kind: 'none' }
  | { kind: 'reply'; id: JsonRpcId; code?: number }
  | { kind: 'batch'; replies: { id: JsonRpcId; code?: number }[] };

function expectationOf(
  frame: unknown,
  methods: ReadonlySet<string>,
  maxBatch: number,
): Expectation {
  let value = frame;
  if (typeof frame === 'string') {
    try {
      value = JSON.parse(frame);
    } catch {
      return { kind: 'one', code: PARSE_ERROR };
    }
  }
  if (Array.isArray(value)) {
    if (value.length === 0 || value.length > maxBatch) {
      return { kind: 'one', code: INVALID_REQUEST };
    }
    const replies = value.flatMap((entry) => {
      const one = entryExpectation(entry, methods);
      return one.kind === 'reply' ? [{ id: one.id, code: one.code }] : [];
    });
    return { kind: 'batch', replies };
  }
  return entryExpectation(value, methods);
}

function entryExpectation(
  entry: unknown,
  methods: ReadonlySet<string>,
): Extract<Expectation, { kind: 'none' | 'reply' }> {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    return { kind: 'reply', id: null, code: INVALID_REQUEST };
  }
  const e = entry as Record<string, unknown>;
  const has = (key: string) => Object.hasOwn(e, key) && e[key] !== undefined;
  const idOk = !has('id') || isResponseId(e.id);
  const valid =
    e.jsonrpc === '2.0' &&
    typeof e.method === 'string' &&
    idOk &&
    (!has('params') || (typeof e.params === 'object' && e.params !== null));
  if (!valid) {
    return {
      kind: 'reply',
      id: has('id') && idOk ? (e.id as JsonRpcId) : null,
      code: INVALID_REQUEST,
    };
  }
  if (!has('id')) return { kind: 'none' };
  const known = methods.has(e.method as string) && !(e.method as string).startsWith('rpc.');
  return { kind: 'reply', id: e.id as JsonRpcId, code: known ? undefined : METHOD_NOT_FOUND };
}

// ---------------------------------------------------------------------------------------------
// A seeded generator of frames, valid and not.

class Random {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  int(below: number): number {
    return Math.floor(this.next() * below);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
  string(maxLength: number, maxCodeUnit = 0xffff): string {
    const length = this.int(maxLength + 1);
    let s = '';
    for (let i = 0; i < length; i++) s += String.fromCharCode(this.int(maxCodeUnit + 1));
    return s;
  }
}

const KNOWN = ['echo', 'add', 'fail', 'crash', 'crashRaw', 'nothing', 'weird', 'slow'];
const UNKNOWN = ['nope', '', 'rpc.discover', 'rpc.echo', 'toString', '__proto__', 'constructor'];
const KEYS = ['jsonrpc', 'method', 'params', 'id', '__proto__', 'result', 'error', 'x'];

function jsonValue(r: Random, depth: number): unknown {
  switch (r.int(depth > 0 ? 9 : 6)) {
    case 0:
      return null;
    case 1:
      return r.chance(0.5);
    case 2:
      return r.pick([0, -0, 1, -1, 1.5, 2 ** 53, -(2 ** 53) - 2, 1e308, 5e-324, r.int(1e6)]);
    case 3:
      return r.string(12, 0x7f);
    case 4:
      return r.string(8);
    case 5:
      return r.pick(['2.0', '1.0', 'echo', 'add', 'rpc.x', '']);
    case 6:
    case 7:
      return Array.from({ length: r.int(5) }, () => jsonValue(r, depth - 1));
    default:
      return Object.fromEntries(
        Array.from({ length: r.int(5) }, () => [
          r.chance(0.5) ? r.pick(KEYS) : r.string(6, 0x7f),
          jsonValue(r, depth - 1),
        ]),
      );
  }
}

/** Values a decoder would not produce, for frames passed already decoded. */
function oddValue(r: Random): unknown {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  return r.pick([
    undefined,
    NaN,
    Infinity,
    -Infinity,
    10n,
    () => 1,
    Symbol('s'),
    new Date(0),
    new Map([[1, 2]]),
    Object.create(null) as unknown,
    cyclic,
  ]);
}

function id(r: Random): unknown {
  return r.pick<() => unknown>([
    () => r.int(1000),
    () => -r.int(1000),
    () => r.int(1000) / 8,
    () => r.string(10, 0x7f),
    () => r.string(6),
    () => null,
    () => Number.MAX_SAFE_INTEGER,
    () => 1e300,
    () => 'x'.repeat(r.int(5000)),
  ])();
}

function request(r: Random, withId = r.chance(0.7)): Record<string, unknown> {
  const params = r.pick<() => unknown>([
    () => undefined,
    () => Array.from({ length: r.int(4) }, () => r.int(100)),
    () => ({ a: r.int(10), b: jsonValue(r, 2) }),
    () => jsonValue(r, 2),
  ])();
  const method = r.chance(0.85) ? r.pick(KNOWN) : r.pick(UNKNOWN);
  return {
    jsonrpc: '2.0',
    method,
    ...(params === undefined ? {} : { params }),
    ...(withId ? { id: id(r) } : {}),
  };
}

function mutated(r: Random): Record<string, unknown> {
  const value = request(r);
  const key = r.pick(['jsonrpc', 'method', 'params', 'id', 'extra']);
  if (r.chance(0.3)) delete value[key];
  else value[key] = r.chance(0.8) ? jsonValue(r, 2) : oddValue(r);
  return value;
}

function batch(r: Random): unknown[] {
  const length = r.chance(0.05) ? 95 + r.int(15) : r.int(12);
  return Array.from({ length }, () =>
    r.pick<() => unknown>([
      () => request(r),
      () => request(r, false),
      () => mutated(r),
      () => jsonValue(r, 2),
      () => [request(r)],
    ])(),
  );
}

function nested(r: Random): string {
  const depth = 1 + r.int(1000);
  switch (r.int(3)) {
    case 0:
      return '['.repeat(depth) + ']'.repeat(depth);
    case 1:
      return `{"jsonrpc":"2.0","method":"echo","id":1,"params":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`;
    default:
      return '['.repeat(depth); // unterminated
  }
}

function hugeId(r: Random): string {
  const digits = '9'.repeat(1 + r.int(400));
  return r.pick([
    `{"jsonrpc":"2.0","method":"echo","id":${digits}}`,
    `{"jsonrpc":"2.0","method":"echo","id":-${digits}.5}`,
    `{"jsonrpc":"2.0","method":"echo","id":1e400}`,
    `{"jsonrpc":"2.0","method":"nope","id":-1e400}`,
    `{"jsonrpc":"2.0","method":"echo","id":"${digits}"}`,
    `{"jsonrpc":"2.0","method":"echo","id":1e-400}`,
  ]);
}

function textMutation(r: Random, source: string): string {
  const at = r.int(source.length + 1);
  switch (r.int(3)) {
    case 0:
      return source.slice(0, at) + source.slice(at + 1);
    case 1:
      return (
        source.slice(0, at) +
        r.pick(['"', '{', '}', '[', ']', ',', ':', '\\', '\u0000']) +
        source.slice(at)
      );
    default:
      return source.slice(0, at) + r.string(1) + source.slice(at + 1);
  }
}

/** JSON text of a generated value; values JSON cannot carry (10n, a cycle) fall back to a call. */
function text(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'undefined';
  } catch {
    return '{"jsonrpc":"2.0","method":"echo","id":1}';
  }
}

function frame(r: Random): unknown {
  const asText = (value: unknown) => (r.chance(0.5) ? text(value) : value);
  switch (r.int(10)) {
    case 0:
      return asText(jsonValue(r, 4));
    case 1:
      return asText(request(r));
    case 2:
      return asText(mutated(r));
    case 3: {
      const whole = text(r.chance(0.5) ? request(r) : batch(r));
      return whole.slice(0, r.int(whole.length));
    }
    case 4:
      return nested(r);
    case 5:
      return hugeId(r);
    case 6:
      return r.chance(0.5) ? r.string(40, 0xff) : r.string(40);
    case 7:
      return asText(batch(r));
    case 8:
      return textMutation(r, text(r.chance(0.7) ? request(r) : batch(r)));
    default:
      return r.chance(0.5) ? oddValue(r) : [oddValue(r), request(r)];
  }
}

// ---------------------------------------------------------------------------------------------

interface Calls {
  notifications: number;
  calls: number;
}

function weird(params: unknown): unknown {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  const pick = Array.isArray(params) ? Number(params[0]) % 5 : 0;
  return [10n, () => 1, cyclic, Symbol('s'), undefined][pick] ?? 10n;
}

const count: MethodHandler<Calls> = (_params, calls, { notification }) => {
  if (notification) calls.notifications++;
  else calls.calls++;
  return Promise.resolve();
};

const fuzzMethods: Record<string, MethodHandler<Calls>> = {
  echo: async (params, calls, request) => {
    await count(params, calls, request);
    return params;
  },
  add: async (params, calls, request) => {
    await count(params, calls, request);
    if (!Array.isArray(params)) throw new JsonRpcError(INVALID_PARAMS, 'Invalid params');
    return params.reduce((a: number, b) => a + Number(b), 0);
  },
  fail: async (params, calls, request) => {
    await count(params, calls, request);
    throw new JsonRpcError(-32005, 'refused', { field: ['a'] });
  },
  crash: async (params, calls, request) => {
    await count(params, calls, request);
    throw new Error('secret detail');
  },
  crashRaw: (params, calls, request) => {
    void count(params, calls, request);
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- what careless code does
    throw 'a string, not an Error';
  },
  nothing: async (params, calls, request) => {
    await count(params, calls, request);
    return undefined;
  },
  weird: async (params, calls, request) => {
    await count(params, calls, request);
    return weird(params);
  },
  slow: async (params, calls, request) => {
    await new Promise((resolve) => setImmediate(resolve));
    await count(params, calls, request);
    return { slow: true };
  },
};

function expectedNotifications(frame: unknown): number {
  let value = frame;
  if (typeof frame === 'string') {
    try {
      value = JSON.parse(frame);
    } catch {
      return 0;
    }
  }
  const entries = Array.isArray(value) ? (value.length > 100 ? [] : value) : [value];
  return entries.filter((entry) => {
    const one = entryExpectation(entry, new Set(KNOWN));
    return one.kind === 'none' && KNOWN.includes((entry as { method: string }).method);
  }).length;
}

describe('isWellFormedResponse', () => {
  test('accepts responses the specification allows', () => {
    for (const response of [
      { jsonrpc: '2.0', result: null, id: null },
      { jsonrpc: '2.0', result: [1], id: 'a' },
      { jsonrpc: '2.0', error: { code: -32000, message: 'x', data: 1 }, id: 1.5 },
      { jsonrpc: '2.0', error: { code: 7, message: '' }, id: 0 },
      { jsonrpc: '2.0', error: { code: PARSE_ERROR, message: 'Parse error' }, id: null },
    ]) {
      expect(isWellFormedResponse(response)).toBe(true);
    }
  });

  test('refuses every way a response can be malformed', () => {
    for (const response of [
      null,
      [],
      { result: 1, id: 1 },
      { jsonrpc: '1.0', result: 1, id: 1 },
      { jsonrpc: '2.0', result: 1 },
      { jsonrpc: '2.0', result: undefined, id: 1 },
      { jsonrpc: '2.0', result: 1n, id: 1 },
      { jsonrpc: '2.0', result: 1, error: { code: 1, message: '' }, id: 1 },
      { jsonrpc: '2.0', result: 1, id: true },
      { jsonrpc: '2.0', result: 1, id: Infinity },
      { jsonrpc: '2.0', result: 1, id: 1, extra: 1 },
      { jsonrpc: '2.0', error: { code: 1.5, message: '' }, id: 1 },
      { jsonrpc: '2.0', error: { code: '1', message: '' }, id: 1 },
      { jsonrpc: '2.0', error: { code: 1 }, id: 1 },
      { jsonrpc: '2.0', error: { code: 1, message: '', stack: '' }, id: 1 },
      { jsonrpc: '2.0', error: { code: 1, message: '', data: undefined }, id: 1 },
      { jsonrpc: '2.0', error: { code: -32300, message: 'reserved' }, id: 1 },
      { jsonrpc: '2.0', error: { code: PARSE_ERROR, message: 'Parse error' }, id: 1 },
    ]) {
      expect(isWellFormedResponse(response)).toBe(false);
    }
  });
});

describe('JsonRpcServer under 10,000 random and malformed frames', () => {
  test('never rejects, always answers well-formed, and never answers a notification', async () => {
    const r = new Random(0x6a736f6e);
    const known = new Set(KNOWN);
    const server = new JsonRpcServer<Calls>(fuzzMethods, { onInternalError: () => undefined });
    const seen = { parse: 0, invalid: 0, notFound: 0, internal: 0, batches: 0, silent: 0 };

    for (let i = 0; i < 10_000; i++) {
      const input = frame(r);
      const calls: Calls = { notifications: 0, calls: 0 };
      const expected = expectationOf(input, known, 100);
      let response: Awaited<ReturnType<typeof server.handle>>;
      try {
        response = await server.handle(input, calls);
      } catch (error) {
        throw new Error(`frame ${i} rejected: ${String(error)}`, { cause: error });
      }
      const where = () => `frame ${i}: ${describeFrame(input)} → ${describeFrame(response)}`;

      switch (expected.kind) {
        case 'one':
          if (!isWellFormedResponse(response) || !('error' in response)) throw new Error(where());
          if (response.error.code !== expected.code || response.id !== null) {
            throw new Error(`expected error ${expected.code} with id null: ${where()}`);
          }
          if (expected.code === PARSE_ERROR) seen.parse++;
          break;
        case 'none':
          if (response !== undefined) throw new Error(`a notification was answered: ${where()}`);
          seen.silent++;
          break;
        case 'reply':
          if (!isWellFormedResponse(response)) throw new Error(where());
          checkReply(response, expected, where);
          break;
        case 'batch':
          seen.batches++;
          if (expected.replies.length === 0) {
            if (response !== undefined) throw new Error(`notifications were answered: ${where()}`);
            break;
          }
          if (!Array.isArray(response) || response.length !== expected.replies.length) {
            throw new Error(`expected ${expected.replies.length} replies: ${where()}`);
          }
          response.forEach((one, n) => {
            if (!isWellFormedResponse(one)) throw new Error(`entry ${n}: ${where()}`);
            checkReply(one, expected.replies[n] as { id: JsonRpcId; code?: number }, where);
          });
      }
      for (const one of Array.isArray(response) ? response : [response]) {
        if (one && 'error' in one) {
          if (one.error.code === INVALID_REQUEST) seen.invalid++;
          if (one.error.code === METHOD_NOT_FOUND) seen.notFound++;
          if (one.error.code === INTERNAL_ERROR) {
            seen.internal++;
            if (one.error.message !== 'Internal error') throw new Error(`leaked: ${where()}`);
          }
        }
      }
      // Every notification of a known method ran, even though none was answered.
      if (calls.notifications !== expectedNotifications(input)) {
        throw new Error(`ran ${calls.notifications} notifications: ${where()}`);
      }
    }

    // The generator reaches every branch the assertions are about.
    for (const [kind, n] of Object.entries(seen)) {
      expect([kind, n > 100]).toEqual([kind, true]);
    }
  });
});

function checkReply(
  response: JsonRpcResponse,
  expected: { id: JsonRpcId; code?: number },
  where: () => string,
): void {
  if (response.id !== expected.id) throw new Error(`id not echoed: ${where()}`);
  if (expected.code !== undefined) {
    if (!('error' in response) || response.error.code !== expected.code) {
      throw new Error(`expected error ${expected.code}: ${where()}`);
    }
  } else if (
    'error' in response &&
    [INVALID_REQUEST, METHOD_NOT_FOUND].includes(response.error.code)
  ) {
    throw new Error(`a valid call to a known method was refused: ${where()}`);
  }
}

function describeFrame(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
