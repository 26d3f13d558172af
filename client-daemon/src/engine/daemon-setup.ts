import { TokenSource, SignedOutError } from '../auth/token-source.js';
import { readConfig, type Identity } from '../home/config.js';
import { openCredentials } from '../home/credentials.js';
import {
  createProvider,
  PROVIDERS,
  type Provider,
  type ProviderName,
} from '../providers/provider.js';
import type { LogLevel } from './logger.js';
import type { DaemonRun } from './prompts.js';
import { FixedToken, StudioCalls, type AccessTokens } from './studio-calls.js';

/** Connection settings, from the environment first, then config.toml. */
export interface Settings {
  readonly provider: ProviderName;
  readonly models: Record<string, string | undefined>;
  readonly command: string | undefined;
  readonly openaiBaseUrl: string | undefined;
  readonly logLevel: LogLevel;
  /**
   * REPO_ANALYSIS: the provider writes the architecture summary and names the patterns, or the
   * static analyzer alone.
   */
  readonly analysis: 'provider' | 'static';
}

/** A setting that cannot work (an unknown provider): exit code 1. */
export class SettingsError extends Error {}

/** An environment variable's value, unless it is unset or blank. */
function given(value: string | undefined): string | undefined {
  return value?.trim() ? value.trim() : undefined;
}

/** Settings for a daemon command: the environment first, then config.toml's [settings]. */
export function settingsOf(
  stored: Record<string, string>,
  env: NodeJS.ProcessEnv,
  provider: ProviderName | undefined,
): Settings {
  const named = provider ?? given(env.MAESTRO_PROVIDER) ?? stored.provider ?? 'claude';
  if (!(PROVIDERS as readonly string[]).includes(named)) {
    throw new SettingsError(
      `unknown provider "${named}" (MAESTRO_PROVIDER or maestro config set provider): use one of ${PROVIDERS.join(', ')}`,
    );
  }
  const level = given(env.MAESTRO_LOG_LEVEL) ?? stored['log.level'] ?? 'info';
  const analysis = given(env.MAESTRO_ANALYSIS) ?? stored.analysis ?? 'provider';
  if (analysis !== 'provider' && analysis !== 'static') {
    throw new SettingsError(
      `unknown analysis "${analysis}" (MAESTRO_ANALYSIS or maestro config set analysis): use provider or static`,
    );
  }
  return {
    provider: named as ProviderName,
    models: {
      HARD: stored['models.hard'],
      STANDARD: stored['models.standard'],
      EASY: stored['models.easy'],
    },
    command: given(env.MAESTRO_PROVIDER_COMMAND) ?? stored['provider.command'],
    openaiBaseUrl: given(env.OPENAI_BASE_URL) ?? stored['openai.base_url'],
    logLevel: (['debug', 'info', 'warn', 'error'].includes(level) ? level : 'info') as LogLevel,
    analysis,
  };
}

/** The session's provider; a REVIEW goes to the project's reviewer provider when it names one. */
export function providerChooser(settings: Settings): (run: DaemonRun) => Provider {
  const made = new Map<ProviderName, Provider>();
  const get = (name: ProviderName) => {
    let provider = made.get(name);
    if (!provider) {
      provider = createProvider(name, {
        ...(settings.command ? { command: settings.command } : {}),
        ...(settings.openaiBaseUrl ? { openaiBaseUrl: settings.openaiBaseUrl } : {}),
      });
      made.set(name, provider);
    }
    return provider;
  };
  return (run) => {
    const reviewer = run.project.reviewerProvider;
    if (
      run.purpose === 'REVIEW' &&
      reviewer &&
      (PROVIDERS as readonly string[]).includes(reviewer)
    ) {
      return get(reviewer as ProviderName);
    }
    return get(settings.provider);
  };
}

/** The model: Studio's choice for the run, the reviewer's, else the configured one for its tier. */
export function modelFor(run: DaemonRun, settings: Settings): string | undefined {
  if (run.model) return run.model;
  if (run.purpose === 'REVIEW' && run.project.reviewerModel) return run.project.reviewerModel;
  return settings.models[run.tier];
}

/**
 * The calls for one Studio: MAESTRO_TOKEN (an API token, for CI bots) when set, else this
 * machine's identity on that Studio with its renewing tokens.
 */
export async function callsForStudio(
  home: string,
  env: NodeJS.ProcessEnv,
  studio: string,
  warn: (line: string) => void,
): Promise<{ calls: StudioCalls; identity: Identity | undefined }> {
  const config = await readConfig(home);
  const identity = config.identities.find((one) => one.studio === studio);
  const fixed = env.MAESTRO_TOKEN?.trim();
  let tokens: AccessTokens;
  if (fixed) tokens = new FixedToken(fixed);
  else if (identity) tokens = new TokenSource(identity, await openCredentials(home, warn, env));
  else throw new SignedOutError(`this machine has no identity on ${studio}`);
  return { calls: new StudioCalls(studio, tokens), identity };
}

/** settingsOf for a command: an unusable setting is said on stderr and is undefined (exit 1). */
export function commandSettings(
  stored: Record<string, string>,
  env: NodeJS.ProcessEnv,
  provider: ProviderName | undefined,
  err: (line: string) => void,
): Settings | undefined {
  try {
    return settingsOf(stored, env, provider);
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    err(error.message);
    return undefined;
  }
}
