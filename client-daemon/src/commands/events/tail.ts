import { Args, Command, Flags } from '@oclif/core';
import { followProjectEvents } from '../../connection/event-follower.js';
import { StudioClient, StudioError } from '../../connection/studio-client.js';
import type { EventFieldsFragment } from '../../generated/graphql.js';

export interface TailOptions {
  readonly studio: string;
  /** An API token or access token; undefined sends no credentials. */
  readonly token: string | undefined;
  readonly projectId: string;
  readonly after: number | undefined;
  readonly limit: number | undefined;
  readonly json: boolean;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly signal: AbortSignal;
}

/** Exit codes (CONVENTIONS): 0 ok, 1 error, 2 cancelled, 4 authentication. */
export type TailExit = 0 | 1 | 2 | 4;

const AUTHENTICATION_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN']);

/** Prints a project's events as they are committed; the engine behind `maestro events tail`. */
export async function runEventsTail(options: TailOptions): Promise<TailExit> {
  const client = new StudioClient(options.studio, options.token);
  const done = new AbortController();
  options.signal.addEventListener('abort', () => done.abort(), { once: true });
  let printed = 0;
  try {
    await followProjectEvents({
      client,
      projectId: options.projectId,
      after: options.after,
      signal: done.signal,
      onEvent: (event) => {
        options.out(options.json ? JSON.stringify(event) : formatEvent(event));
        printed++;
        if (options.limit !== undefined && printed >= options.limit) done.abort();
      },
      onStatus: (status) => {
        if (status.state === 'live')
          options.err(`following ${options.projectId} after seq ${status.after}`);
        else options.err(`${status.reason}; reconnecting in ${(status.inMs / 1000).toFixed(1)} s`);
      },
    });
    return options.signal.aborted ? 2 : 0;
  } catch (error) {
    options.err(
      error instanceof StudioError
        ? `error: ${error.message}${error.code ? ` (${error.code})` : ''}`
        : `error: ${String(error)}`,
    );
    return error instanceof StudioError && AUTHENTICATION_CODES.has(error.code ?? '') ? 4 : 1;
  } finally {
    await client.close();
  }
}

export function formatEvent(event: EventFieldsFragment): string {
  return `#${event.seq}\t${event.type}\t${event.occurredAt}\t${JSON.stringify(event.payload)}`;
}

export default class EventsTail extends Command {
  static override summary = "Print a project's events as they happen.";
  static override description =
    'Replays the event log after --after (or starts from now), then follows it live. ' +
    'Reconnects with backoff and resumes from the last event printed, so none is lost or repeated.';

  static override examples = [
    'MAESTRO_TOKEN=mtk_… <%= config.bin %> events tail prj_0351IPqWADLLw0p4e4Y4JB',
    '<%= config.bin %> events tail prj_0351IPqWADLLw0p4e4Y4JB --after 0 --json | jq .type',
    '<%= config.bin %> events tail prj_0351IPqWADLLw0p4e4Y4JB --studio https://studio.example.com --limit 10',
  ];

  static override args = {
    project: Args.string({ description: 'Project id (prj_…)', required: true }),
  };

  static override flags = {
    studio: Flags.string({
      description: 'Studio base URL',
      env: 'MAESTRO_STUDIO_URL',
      default: 'http://127.0.0.1:4000',
    }),
    token: Flags.string({
      description: 'An API token (mtk_…) or access token; created in Studio under API tokens',
      env: 'MAESTRO_TOKEN',
    }),
    after: Flags.integer({
      description: 'Replay events after this sequence number first (0 = the whole log)',
      min: 0,
    }),
    limit: Flags.integer({ description: 'Exit after printing this many events', min: 1 }),
    json: Flags.boolean({ description: 'One JSON object per event (NDJSON)', default: false }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(EventsTail);
    const interrupted = new AbortController();
    const onSignal = () => interrupted.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const code = await runEventsTail({
      studio: flags.studio,
      token: flags.token,
      projectId: args.project,
      after: flags.after,
      limit: flags.limit,
      json: flags.json,
      out: (line) => process.stdout.write(`${line}\n`),
      err: (line) => process.stderr.write(`${line}\n`),
      signal: interrupted.signal,
    });
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (code !== 0) this.exit(code);
  }
}
