import { createHmac } from 'node:crypto';
import path from 'node:path';

/**
 * The validated configuration of one Studio process. It is read once, in main.ts, from the
 * environment; nothing else in the server reads process.env.
 */
export interface Config {
  readonly port: number;
  readonly host: string;
  /** PostgreSQL connection string; undefined selects the embedded PGlite database. */
  readonly databaseUrl: string | undefined;
  /** Absolute path of the embedded data directory (PGlite cluster, generated secret). */
  readonly dataDir: string;
  /** Redis connection string; undefined selects in-process pub/sub (single replica only). */
  readonly redisUrl: string | undefined;
  /** Key material for tokens; undefined only in embedded mode, where it is generated once. */
  readonly secret: string | undefined;
  readonly logLevel: LogLevel;
  readonly production: boolean;
  readonly gatewayKey: string;
  /** The largest frame the compatibility gateway accepts, in bytes (MAESTRO_GATEWAY_MAX_MESSAGE_BYTES). */
  readonly gatewayMaxMessageBytes: number;
  readonly openai: OpenAiConfig | undefined;
  /** An OpenAI-compatible embeddings endpoint; undefined selects the built-in lexical embedder. */
  readonly embeddings: EmbeddingsConfig | undefined;
  /** Directory holding the built dashboard (adapter-node output); undefined disables it. */
  readonly webDir: string | undefined;
  /** GraphQL limits set in the environment; the rest keep their defaults (docs/api.md, "Limits and cost"). */
  readonly graphqlLimits: GraphQLLimitOverrides;
  /** Earlier secrets whose tokens still verify until they expire (key rotation). */
  readonly previousSecrets: readonly string[];
  /** Failed sign-ins allowed per account, and per client address, in 15 minutes. */
  readonly loginLimits: { readonly perAccount: number; readonly perAddress: number };
  /** Express `trust proxy`: how many proxies to trust for the client address (0 = none). */
  readonly trustProxy: number;
  /** The address people reach Studio at, for setup and invite links; default http://HOST:PORT. */
  readonly publicUrl: string | undefined;
  /** Workers one lead may have in flight: its team's size and its open delegated runs. */
  readonly leadWorkerCap: number;
}

/** Overrides of the GraphQL API's limits; the defaults live with the limits themselves. */
export interface GraphQLLimitOverrides {
  readonly maxTokens?: number;
  readonly maxDepth?: number;
  readonly maxAliases?: number;
  readonly maxCost?: number;
}

export interface OpenAiConfig {
  readonly baseUrl: string;
  readonly apiKey: string | undefined;
  readonly models: { readonly hard?: string; readonly standard?: string; readonly easy?: string };
}

export interface EmbeddingsConfig {
  /** MAESTRO_EMBEDDINGS_URL: the API's base URL; Studio POSTs to `{baseUrl}/embeddings`. */
  readonly baseUrl: string;
  /** MAESTRO_EMBEDDINGS_MODEL (default text-embedding-3-small); must accept `dimensions: 384`. */
  readonly model: string;
  /** MAESTRO_EMBEDDINGS_API_KEY, sent as a bearer token; none when unset. */
  readonly apiKey: string | undefined;
}

/** The embeddings model asked for when MAESTRO_EMBEDDINGS_URL is set and no model is named. */
export const DEFAULT_EMBEDDINGS_MODEL = 'text-embedding-3-small';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A configuration value that cannot be used. `variable` is the environment variable's name. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly problem: string,
  ) {
    super(`${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

const MIN_SECRET_LENGTH = 32;

/**
 * Parses and validates the environment. Throws a ConfigError naming the first bad variable;
 * reading the configuration never touches the file system or the network.
 */
export function loadConfig(env: Env, cwd: string = process.cwd()): Config {
  const databaseUrl = optionalUrl(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  const secret = blankToUndefined(env.MAESTRO_SECRET);
  if (secret !== undefined && secret.length < MIN_SECRET_LENGTH) {
    throw new ConfigError('MAESTRO_SECRET', `must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  if (databaseUrl !== undefined && secret === undefined) {
    throw new ConfigError(
      'MAESTRO_SECRET',
      'is required when DATABASE_URL is set (it is generated only for the embedded database)',
    );
  }
  const openaiBase = optionalUrl(env, 'OPENAI_BASE_URL', ['http:', 'https:']);
  return {
    port: integer(env, 'PORT', 4000, 0, 65535),
    host: host(env, 'HOST', '127.0.0.1'),
    databaseUrl,
    dataDir: path.resolve(cwd, blankToUndefined(env.MAESTRO_DATA_DIR) ?? '.maestro'),
    redisUrl: optionalUrl(env, 'REDIS_URL', ['redis:', 'rediss:']),
    secret,
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    production: blankToUndefined(env.NODE_ENV) === 'production',
    gatewayKey: gatewayKey(env),
    gatewayMaxMessageBytes: integer(
      env,
      'MAESTRO_GATEWAY_MAX_MESSAGE_BYTES',
      10_240,
      1024,
      1_048_576,
    ),
    openai:
      openaiBase === undefined
        ? undefined
        : {
            baseUrl: openaiBase,
            apiKey: blankToUndefined(env.OPENAI_API_KEY),
            models: {
              hard: blankToUndefined(env.MAESTRO_MODEL_HARD),
              standard: blankToUndefined(env.MAESTRO_MODEL_STANDARD),
              easy: blankToUndefined(env.MAESTRO_MODEL_EASY),
            },
          },
    embeddings: embeddings(env),
    webDir: blankToUndefined(env.MAESTRO_WEB_DIR),
    graphqlLimits: graphqlLimits(env),
    previousSecrets: previousSecrets(env),
    loginLimits: {
      perAccount: integer(env, 'MAESTRO_LOGIN_MAX_FAILURES', 5, 1, 1000),
      perAddress: integer(env, 'MAESTRO_LOGIN_MAX_FAILURES_PER_ADDRESS', 30, 1, 100_000),
    },
    trustProxy: integer(env, 'MAESTRO_TRUST_PROXY', 0, 0, 10),
    publicUrl: optionalUrl(env, 'MAESTRO_PUBLIC_URL', ['http:', 'https:'])?.replace(/\/+$/, ''),
    leadWorkerCap: integer(env, 'MAESTRO_LEAD_WORKER_CAP', 8, 1, 256),
  };
}

function previousSecrets(env: Env): string[] {
  const raw = blankToUndefined(env.MAESTRO_SECRET_PREVIOUS);
  if (raw === undefined) return [];
  const secrets = raw
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  if (secrets.some((secret) => secret.length < MIN_SECRET_LENGTH)) {
    throw new ConfigError(
      'MAESTRO_SECRET_PREVIOUS',
      `must be a comma-separated list of secrets of at least ${MIN_SECRET_LENGTH} characters each`,
    );
  }
  return secrets;
}

function embeddings(env: Env): EmbeddingsConfig | undefined {
  const baseUrl = optionalUrl(env, 'MAESTRO_EMBEDDINGS_URL', ['http:', 'https:']);
  const model = blankToUndefined(env.MAESTRO_EMBEDDINGS_MODEL);
  const apiKey = blankToUndefined(env.MAESTRO_EMBEDDINGS_API_KEY);
  if (baseUrl === undefined) {
    // A model or key without an endpoint would be ignored without a word: refuse it instead.
    if (model !== undefined) {
      throw new ConfigError(
        'MAESTRO_EMBEDDINGS_MODEL',
        'is set but MAESTRO_EMBEDDINGS_URL is not (without it the built-in local embedder is used)',
      );
    }
    if (apiKey !== undefined) {
      throw new ConfigError(
        'MAESTRO_EMBEDDINGS_API_KEY',
        'is set but MAESTRO_EMBEDDINGS_URL is not (without it the built-in local embedder is used)',
      );
    }
    return undefined;
  }
  if (model !== undefined && !/^[\x21-\x7e]{1,200}$/.test(model)) {
    throw new ConfigError(
      'MAESTRO_EMBEDDINGS_MODEL',
      `must be a model name of 1-200 visible characters without spaces, got ${quote(model)}`,
    );
  }
  if (model === 'local-lexical-v1') {
    throw new ConfigError(
      'MAESTRO_EMBEDDINGS_MODEL',
      'names the built-in local embedder: unset MAESTRO_EMBEDDINGS_URL to use it',
    );
  }
  return { baseUrl: baseUrl.replace(/\/+$/, ''), model: model ?? DEFAULT_EMBEDDINGS_MODEL, apiKey };
}

function graphqlLimits(env: Env): GraphQLLimitOverrides {
  const limits: Record<string, number> = {};
  const read = (key: keyof GraphQLLimitOverrides, name: string, min: number, max: number) => {
    if (blankToUndefined(env[name]) !== undefined) limits[key] = integer(env, name, 0, min, max);
  };
  read('maxTokens', 'MAESTRO_GRAPHQL_MAX_TOKENS', 1, 1_000_000);
  read('maxDepth', 'MAESTRO_GRAPHQL_MAX_DEPTH', 1, 1_000);
  read('maxAliases', 'MAESTRO_GRAPHQL_MAX_ALIASES', 0, 100_000);
  read('maxCost', 'MAESTRO_GRAPHQL_MAX_COST', 1, 1_000_000_000);
  return limits;
}

function blankToUndefined(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = blankToUndefined(env[name]);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `must be an integer from ${min} to ${max}, got ${quote(raw)}`);
  }
  return Number(raw);
}

function host(env: Env, name: string, fallback: string): string {
  const raw = blankToUndefined(env[name]);
  if (raw === undefined) return fallback;
  if (!/^[A-Za-z0-9.:\-[\]]+$/.test(raw)) {
    throw new ConfigError(name, `must be a host name or IP address, got ${quote(raw)}`);
  }
  return raw;
}

function optionalUrl(env: Env, name: string, protocols: readonly string[]): string | undefined {
  const raw = blankToUndefined(env[name]);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `is not a valid URL (expected ${expected(protocols)})`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(
      name,
      `must use ${expected(protocols)}, got ${quote(parsed.protocol.replace(/:$/, '') + '://')}`,
    );
  }
  if (parsed.hostname === '' && parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError(name, 'has no host');
  }
  return raw;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = blankToUndefined(env[name]);
  if (raw === undefined) return fallback;
  const match = allowed.find((value) => value === raw.toLowerCase());
  if (match === undefined) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got ${quote(raw)}`);
  }
  return match;
}

function gatewayKey(env: Env): string {
  const raw = blankToUndefined(env.MAESTRO_GATEWAY_KEY) ?? 'maestro';
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(raw)) {
    throw new ConfigError('MAESTRO_GATEWAY_KEY', 'must be 1-64 letters, digits, "-" or "_"');
  }
  return raw;
}

/**
 * The key that signs Pusher channel subscriptions (POST /broadcasting/auth) and verifies them
 * on /app/:key: HMAC-SHA256, keyed with the resolved MAESTRO_SECRET, of the fixed label
 * `maestro/pusher-gateway/v1`, hex-encoded. Derived, not configured, so every replica sharing
 * MAESTRO_SECRET agrees, and a leak of it does not reveal the token-signing secret. No earlier
 * secrets are kept for it: a signature lives only from the auth request to the subscribe.
 */
export function gatewaySecret(secret: string): string {
  return createHmac('sha256', secret).update('maestro/pusher-gateway/v1').digest('hex');
}

function expected(protocols: readonly string[]): string {
  return protocols.map((p) => `${p}//`).join(' or ');
}

/** Quotes a value for an error message without echoing secrets embedded in URLs. */
function quote(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
}
