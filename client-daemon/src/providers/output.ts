/** What a provider's output amounted to, once it has exited. */
export interface ProviderOutcome {
  /** The provider's own final text (Claude's `result`, Codex's last agent message). */
  readonly text: string;
  readonly tokensIn: number;
  readonly tokensOut: number;
  readonly costUsd: number;
  readonly model: string | undefined;
  /** The provider reported failure in its output (whatever its exit code). */
  readonly failed: string | undefined;
  /**
   * A rate limit: when the provider may be asked again (the run pauses until then). For plain
   * providers it is read from the last lines and only means something when the process failed.
   */
  readonly rateLimitedUntil: Date | undefined;
}

/** What one line of output means while the run goes on. */
export interface LineReading {
  /** Text for the run's console (appendRunOutput), in order. */
  readonly display: readonly string[];
  /** `MAESTRO:SUBTASK{…}` directives found, as the JSON text after the marker. */
  readonly subtasks: readonly string[];
}

/** Reads a provider's stdout line by line and sums it up at the end. */
export interface OutputReader {
  line(text: string): LineReading;
  outcome(): ProviderOutcome;
}

const SUBTASK = /^\s*MAESTRO:SUBTASK(\{.*\})\s*$/;

/** The subtask directives in a piece of text, one per line. */
export function subtasksIn(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => SUBTASK.exec(line)?.[1])
    .filter((json): json is string => json !== undefined);
}

/**
 * When a rate limit lifts, from what providers say: Claude's `…limit reached|<epoch seconds>`,
 * "try again in 20s" / "in 3 minutes", or "resets at <ISO time>". Undefined when the text is
 * not about a rate limit.
 */
export function rateLimitReset(text: string, now: Date): Date | undefined {
  if (!/rate.?limit|usage limit|too many requests|quota/i.test(text)) return undefined;
  const epoch = /\|(\d{10})\b/.exec(text);
  if (epoch) return new Date(Number(epoch[1]) * 1000);
  const iso = /resets? at (\d{4}-\d{2}-\d{2}T[\d:.]+Z?)/i.exec(text);
  if (iso && !Number.isNaN(Date.parse(iso[1] as string))) return new Date(iso[1] as string);
  const relative = /in (\d+(?:\.\d+)?)\s*(ms|s|sec|seconds?|m|min|minutes?|h|hours?)\b/i.exec(text);
  if (relative) {
    const amount = Number(relative[1]);
    const unit = (relative[2] as string).toLowerCase();
    const ms =
      unit === 'ms' ? 1 : unit.startsWith('h') ? 3_600_000 : unit.startsWith('m') ? 60_000 : 1000;
    return new Date(now.getTime() + amount * ms);
  }
  // a limit without a time: try again in a minute
  return new Date(now.getTime() + 60_000);
}

function json(text: string): Record<string, unknown> | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(trimmed) as unknown;
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const number = (value: unknown): number =>
  typeof value === 'number' && Number.isFinite(value) ? value : 0;

/**
 * `claude -p --output-format stream-json --verbose`: `system` (init, with the model),
 * `assistant` messages (text and tool use), `user` tool results, and a final `result` with the
 * usage, the cost and whether it was an error. Lines that are not JSON are shown as they are.
 */
export function claudeReader(now: () => Date = () => new Date()): OutputReader {
  let model: string | undefined;
  let result: Record<string, unknown> | undefined;
  let lastText = '';
  return {
    line(text) {
      const event = json(text);
      if (!event) return { display: text ? [text] : [], subtasks: subtasksIn(text) };
      if (event.type === 'system' && typeof event.model === 'string') model = event.model;
      if (event.type === 'assistant') {
        const message = event.message as {
          model?: string;
          content?: Array<Record<string, unknown>>;
        };
        model = message?.model ?? model;
        const display: string[] = [];
        for (const part of message?.content ?? []) {
          if (part.type === 'text' && typeof part.text === 'string') {
            display.push(part.text);
            lastText = part.text;
          } else if (part.type === 'tool_use' && typeof part.name === 'string') {
            display.push(`[${part.name}] ${JSON.stringify(part.input ?? {}).slice(0, 500)}`);
          }
        }
        return { display, subtasks: display.flatMap(subtasksIn) };
      }
      if (event.type === 'result') {
        result = event;
        return { display: [], subtasks: [] };
      }
      return { display: [], subtasks: [] };
    },
    outcome() {
      const usage = (result?.usage ?? {}) as Record<string, unknown>;
      const text = typeof result?.result === 'string' ? result.result : lastText;
      const failed = !result
        ? 'claude ended without a result'
        : result.is_error === true || result.subtype !== 'success'
          ? text || (typeof result.subtype === 'string' ? result.subtype : 'error')
          : undefined;
      return {
        text,
        tokensIn:
          number(usage.input_tokens) +
          number(usage.cache_creation_input_tokens) +
          number(usage.cache_read_input_tokens),
        tokensOut: number(usage.output_tokens),
        costUsd: number(result?.total_cost_usd),
        model,
        failed,
        rateLimitedUntil: failed ? rateLimitReset(failed, now()) : undefined,
      };
    },
  };
}

/**
 * `codex exec --json`: `thread.started`, `turn.started`, `item.started|updated|completed`
 * (agent messages, reasoning, commands, file changes), `turn.completed` with the usage,
 * `turn.failed` and `error`.
 */
export function codexReader(now: () => Date = () => new Date()): OutputReader {
  let tokensIn = 0;
  let tokensOut = 0;
  let lastText = '';
  let failed: string | undefined;
  return {
    line(text) {
      const event = json(text);
      if (!event) return { display: text ? [text] : [], subtasks: subtasksIn(text) };
      if (event.type === 'item.completed') {
        const item = event.item as Record<string, unknown> | undefined;
        if (item?.type === 'agent_message' && typeof item.text === 'string') {
          lastText = item.text;
          return { display: [item.text], subtasks: subtasksIn(item.text) };
        }
        if (item?.type === 'command_execution' && typeof item.command === 'string') {
          return { display: [`$ ${item.command}`], subtasks: [] };
        }
        if (item?.type === 'file_change' && Array.isArray(item.changes)) {
          const paths = (item.changes as Array<{ path?: string; kind?: string }>).map(
            (change) => `${change.kind ?? 'edit'} ${change.path ?? '?'}`,
          );
          return { display: paths.map((line) => `[file] ${line}`), subtasks: [] };
        }
      }
      if (event.type === 'turn.completed') {
        const usage = (event.usage ?? {}) as Record<string, unknown>;
        tokensIn += number(usage.input_tokens);
        tokensOut += number(usage.output_tokens);
      }
      if (event.type === 'turn.failed' || event.type === 'error') {
        const error = event.error as { message?: string } | undefined;
        failed =
          error?.message ?? (typeof event.message === 'string' ? event.message : 'codex failed');
        return { display: [`error: ${failed}`], subtasks: [] };
      }
      return { display: [], subtasks: [] };
    },
    outcome() {
      return {
        text: lastText,
        tokensIn,
        tokensOut,
        costUsd: 0,
        model: undefined,
        failed,
        rateLimitedUntil: failed ? rateLimitReset(failed, now()) : undefined,
      };
    },
  };
}

/** Plain text providers (aider, gemini, a command): every line is shown; no usage is known. */
export function plainReader(now: () => Date = () => new Date()): OutputReader {
  const lines: string[] = [];
  return {
    line(text) {
      lines.push(text);
      return { display: [text], subtasks: subtasksIn(text) };
    },
    outcome() {
      const tail = lines.slice(-20).join('\n');
      return {
        text: tail,
        tokensIn: 0,
        tokensOut: 0,
        costUsd: 0,
        model: undefined,
        failed: undefined,
        rateLimitedUntil: rateLimitReset(lines.slice(-3).join('\n'), now()),
      };
    },
  };
}
