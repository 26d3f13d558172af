import type { ProjectConnection } from '../engine/project-connection.js';
import type { Stopper } from '../engine/stop-signals.js';

const STATE_MARK: Record<string, string> = {
  idle: '\u001b[32m●\u001b[0m',
  running: '\u001b[36m▶\u001b[0m',
  paused: '\u001b[33m‖\u001b[0m',
  stopped: '\u001b[31m■\u001b[0m',
};

/** What the view reads of a connection. */
export type ConnectionView = Pick<
  ProjectConnection,
  'machine' | 'project' | 'session' | 'current' | 'history'
>;

/** What the live view shows, as plain lines (tested without a terminal). */
export function renderConnections(
  connections: readonly ConnectionView[],
  now = new Date(),
): string[] {
  const lines = [
    `maestro — ${connections.length} project${connections.length === 1 ? '' : 's'} — ${now.toLocaleTimeString()}   (q: disconnect)`,
    '',
  ];
  for (const connection of connections) {
    const { state, attempt, lastError } = connection.machine;
    const mark = STATE_MARK[state] ?? '\u001b[90m○\u001b[0m';
    const retry =
      state === 'disconnected' && attempt > 0 ? ` (retry ${attempt}: ${lastError ?? ''})` : '';
    lines.push(`${mark} ${connection.project.name}  ${state}${retry}  ${connection.session ?? ''}`);
    const run = connection.current;
    if (run) {
      lines.push(
        `    now: ${run.purpose}${run.task ? ` — ${run.task.title}` : ''}  (${run.id}, attempt ${run.attempt})`,
      );
    }
    for (const { run: done, end } of connection.history.slice(-5).reverse()) {
      const why = 'reason' in end ? `: ${end.reason.split('\n')[0]?.slice(0, 80)}` : '';
      lines.push(
        `    ${end.kind.padEnd(11)} ${done.purpose}${done.task ? ` — ${done.task.title}` : ''}${why}`,
      );
    }
    lines.push('');
  }
  return lines;
}

/**
 * The terminal view of `maestro connect`: each connection's state, its run in hand and the
 * last runs, redrawn twice a second. `q` or Ctrl-C stops the daemon (the run in hand goes back
 * to the queue). The engine knows nothing of it: it only reads the connections.
 */
export function showLiveView(connections: readonly ProjectConnection[], stop: Stopper): void {
  const out = process.stdout;
  const input = process.stdin;
  out.write('\u001b[?1049h\u001b[?25l');
  const draw = () => out.write(`\u001b[H\u001b[2J${renderConnections(connections).join('\n')}\n`);
  const timer = setInterval(draw, 500);
  draw();
  const onKey = (key: Buffer) => {
    const text = key.toString();
    if (text === 'q' || text === '\u0003') stop.abort();
  };
  if (input.isTTY) {
    input.setRawMode(true);
    input.resume();
    input.on('data', onKey);
  }
  const restore = () => {
    clearInterval(timer);
    if (input.isTTY) {
      input.off('data', onKey);
      input.setRawMode(false);
      input.pause();
    }
    out.write('\u001b[?25h\u001b[?1049l');
  };
  stop.signal.addEventListener('abort', restore, { once: true });
  void Promise.all(connections.map((connection) => connection.done)).then(() => {
    if (!stop.signal.aborted) restore();
  });
}
