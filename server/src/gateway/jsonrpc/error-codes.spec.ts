import { describe, expect, test } from '@jest/globals';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { DomainError, ErrorCode, rateLimited } from '../../domain/common/errors.js';
import {
  APPLICATION_CODE_MAX,
  APPLICATION_CODE_MIN,
  APPLICATION_CODES,
  ERROR_CODES,
  GRAPHQL_REQUEST_CODES,
  graphqlCodeOf,
  rpcCodeOf,
  rpcErrorFromGraphQL,
  rpcErrorFromUserErrors,
} from './error-codes.js';
import {
  INTERNAL_ERROR,
  INVALID_PARAMS,
  INVALID_REQUEST,
  JsonRpcError,
  METHOD_NOT_FOUND,
  PARSE_ERROR,
} from './json-rpc.js';

describe('rpcCodeOf / graphqlCodeOf', () => {
  test('cover every ErrorCode', () => {
    expect([...ERROR_CODES].sort()).toEqual(Object.keys(ErrorCode).sort());
  });

  test.each(Object.values(ErrorCode))('%s survives the round trip', (code) => {
    expect(graphqlCodeOf(rpcCodeOf(code))).toBe(code);
  });

  test('codes are unique, and application codes stay in -32099…-32000', () => {
    const codes = ERROR_CODES.map(rpcCodeOf);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of ERROR_CODES) {
      const rpc = rpcCodeOf(code);
      if (code === ErrorCode.INTERNAL_SERVER_ERROR) expect(rpc).toBe(INTERNAL_ERROR);
      else {
        expect(rpc).toBeGreaterThanOrEqual(APPLICATION_CODE_MIN);
        expect(rpc).toBeLessThanOrEqual(APPLICATION_CODE_MAX);
      }
    }
  });

  test('the published numbers do not change', () => {
    expect(Object.fromEntries(ERROR_CODES.map((code) => [code, rpcCodeOf(code)]))).toEqual({
      UNAUTHENTICATED: -32001,
      FORBIDDEN: -32003,
      NOT_FOUND: -32004,
      BAD_USER_INPUT: -32005,
      CONFLICT: -32009,
      STALE_LEASE: -32010,
      RATE_LIMITED: -32029,
      PLAN_PAUSED: -32030,
      INTERNAL_SERVER_ERROR: -32603,
    });
  });

  test('protocol codes other than -32603, and unused numbers, stand for no ErrorCode', () => {
    for (const rpc of [PARSE_ERROR, INVALID_REQUEST, METHOD_NOT_FOUND, INVALID_PARAMS]) {
      expect(graphqlCodeOf(rpc)).toBeUndefined();
    }
    for (const rpc of [-32000, -32002, -32099, 0, 1, -32603.5, NaN]) {
      expect(graphqlCodeOf(rpc)).toBeUndefined();
    }
  });

  test('an unmapped value (an ErrorCode added without a mapping, seen at run time) throws', () => {
    expect(() => rpcCodeOf('NEW_CODE' as ErrorCode)).toThrow(/no JSON-RPC code/);
  });
});

describe('APPLICATION_CODES', () => {
  test('one row per ErrorCode, agreeing with rpcCodeOf, each described', () => {
    expect(APPLICATION_CODES.map((row) => row.name)).toEqual(ERROR_CODES);
    for (const row of APPLICATION_CODES) {
      expect(row.code).toBe(rpcCodeOf(row.name));
      expect(row.meaning.length).toBeGreaterThan(5);
      expect(row.clientShould.length).toBeGreaterThan(5);
    }
  });

  test('says which codes a client may retry', () => {
    const retried = APPLICATION_CODES.filter((row) => row.retry).map((row) => row.name);
    expect(retried.sort()).toEqual(['INTERNAL_SERVER_ERROR', 'RATE_LIMITED', 'UNAUTHENTICATED']);
  });
});

describe('rpcErrorFromGraphQL', () => {
  const formatted = (message: string, extensions: Record<string, unknown>) =>
    ({ message, path: ['createProject'], extensions }) satisfies GraphQLFormattedError;

  test('the first error decides; field and retryAfterSeconds go to data', () => {
    const error = rpcErrorFromGraphQL([
      formatted('remoteUrl is not a git URL', { code: 'BAD_USER_INPUT', field: ['remoteUrl'] }),
      formatted('later', { code: 'FORBIDDEN' }),
    ]);
    expect(error).toBeInstanceOf(JsonRpcError);
    expect({ code: error.code, message: error.message, data: error.data }).toEqual({
      code: -32005,
      message: 'remoteUrl is not a git URL',
      data: { graphqlCode: 'BAD_USER_INPUT', field: ['remoteUrl'] },
    });
    const limited = rpcErrorFromGraphQL([
      formatted('too many attempts', { code: 'RATE_LIMITED', retryAfterSeconds: 30 }),
    ]);
    expect([limited.code, limited.data]).toEqual([
      -32029,
      { graphqlCode: 'RATE_LIMITED', retryAfterSeconds: 30 },
    ]);
  });

  test.each(Object.values(ErrorCode).filter((code) => code !== ErrorCode.INTERNAL_SERVER_ERROR))(
    '%s maps to its code with its message',
    (code) => {
      const error = rpcErrorFromGraphQL([formatted(`because ${code}`, { code })]);
      expect([error.code, error.message, error.data]).toEqual([
        rpcCodeOf(code),
        `because ${code}`,
        { graphqlCode: code },
      ]);
    },
  );

  test('stack traces and other private extensions never pass', () => {
    const error = rpcErrorFromGraphQL([
      formatted('gone', { code: 'NOT_FOUND', stacktrace: ['at x'], exception: { a: 1 } }),
    ]);
    expect(error.data).toEqual({ graphqlCode: 'NOT_FOUND' });
  });

  test('an internal error, or an error without a known code, is -32603 without its message', () => {
    for (const extensions of [
      { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at db.ts:1'] },
      { code: 'SOMETHING_ELSE' },
      {},
    ]) {
      const error = rpcErrorFromGraphQL([formatted('connect ECONNREFUSED 10.0.0.5', extensions)]);
      expect([error.code, error.message, error.data]).toEqual([
        INTERNAL_ERROR,
        'Internal error',
        { graphqlCode: 'INTERNAL_SERVER_ERROR' },
      ]);
    }
    expect(rpcErrorFromGraphQL([]).code).toBe(INTERNAL_ERROR);
  });

  test.each(GRAPHQL_REQUEST_CODES)('the request-level %s is Invalid params', (code) => {
    const error = rpcErrorFromGraphQL([formatted('Cannot query field "x"', { code })]);
    expect([error.code, error.data]).toEqual([INVALID_PARAMS, { graphqlCode: code }]);
  });

  test('a raw GraphQLError is read by its extensions, or by the DomainError behind it', () => {
    const raw = new GraphQLError('no such task', { extensions: { code: 'NOT_FOUND' } });
    expect(rpcErrorFromGraphQL([raw]).code).toBe(-32004);

    const limited = new GraphQLError('slow down', { originalError: rateLimited('slow down', 9) });
    expect([rpcErrorFromGraphQL([limited]).code, rpcErrorFromGraphQL([limited]).data]).toEqual([
      -32029,
      { graphqlCode: 'RATE_LIMITED', retryAfterSeconds: 9 },
    ]);

    const input = new GraphQLError('bad url', {
      originalError: new DomainError(ErrorCode.BAD_USER_INPUT, 'bad url', ['input', 'remoteUrl']),
    });
    expect(rpcErrorFromGraphQL([input]).data).toEqual({
      graphqlCode: 'BAD_USER_INPUT',
      field: ['input', 'remoteUrl'],
    });

    const bug = new GraphQLError('Cannot read properties of undefined', {
      originalError: new TypeError('Cannot read properties of undefined'),
    });
    expect([rpcErrorFromGraphQL([bug]).code, rpcErrorFromGraphQL([bug]).message]).toEqual([
      INTERNAL_ERROR,
      'Internal error',
    ]);
  });
});

describe('rpcErrorFromUserErrors', () => {
  test('the first userError decides code and message; all of them go to data', () => {
    const error = rpcErrorFromUserErrors([
      { code: ErrorCode.CONFLICT, field: ['name'], message: 'name is taken' },
      { code: ErrorCode.BAD_USER_INPUT, field: null, message: 'and something else' },
    ]);
    expect({ code: error.code, message: error.message, data: error.data }).toEqual({
      code: -32009,
      message: 'name is taken',
      data: {
        graphqlCode: 'CONFLICT',
        field: ['name'],
        userErrors: [
          { code: 'CONFLICT', field: ['name'], message: 'name is taken' },
          { code: 'BAD_USER_INPUT', field: null, message: 'and something else' },
        ],
      },
    });
  });

  test.each([ErrorCode.NOT_FOUND, ErrorCode.STALE_LEASE, ErrorCode.PLAN_PAUSED])(
    '%s uses the same mapping as GraphQL errors',
    (code) => {
      const error = rpcErrorFromUserErrors([{ code, message: 'no' }]);
      expect([error.code, error.data]).toEqual([
        rpcCodeOf(code),
        { graphqlCode: code, userErrors: [{ code, field: null, message: 'no' }] },
      ]);
    },
  );

  test('no userErrors at all is an internal error', () => {
    expect(rpcErrorFromUserErrors([]).code).toBe(INTERNAL_ERROR);
  });
});
