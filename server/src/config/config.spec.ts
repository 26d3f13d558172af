import { createHmac } from 'node:crypto';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { ConfigError, gatewaySecret, loadConfig } from './config.js';

const SECRET = 'x'.repeat(32);

function problem(env: Record<string, string>): { variable: string; message: string } {
  try {
    loadConfig(env, '/srv/maestro');
  } catch (error) {
    if (error instanceof ConfigError) return { variable: error.variable, message: error.message };
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  test('defaults describe a single embedded Studio on loopback', () => {
    const config = loadConfig({}, '/srv/maestro');
    expect(config).toMatchObject({
      port: 4000,
      host: '127.0.0.1',
      databaseUrl: undefined,
      redisUrl: undefined,
      dataDir: path.resolve('/srv/maestro', '.maestro'),
      logLevel: 'info',
      gatewayKey: 'maestro',
      gatewayMaxMessageBytes: 10_240,
      production: false,
      openai: undefined,
      embeddings: undefined,
      graphqlLimits: {},
    });
  });

  test('embeddings: unset is the local embedder; a URL selects an OpenAI-compatible endpoint', () => {
    expect(loadConfig({}).embeddings).toBeUndefined();
    expect(loadConfig({ MAESTRO_EMBEDDINGS_URL: 'http://127.0.0.1:11434/v1/' }).embeddings).toEqual(
      { baseUrl: 'http://127.0.0.1:11434/v1', model: 'text-embedding-3-small', apiKey: undefined },
    );
    expect(
      loadConfig({
        MAESTRO_EMBEDDINGS_URL: 'https://api.openai.com/v1',
        MAESTRO_EMBEDDINGS_MODEL: 'nomic-embed-text:latest',
        MAESTRO_EMBEDDINGS_API_KEY: 'sk-embed',
      }).embeddings,
    ).toEqual({
      baseUrl: 'https://api.openai.com/v1',
      model: 'nomic-embed-text:latest',
      apiKey: 'sk-embed',
    });
    // blank values are unset, like every other variable
    expect(
      loadConfig({ MAESTRO_EMBEDDINGS_URL: ' ', MAESTRO_EMBEDDINGS_MODEL: '' }).embeddings,
    ).toBeUndefined();
  });

  test('reads every supported variable', () => {
    const config = loadConfig(
      {
        PORT: '8080',
        HOST: '0.0.0.0',
        DATABASE_URL: 'postgres://u:p@db:5432/app',
        REDIS_URL: 'redis://cache:6379',
        MAESTRO_SECRET: SECRET,
        MAESTRO_DATA_DIR: 'data',
        LOG_LEVEL: 'DEBUG',
        NODE_ENV: 'production',
        MAESTRO_GATEWAY_KEY: 'key-1',
        MAESTRO_GATEWAY_MAX_MESSAGE_BYTES: '65536',
        OPENAI_BASE_URL: 'http://127.0.0.1:9999/v1',
        OPENAI_API_KEY: 'sk-test',
        MAESTRO_MODEL_HARD: 'big',
        MAESTRO_GRAPHQL_MAX_TOKENS: '5000',
        MAESTRO_GRAPHQL_MAX_DEPTH: '20',
        MAESTRO_GRAPHQL_MAX_ALIASES: '0',
        MAESTRO_GRAPHQL_MAX_COST: '50000',
        MAESTRO_EMBEDDINGS_URL: 'http://127.0.0.1:9998/v1',
        MAESTRO_EMBEDDINGS_MODEL: 'embed-small',
        MAESTRO_EMBEDDINGS_API_KEY: 'sk-embed',
      },
      '/srv/maestro',
    );
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      databaseUrl: 'postgres://u:p@db:5432/app',
      redisUrl: 'redis://cache:6379',
      secret: SECRET,
      dataDir: '/srv/maestro/data',
      logLevel: 'debug',
      production: true,
      gatewayKey: 'key-1',
      gatewayMaxMessageBytes: 65_536,
      openai: { baseUrl: 'http://127.0.0.1:9999/v1', apiKey: 'sk-test', models: { hard: 'big' } },
      graphqlLimits: { maxTokens: 5000, maxDepth: 20, maxAliases: 0, maxCost: 50000 },
      embeddings: { baseUrl: 'http://127.0.0.1:9998/v1', model: 'embed-small', apiKey: 'sk-embed' },
    });
  });

  test('blank values count as unset', () => {
    expect(loadConfig({ PORT: ' ', DATABASE_URL: '' }).port).toBe(4000);
    expect(loadConfig({ MAESTRO_GRAPHQL_MAX_COST: ' ' }).graphqlLimits).toEqual({});
  });

  test('GraphQL limits are overridden one by one', () => {
    expect(loadConfig({ MAESTRO_GRAPHQL_MAX_COST: '20000' }).graphqlLimits).toEqual({
      maxCost: 20000,
    });
  });

  test.each([
    [{ PORT: 'abc' }, 'PORT', 'must be an integer from 0 to 65535, got "abc"'],
    [{ PORT: '70000' }, 'PORT', 'got "70000"'],
    [{ PORT: '-1' }, 'PORT', 'got "-1"'],
    [{ PORT: '80.5' }, 'PORT', 'got "80.5"'],
    [{ HOST: 'bad host!' }, 'HOST', 'must be a host name or IP address'],
    [{ DATABASE_URL: 'not a url', MAESTRO_SECRET: SECRET }, 'DATABASE_URL', 'is not a valid URL'],
    [
      { DATABASE_URL: 'mysql://db/app', MAESTRO_SECRET: SECRET },
      'DATABASE_URL',
      'must use postgres:// or postgresql://',
    ],
    [
      { DATABASE_URL: 'postgres://db/app' },
      'MAESTRO_SECRET',
      'is required when DATABASE_URL is set',
    ],
    [{ MAESTRO_SECRET: 'short' }, 'MAESTRO_SECRET', 'at least 32 characters'],
    [{ REDIS_URL: 'http://cache' }, 'REDIS_URL', 'must use redis:// or rediss://'],
    [{ REDIS_URL: '::' }, 'REDIS_URL', 'is not a valid URL'],
    [
      { LOG_LEVEL: 'loud' },
      'LOG_LEVEL',
      'must be one of fatal, error, warn, info, debug, trace, silent',
    ],
    [{ MAESTRO_GATEWAY_KEY: 'a b' }, 'MAESTRO_GATEWAY_KEY', 'letters, digits'],
    [
      { MAESTRO_GATEWAY_MAX_MESSAGE_BYTES: '1023' },
      'MAESTRO_GATEWAY_MAX_MESSAGE_BYTES',
      'must be an integer from 1024 to 1048576, got "1023"',
    ],
    [
      { MAESTRO_GATEWAY_MAX_MESSAGE_BYTES: '1048577' },
      'MAESTRO_GATEWAY_MAX_MESSAGE_BYTES',
      'got "1048577"',
    ],
    [
      { MAESTRO_GATEWAY_MAX_MESSAGE_BYTES: '10kb' },
      'MAESTRO_GATEWAY_MAX_MESSAGE_BYTES',
      'got "10kb"',
    ],
    [{ OPENAI_BASE_URL: 'ftp://x' }, 'OPENAI_BASE_URL', 'must use http:// or https://'],
    [
      { MAESTRO_EMBEDDINGS_URL: 'ftp://embed' },
      'MAESTRO_EMBEDDINGS_URL',
      'must use http:// or https://',
    ],
    [{ MAESTRO_EMBEDDINGS_URL: 'not a url' }, 'MAESTRO_EMBEDDINGS_URL', 'is not a valid URL'],
    [
      { MAESTRO_EMBEDDINGS_MODEL: 'text-embedding-3-small' },
      'MAESTRO_EMBEDDINGS_MODEL',
      'is set but MAESTRO_EMBEDDINGS_URL is not',
    ],
    [
      { MAESTRO_EMBEDDINGS_API_KEY: 'sk-x' },
      'MAESTRO_EMBEDDINGS_API_KEY',
      'is set but MAESTRO_EMBEDDINGS_URL is not',
    ],
    [
      { MAESTRO_EMBEDDINGS_URL: 'http://e/v1', MAESTRO_EMBEDDINGS_MODEL: 'two words' },
      'MAESTRO_EMBEDDINGS_MODEL',
      'without spaces, got "two words"',
    ],
    [
      { MAESTRO_EMBEDDINGS_URL: 'http://e/v1', MAESTRO_EMBEDDINGS_MODEL: 'local-lexical-v1' },
      'MAESTRO_EMBEDDINGS_MODEL',
      'names the built-in local embedder',
    ],
    [{ MAESTRO_GRAPHQL_MAX_DEPTH: '0' }, 'MAESTRO_GRAPHQL_MAX_DEPTH', 'from 1 to 1000, got "0"'],
    [{ MAESTRO_GRAPHQL_MAX_COST: '1e4' }, 'MAESTRO_GRAPHQL_MAX_COST', 'must be an integer'],
    [{ MAESTRO_GRAPHQL_MAX_TOKENS: '-1' }, 'MAESTRO_GRAPHQL_MAX_TOKENS', 'got "-1"'],
  ])('%j is refused, naming %s', (env, variable, fragment) => {
    const result = problem(env);
    expect(result.variable).toBe(variable);
    expect(result.message.startsWith(`${variable} `)).toBe(true);
    expect(result.message).toContain(fragment);
    expect(result.message).not.toContain('\n');
  });

  test('the gateway cap takes its bounds inclusive', () => {
    expect(loadConfig({ MAESTRO_GATEWAY_MAX_MESSAGE_BYTES: '1024' }).gatewayMaxMessageBytes).toBe(
      1024,
    );
    expect(
      loadConfig({ MAESTRO_GATEWAY_MAX_MESSAGE_BYTES: '1048576' }).gatewayMaxMessageBytes,
    ).toBe(1_048_576);
  });

  test('the gateway secret is derived from MAESTRO_SECRET: stable, distinct, not the secret', () => {
    const derived = gatewaySecret(SECRET);
    expect(derived).toBe(
      createHmac('sha256', SECRET).update('maestro/pusher-gateway/v1').digest('hex'),
    );
    expect(gatewaySecret(SECRET)).toBe(derived);
    expect(gatewaySecret('y'.repeat(32))).not.toBe(derived);
    expect(derived).not.toContain(SECRET);
  });

  test('a bad URL is not echoed back, since it may carry a password', () => {
    const result = problem({ DATABASE_URL: 'postgres//user:hunter2@db', MAESTRO_SECRET: SECRET });
    expect(result.message).not.toContain('hunter2');
    const embeddings = problem({ MAESTRO_EMBEDDINGS_URL: 'ftp://user:hunter2@embed' });
    expect(embeddings.message).not.toContain('hunter2');
  });
});
