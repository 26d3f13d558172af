import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import WebSocket from 'ws';
import { startTestServer, type TestServer } from './support/test-server.js';

describe('the HTTP surface', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  test('/healthz answers while the process is alive', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  test('/readyz reports the database and the bus', async () => {
    const response = await fetch(`${server.url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ready',
      checks: { database: 'ok', pubsub: 'ok' },
    });
  });

  test('/metrics serves Prometheus text with our request and event metrics', async () => {
    await server.factory.project();
    const response = await fetch(`${server.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toMatch(
      /maestro_http_request_duration_seconds_count\{[^}]*route="\/graphql"[^}]*\} \d+/,
    );
    expect(text).toMatch(/maestro_graphql_operations_total\{type="mutation",outcome="ok"\} \d+/);
    expect(text).toMatch(/maestro_events_appended_total\{type="ProjectCreated"\} [1-9]/);
  });

  test('a request id is taken from X-Request-Id when sane, otherwise made up, and echoed', async () => {
    const given = await fetch(`${server.url}/healthz`, {
      headers: { 'x-request-id': 'trace-123' },
    });
    expect(given.headers.get('x-request-id')).toBe('trace-123');
    const made = await fetch(`${server.url}/healthz`, {
      headers: { 'x-request-id': 'has spaces and ' + 'x'.repeat(200) },
    });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('POST /graphql answers { __typename }', async () => {
    const response = await server.request('{ __typename }');
    expect(response).toMatchObject({ status: 200, data: { __typename: 'Query' } });
  });

  test('a syntax error is GRAPHQL_PARSE_FAILED; an unknown field GRAPHQL_VALIDATION_FAILED', async () => {
    const parse = await server.request('{ workspaces { ');
    expect(parse.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    const validation = await server.request('{ nope }');
    expect(validation.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(validation.errors?.[0]?.message).toContain('Cannot query field "nope"');
  });

  test('an operation name the document does not define is a 400 (OPERATION_RESOLUTION_FAILURE) naming it, not a 500', async () => {
    const post = (body: Record<string, unknown>) =>
      fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    type Body = { errors?: Array<{ message: string; extensions: { code: string } }> };
    const unknown = await post({ query: '{ __typename }', operationName: 'Me' });
    const body = (await unknown.json()) as Body;
    expect(unknown.status).toBe(400);
    expect(body.errors?.[0]?.extensions.code).toBe('OPERATION_RESOLUTION_FAILURE');
    expect(body.errors?.[0]?.message).toContain('"Me"');

    // two operations and no name: which one is meant is missing
    const ambiguous = await post({ query: 'query A { __typename } query B { __typename }' });
    expect(ambiguous.status).toBe(400);
    expect(((await ambiguous.json()) as Body).errors?.[0]?.extensions.code).toBe(
      'OPERATION_RESOLUTION_FAILURE',
    );

    // the same document with a name it defines still runs
    const named = await post({
      query: 'query A { __typename } query B { __typename }',
      operationName: 'B',
    });
    expect(named.status).toBe(200);
  });

  test('a malformed JSON body is a 400 with a JSON error, not an HTML page', async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": ',
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: Array<{ extensions: { code: string } }> };
    expect(body.errors[0]?.extensions.code).toBe('BAD_REQUEST');
  });

  test('simple cross-site requests are refused (Apollo CSRF prevention)', async () => {
    const response = await fetch(
      `${server.url}/graphql?query=${encodeURIComponent('{ __typename }')}`,
    );
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('CSRF');
  });

  test('unknown paths are a JSON 404', async () => {
    const response = await fetch(`${server.url}/nowhere`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'not found' });
  });

  test('websocket upgrades are only accepted on /graphql', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const socket = new WebSocket(`${server.url.replace('http', 'ws')}/elsewhere`);
      socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.on('open', () => reject(new Error('upgrade accepted')));
      socket.on('error', () => undefined);
    });
    expect(status).toBe(404);
  });
});
