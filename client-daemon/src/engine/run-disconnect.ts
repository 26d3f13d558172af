import { runningDaemon } from './machine-lock.js';
import { pause } from './studio-calls.js';

export interface DisconnectOptions {
  readonly home: string;
  readonly json: boolean;
  readonly timeoutMs: number;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/** `maestro disconnect`: SIGTERM to the running daemon, then wait until it is gone (8: still stopping). */
export async function runDisconnect(options: DisconnectOptions): Promise<0 | 8> {
  const daemon = await runningDaemon(options.home);
  if (!daemon) {
    options.out(options.json ? JSON.stringify({ running: false }) : 'no maestro daemon is running');
    return 0;
  }
  process.kill(daemon.pid, 'SIGTERM');
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    if (!(await runningDaemon(options.home))) {
      options.out(
        options.json
          ? JSON.stringify({ running: false, stopped: daemon.pid, projects: daemon.projects })
          : `stopped the daemon (pid ${daemon.pid}): ${daemon.projects.map((p) => p.name).join(', ')}`,
      );
      return 0;
    }
    await pause(200);
  }
  options.err(`the daemon (pid ${daemon.pid}) is still stopping: its run is being handed back`);
  if (options.json) options.out(JSON.stringify({ running: true, pid: daemon.pid }));
  return 8;
}
