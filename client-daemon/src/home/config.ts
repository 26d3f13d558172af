import { readFile } from 'node:fs/promises';
import { parse, stringify } from 'smol-toml';
import { ensureHome, homePaths, writePrivate } from './paths.js';

/** Who this machine acts as on one Studio (tokens are in the credential store, not here). */
export interface Identity {
  readonly studio: string;
  readonly userId: string;
  readonly userName: string;
  readonly email: string;
  readonly workspaceId: string;
  readonly workspaceName: string;
}

/** config.toml: the Studios and identities side by side, the current one, and settings. */
export interface DaemonConfig {
  /** The Studio used when a command gets no --studio. */
  studio?: string;
  identities: Identity[];
  settings: Record<string, string>;
}

/** Settings `maestro config get|set` knows, with what each accepts. */
export const SETTINGS: Readonly<Record<string, { describe: string; accepts: RegExp }>> = {
  studio: { describe: 'the default Studio URL', accepts: /^https?:\/\/\S+$/ },
  provider: {
    describe: 'the default provider (claude, codex, gemini, aider, openai, manual, command)',
    accepts: /^(claude|codex|gemini|aider|openai|manual|command)$/,
  },
  'models.hard': {
    describe: 'the model for planning, analysis and re-planning',
    accepts: /^\S{1,200}$/,
  },
  'models.standard': { describe: 'the model for execution', accepts: /^\S{1,200}$/ },
  'models.easy': {
    describe: 'the model for reviews and comment evaluation',
    accepts: /^\S{1,200}$/,
  },
  analysis: {
    describe:
      'provider (the provider writes the architecture summary and names the patterns, from the static facts and the code) or static (the static analyzer alone)',
    accepts: /^(provider|static)$/,
  },
  'log.level': { describe: 'debug, info, warn or error', accepts: /^(debug|info|warn|error)$/ },
  'provider.command': {
    describe:
      'the command the command provider runs, with {prompt}, {promptFile}, {model}, {workdir} and {purpose} replaced',
    accepts: /^(?=[\s\S]*\S)[\s\S]{1,2000}$/,
  },
  'openai.base_url': {
    describe: 'an OpenAI-compatible API for the openai provider (default: OpenAI’s own)',
    accepts: /^https?:\/\/\S+$/,
  },
};

/** The identity key of an account in the credential store: one per Studio and user. */
export function accountOf(identity: Pick<Identity, 'studio' | 'userId'>): string {
  return `${identity.studio}#${identity.userId}`;
}

export async function readConfig(home: string): Promise<DaemonConfig> {
  let text: string;
  try {
    text = await readFile(homePaths(home).config, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { identities: [], settings: {} };
    throw error;
  }
  let raw: Record<string, unknown>;
  try {
    raw = parse(text);
  } catch (error) {
    throw new Error(`${homePaths(home).config} is not valid TOML: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return {
    ...(typeof raw.studio === 'string' ? { studio: raw.studio } : {}),
    identities: Array.isArray(raw.identities) ? (raw.identities as Identity[]) : [],
    settings:
      raw.settings && typeof raw.settings === 'object'
        ? Object.fromEntries(
            Object.entries(raw.settings as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
          )
        : {},
  };
}

export async function writeConfig(home: string, config: DaemonConfig): Promise<void> {
  await ensureHome(home);
  const doc: Record<string, unknown> = {
    ...(config.studio ? { studio: config.studio } : {}),
    settings: config.settings,
    identities: config.identities,
  };
  await writePrivate(homePaths(home).config, stringify(doc));
}

/** Adds or replaces the identity for its Studio and user; that Studio becomes the default. */
export function withIdentity(config: DaemonConfig, identity: Identity): DaemonConfig {
  return {
    ...config,
    studio: identity.studio,
    identities: [
      ...config.identities.filter((one) => accountOf(one) !== accountOf(identity)),
      identity,
    ],
  };
}
