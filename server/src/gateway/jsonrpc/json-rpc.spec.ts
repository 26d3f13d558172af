import { describe, expect, test } from '@jest/globals';
import {
  INTERNAL_ERROR,
  INVALID_PARAMS,
  INVALID_REQUEST,
  JsonRpcError,
  JsonRpcServer,
  type JsonRpcParams,
  type JsonRpcServerOptions,
  type MethodHandler,
} from './json-rpc.js';

interface Context {
  readonly calls: { method: string; params: unknown; notification: boolean }[];
}

function numbers(params: JsonRpcParams | undefined): number[] {
  if (!Array.isArray(params) || !params.every((n) => typeof n === 'number')) {
    throw new JsonRpcError(INVALID_PARAMS, 'Invalid params', { expected: 'an array of numbers' });
  }
  return params;
}

const record: MethodHandler<Context> = (params, context, request) => {
  context.calls.push({ method: request.method, params, notification: request.notification });
  return Promise.resolve();
};

/** The method table the specification's examples assume. */
const methods: Record<string, MethodHandler<Context>> = {
  subtract: (params) => {
    if (Array.isArray(params)) {
      const [minuend, subtrahend] = numbers(params);
      return Promise.resolve((minuend ?? 0) - (subtrahend ?? 0));
    }
    const { minuend, subtrahend } = params ?? {};
    if (typeof minuend !== 'number' || typeof subtrahend !== 'number') {
      return Promise.reject(new JsonRpcError(INVALID_PARAMS, 'Invalid params'));
    }
    return Promise.resolve(minuend - subtrahend);
  },
  sum: (params) => Promise.resolve(numbers(params).reduce((a, b) => a + b, 0)),
  update: record,
  notify_hello: record,
  notify_sum: record,
  get_data: () => Promise.resolve(['hello', 5]),
};

function setup(options?: JsonRpcServerOptions) {
  const context: Context = { calls: [] };
  const internal: { error: unknown; method: string }[] = [];
  const server = new JsonRpcServer<Context>(methods, {
    onInternalError: (error, method) => internal.push({ error, method }),
    ...options,
  });
  return { server, context, internal, send: (frame: unknown) => server.handle(frame, context) };
}

describe('the examples of the JSON-RPC 2.0 specification (section 7)', () => {
  test('rpc call with positional parameters', async () => {
    const { send } = setup();
    await expect(
      send('{"jsonrpc": "2.0", "method": "subtract", "params": [42, 23], "id": 1}'),
    ).resolves.toEqual({ jsonrpc: '2.0', result: 19, id: 1 });
    await expect(
      send('{"jsonrpc": "2.0", "method": "subtract", "params": [23, 42], "id": 2}'),
    ).resolves.toEqual({ jsonrpc: '2.0', result: -19, id: 2 });
  });

  test('rpc call with named parameters', async () => {
    const { send } = setup();
    await expect(
      send(
        '{"jsonrpc": "2.0", "method": "subtract", "params": {"subtrahend": 23, "minuend": 42}, "id": 3}',
      ),
    ).resolves.toEqual({ jsonrpc: '2.0', result: 19, id: 3 });
    await expect(
      send(
        '{"jsonrpc": "2.0", "method": "subtract", "params": {"minuend": 42, "subtrahend": 23}, "id": 4}',
      ),
    ).resolves.toEqual({ jsonrpc: '2.0', result: 19, id: 4 });
  });

  test('a notification is run and gets no reply, even for a method that does not exist', async () => {
    const { send, context } = setup();
    await expect(
      send('{"jsonrpc": "2.0", "method": "update", "params": [1,2,3,4,5]}'),
    ).resolves.toBeUndefined();
    await expect(send('{"jsonrpc": "2.0", "method": "foobar"}')).resolves.toBeUndefined();
    expect(context.calls).toEqual([
      { method: 'update', params: [1, 2, 3, 4, 5], notification: true },
    ]);
  });

  test('rpc call of non-existent method', async () => {
    const { send } = setup();
    await expect(send('{"jsonrpc": "2.0", "method": "foobar", "id": "1"}')).resolves.toEqual({
      jsonrpc: '2.0',
      error: { code: -32601, message: 'Method not found' },
      id: '1',
    });
  });

  test('rpc call with invalid JSON', async () => {
    const { send } = setup();
    await expect(
      send('{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]'),
    ).resolves.toEqual({
      jsonrpc: '2.0',
      error: { code: -32700, message: 'Parse error' },
      id: null,
    });
  });

  test('rpc call with invalid Request object', async () => {
    const { send } = setup();
    await expect(send('{"jsonrpc": "2.0", "method": 1, "params": "bar"}')).resolves.toEqual({
      jsonrpc: '2.0',
      error: { code: -32600, message: 'Invalid Request' },
      id: null,
    });
  });

  test('rpc call Batch, invalid JSON', async () => {
    const { send } = setup();
    await expect(
      send(`[
        {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},
        {"jsonrpc": "2.0", "method"
      ]`),
    ).resolves.toEqual({
      jsonrpc: '2.0',
      error: { code: -32700, message: 'Parse error' },
      id: null,
    });
  });

  test('rpc call with an empty Array', async () => {
    const { send } = setup();
    await expect(send('[]')).resolves.toEqual({
      jsonrpc: '2.0',
      error: { code: -32600, message: 'Invalid Request' },
      id: null,
    });
  });

  test('rpc call with an invalid Batch (but not empty)', async () => {
    const { send } = setup();
    await expect(send('[1]')).resolves.toEqual([
      { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null },
    ]);
  });

  test('rpc call with invalid Batch', async () => {
    const { send } = setup();
    const invalid = {
      jsonrpc: '2.0',
      error: { code: -32600, message: 'Invalid Request' },
      id: null,
    };
    await expect(send('[1,2,3]')).resolves.toEqual([invalid, invalid, invalid]);
  });

  test('rpc call Batch', async () => {
    const { send, context } = setup();
    await expect(
      send(`[
        {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},
        {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]},
        {"jsonrpc": "2.0", "method": "subtract", "params": [42,23], "id": "2"},
        {"foo": "boo"},
        {"jsonrpc": "2.0", "method": "foo.get", "params": {"name": "myself"}, "id": "5"},
        {"jsonrpc": "2.0", "method": "get_data", "id": "9"}
      ]`),
    ).resolves.toEqual([
      { jsonrpc: '2.0', result: 7, id: '1' },
      { jsonrpc: '2.0', result: 19, id: '2' },
      { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null },
      { jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' }, id: '5' },
      { jsonrpc: '2.0', result: ['hello', 5], id: '9' },
    ]);
    expect(context.calls).toEqual([{ method: 'notify_hello', params: [7], notification: true }]);
  });

  test('rpc call Batch (all notifications)', async () => {
    const { send, context } = setup();
    await expect(
      send(`[
        {"jsonrpc": "2.0", "method": "notify_sum", "params": [1,2,4]},
        {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]}
      ]`),
    ).resolves.toBeUndefined();
    expect(context.calls.map((call) => call.method)).toEqual(['notify_sum', 'notify_hello']);
  });
});

describe('JsonRpcServer', () => {
  test('echoes string, number, fractional and null ids as given', async () => {
    const { send } = setup();
    for (const id of ['abc', '', 0, -7, 42, 1.5, 2 ** 53 - 1, null]) {
      await expect(send({ jsonrpc: '2.0', method: 'get_data', id })).resolves.toEqual({
        jsonrpc: '2.0',
        result: ['hello', 5],
        id,
      });
    }
    // `"id": null` is a call (the specification discourages it), not a notification.
    await expect(send('{"jsonrpc":"2.0","method":"get_data","id":null}')).resolves.toEqual({
      jsonrpc: '2.0',
      result: ['hello', 5],
      id: null,
    });
  });

  test('an already-decoded frame is handled like its JSON text', async () => {
    const { send } = setup();
    await expect(send({ jsonrpc: '2.0', method: 'sum', params: [1, 2], id: 'x' })).resolves.toEqual(
      { jsonrpc: '2.0', result: 3, id: 'x' },
    );
    await expect(
      send([{ jsonrpc: '2.0', method: 'sum', params: [1, 2], id: 1 }, 7]),
    ).resolves.toEqual([
      { jsonrpc: '2.0', result: 3, id: 1 },
      { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null },
    ]);
  });

  test.each([
    ['a number', '42'],
    ['a string', '"{\\"jsonrpc\\":\\"2.0\\",\\"method\\":\\"sum\\",\\"id\\":1}"'],
    ['true', 'true'],
    ['null', 'null'],
  ])('a frame that is %s is an Invalid Request', async (_, frame) => {
    const { send } = setup();
    await expect(send(frame)).resolves.toEqual({
      jsonrpc: '2.0',
      error: { code: -32600, message: 'Invalid Request' },
      id: null,
    });
  });

  test.each([42, true, null, undefined, 1.5, Symbol('x')])(
    'a decoded frame %p is an Invalid Request',
    async (frame) => {
      const { send } = setup();
      await expect(send(frame)).resolves.toEqual({
        jsonrpc: '2.0',
        error: { code: -32600, message: 'Invalid Request' },
        id: null,
      });
    },
  );

  test.each([
    ['jsonrpc missing', { method: 'sum', params: [1], id: 1 }, 1],
    ['jsonrpc "1.0"', { jsonrpc: '1.0', method: 'sum', id: 1 }, 1],
    ['jsonrpc the number 2', { jsonrpc: 2, method: 'sum', id: 'a' }, 'a'],
    ['method missing', { jsonrpc: '2.0', id: 1 }, 1],
    ['method not a string', { jsonrpc: '2.0', method: ['sum'], id: 1 }, 1],
    ['params a string', { jsonrpc: '2.0', method: 'sum', params: 'bar', id: 1 }, 1],
    ['params a number', { jsonrpc: '2.0', method: 'sum', params: 3, id: 1 }, 1],
    ['params null', { jsonrpc: '2.0', method: 'sum', params: null, id: 1 }, 1],
    ['id an object', { jsonrpc: '2.0', method: 'sum', params: [1], id: {} }, null],
    ['id an array', { jsonrpc: '2.0', method: 'sum', params: [1], id: [1] }, null],
    ['id a boolean', { jsonrpc: '2.0', method: 'sum', params: [1], id: true }, null],
    ['id not finite', { jsonrpc: '2.0', method: 'sum', params: [1], id: Infinity }, null],
  ])('%s is an Invalid Request answered with the id when it can be read', async (_, frame, id) => {
    const { send } = setup();
    await expect(send(frame)).resolves.toEqual({
      jsonrpc: '2.0',
      error: { code: -32600, message: 'Invalid Request' },
      id,
    });
  });

  test('an id too large for a double (1e400 parses to Infinity) is an Invalid Request', async () => {
    const { send } = setup();
    await expect(send('{"jsonrpc":"2.0","method":"sum","params":[1],"id":1e400}')).resolves.toEqual(
      { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null },
    );
  });

  test('invalid params thrown by a handler are answered as they are', async () => {
    const { send } = setup();
    await expect(send({ jsonrpc: '2.0', method: 'sum', params: { a: 1 }, id: 7 })).resolves.toEqual(
      {
        jsonrpc: '2.0',
        error: {
          code: -32602,
          message: 'Invalid params',
          data: { expected: 'an array of numbers' },
        },
        id: 7,
      },
    );
  });

  test('a JsonRpcError thrown by a handler is passed through with its code, message and data', async () => {
    const server = new JsonRpcServer<null>({
      'run.heartbeat': () => Promise.reject(new JsonRpcError(-32010, 'stale lease', { lease: 3 })),
      app: () => {
        throw new JsonRpcError(7, 'an application code outside the reserved range');
      },
    });
    await expect(
      server.handle({ jsonrpc: '2.0', method: 'run.heartbeat', id: 1 }, null),
    ).resolves.toEqual({
      jsonrpc: '2.0',
      error: { code: -32010, message: 'stale lease', data: { lease: 3 } },
      id: 1,
    });
    await expect(server.handle({ jsonrpc: '2.0', method: 'app', id: 2 }, null)).resolves.toEqual({
      jsonrpc: '2.0',
      error: { code: 7, message: 'an application code outside the reserved range' },
      id: 2,
    });
  });

  test('an unexpected exception is -32603 with a generic message; the details go to onInternalError', async () => {
    const boom = new Error('password=hunter2 in /srv/secret.ts');
    const internal: unknown[][] = [];
    const server = new JsonRpcServer<null>(
      {
        rejects: () => Promise.reject(boom),
        throws: () => {
          throw boom;
        },
        failsQuietly: () => Promise.reject(new Error('db down')),
      },
      { onInternalError: (...args) => internal.push(args) },
    );
    for (const method of ['rejects', 'throws']) {
      const response = await server.handle({ jsonrpc: '2.0', method, id: method }, null);
      expect(response).toEqual({
        jsonrpc: '2.0',
        error: { code: INTERNAL_ERROR, message: 'Internal error' },
        id: method,
      });
      expect(JSON.stringify(response)).not.toContain('hunter2');
    }
    expect(internal).toEqual([
      [boom, 'rejects'],
      [boom, 'throws'],
    ]);
    // A notification that fails is reported too, but still gets no reply.
    await expect(
      server.handle({ jsonrpc: '2.0', method: 'failsQuietly' }, null),
    ).resolves.toBeUndefined();
    expect(internal).toHaveLength(3);
  });

  test('a failing onInternalError does not fail the call', async () => {
    const server = new JsonRpcServer<null>(
      { bad: () => Promise.reject(new Error('x')) },
      {
        onInternalError: () => {
          throw new Error('logger down');
        },
      },
    );
    await expect(server.handle({ jsonrpc: '2.0', method: 'bad', id: 1 }, null)).resolves.toEqual({
      jsonrpc: '2.0',
      error: { code: INTERNAL_ERROR, message: 'Internal error' },
      id: 1,
    });
  });

  test('results and error data that JSON cannot carry become internal errors', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const internal: { error: unknown; method: string }[] = [];
    const server = new JsonRpcServer<null>(
      {
        bigint: () => Promise.resolve(10n),
        cyclic: () => Promise.resolve(cyclic),
        fn: () => Promise.resolve(() => 1),
        badData: () => Promise.reject(new JsonRpcError(-32004, 'gone', { big: 1n })),
        badCode: () => Promise.reject(new JsonRpcError(1.5, 'fractional code')),
        reservedCode: () => Promise.reject(new JsonRpcError(-32300, 'reserved for the spec')),
      },
      { onInternalError: (error, method) => internal.push({ error, method }) },
    );
    const methodNames = ['bigint', 'cyclic', 'fn', 'badData', 'badCode', 'reservedCode'];
    for (const method of methodNames) {
      await expect(server.handle({ jsonrpc: '2.0', method, id: 1 }, null)).resolves.toEqual({
        jsonrpc: '2.0',
        error: { code: INTERNAL_ERROR, message: 'Internal error' },
        id: 1,
      });
    }
    expect(internal.map((entry) => entry.method)).toEqual(methodNames);
  });

  test('a handler returning undefined answers result null', async () => {
    const { send } = setup();
    await expect(send({ jsonrpc: '2.0', method: 'update', params: [1], id: 1 })).resolves.toEqual({
      jsonrpc: '2.0',
      result: null,
      id: 1,
    });
  });

  test('handlers get params, the context and whether the request is a notification', async () => {
    const { send, context } = setup();
    await send({ jsonrpc: '2.0', method: 'update', params: { a: 1 }, id: 1 });
    await send({ jsonrpc: '2.0', method: 'update' });
    expect(context.calls).toEqual([
      { method: 'update', params: { a: 1 }, notification: false },
      { method: 'update', params: undefined, notification: true },
    ]);
  });

  test('names starting with "rpc." are reserved: method not found, and refused in the table', async () => {
    const { send } = setup();
    await expect(send({ jsonrpc: '2.0', method: 'rpc.discover', id: 1 })).resolves.toEqual({
      jsonrpc: '2.0',
      error: { code: -32601, message: 'Method not found' },
      id: 1,
    });
    expect(() => new JsonRpcServer<null>({ 'rpc.discover': () => Promise.resolve(1) })).toThrow(
      /reserved/,
    );
  });

  test.each(['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf'])(
    'Object.prototype members are not methods: %s',
    async (method) => {
      const { send } = setup();
      await expect(send({ jsonrpc: '2.0', method, id: 1 })).resolves.toEqual({
        jsonrpc: '2.0',
        error: { code: -32601, message: 'Method not found' },
        id: 1,
      });
    },
  );

  test('a batch larger than maxBatch is one Invalid Request naming the limit', async () => {
    const { send, context } = setup({ maxBatch: 3 });
    const call = { jsonrpc: '2.0', method: 'update' };
    await expect(send([call, call, call])).resolves.toBeUndefined();
    expect(context.calls).toHaveLength(3);
    const response = await send([call, call, call, call]);
    expect(response).toEqual({
      jsonrpc: '2.0',
      error: {
        code: INVALID_REQUEST,
        message: 'Invalid Request: a batch holds at most 3 requests',
        data: { maxBatch: 3 },
      },
      id: null,
    });
    expect(context.calls).toHaveLength(3);
  });

  test('maxBatch defaults to 100', async () => {
    const { send } = setup();
    const call = (id: number) => ({ jsonrpc: '2.0', method: 'get_data', id });
    const hundred = await send(Array.from({ length: 100 }, (_, i) => call(i)));
    expect(hundred).toHaveLength(100);
    await expect(send(Array.from({ length: 101 }, (_, i) => call(i)))).resolves.toMatchObject({
      error: { code: INVALID_REQUEST, data: { maxBatch: 100 } },
      id: null,
    });
  });

  test('maxBatch must be a positive integer', () => {
    for (const maxBatch of [0, -1, 1.5, NaN]) {
      expect(() => new JsonRpcServer<null>({}, { maxBatch })).toThrow(RangeError);
    }
  });

  test('a nested batch is one Invalid Request entry', async () => {
    const { send } = setup();
    await expect(
      send(
        '[[{"jsonrpc":"2.0","method":"get_data","id":1}],{"jsonrpc":"2.0","method":"get_data","id":2}]',
      ),
    ).resolves.toEqual([
      { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null },
      { jsonrpc: '2.0', result: ['hello', 5], id: 2 },
    ]);
  });

  test('batch entries run concurrently and are answered in request order', async () => {
    const started: number[] = [];
    const finished: number[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const server = new JsonRpcServer<null>({
      wait: async (params) => {
        const n = (params as number[])[0] ?? 0;
        started.push(n);
        if (n === 1)
          await gate; // the first waits for the others to start
        else if (started.length === 3) release();
        finished.push(n);
        return n;
      },
    });
    const frame = [1, 2, 3].map((n) => ({ jsonrpc: '2.0', method: 'wait', params: [n], id: n }));
    await expect(server.handle(frame, null)).resolves.toEqual([
      { jsonrpc: '2.0', result: 1, id: 1 },
      { jsonrpc: '2.0', result: 2, id: 2 },
      { jsonrpc: '2.0', result: 3, id: 3 },
    ]);
    expect(started).toEqual([1, 2, 3]);
    expect(finished).toEqual([2, 3, 1]);
  });

  test('a decoded value whose members cannot be read is an Invalid Request', async () => {
    const { send } = setup();
    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new Error('trap');
        },
        getOwnPropertyDescriptor: () => {
          throw new Error('trap');
        },
        has: () => {
          throw new Error('trap');
        },
      },
    );
    await expect(send(hostile)).resolves.toEqual({
      jsonrpc: '2.0',
      error: { code: -32600, message: 'Invalid Request' },
      id: null,
    });
    await expect(send([hostile])).resolves.toEqual([
      { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null },
    ]);
  });
});
