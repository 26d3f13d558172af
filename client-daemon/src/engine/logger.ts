import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** A structured log line's fields beyond its message. */
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** The same logger with these fields on every line (a project, a run). */
  child(fields: LogFields): Logger;
}

export interface LogSink {
  /** One JSON line per entry, appended to ~/.maestro/logs/daemon-<date>.log. */
  readonly file: string;
  /** Where a readable line goes too (stderr without the TUI); undefined: the file only. */
  readonly echo: ((line: string) => void) | undefined;
  readonly level: LogLevel;
  close(): Promise<void>;
}

/** The daemon's log: JSON lines in the logs directory, echoed readably unless the TUI is up. */
export function openLog(
  logsDir: string,
  options: {
    level: LogLevel;
    echo?: (line: string) => void;
    /** Echo the JSON entries themselves rather than readable lines (`--json`). */
    json?: boolean;
    now?: () => Date;
  },
): { logger: Logger; sink: LogSink } {
  mkdirSync(logsDir, { recursive: true, mode: 0o700 });
  const now = options.now ?? (() => new Date());
  const file = path.join(logsDir, `daemon-${now().toISOString().slice(0, 10)}.log`);
  const stream: WriteStream = createWriteStream(file, { flags: 'a', mode: 0o600 });
  const sink: LogSink = {
    file,
    echo: options.echo,
    level: options.level,
    close: () => new Promise((resolve) => stream.end(resolve)),
  };
  const make = (bound: LogFields): Logger => {
    const write = (level: LogLevel, message: string, fields: LogFields = {}) => {
      if (RANK[level] < RANK[options.level]) return;
      const time = now().toISOString();
      const context = Object.fromEntries(
        Object.entries({ ...bound, ...fields }).filter(([, value]) => value !== undefined),
      );
      const entry = { time, level, msg: message, ...context };
      stream.write(`${JSON.stringify(entry)}\n`);
      if (options.echo && options.json) options.echo(JSON.stringify(entry));
      else if (options.echo) {
        const shown = Object.entries(context)
          .map(
            ([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`,
          )
          .join(' ');
        options.echo(
          `${time.slice(11, 19)} ${level.padEnd(5)} ${message}${shown ? `  ${shown}` : ''}`,
        );
      }
    };
    return {
      debug: (message, fields) => write('debug', message, fields),
      info: (message, fields) => write('info', message, fields),
      warn: (message, fields) => write('warn', message, fields),
      error: (message, fields) => write('error', message, fields),
      child: (fields) => make({ ...bound, ...fields }),
    };
  };
  return { logger: make({}), sink };
}
