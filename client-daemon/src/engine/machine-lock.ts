import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** What the running daemon writes to ~/.maestro/daemon.json. */
export interface DaemonRecord {
  readonly pid: number;
  readonly startedAt: string;
  readonly projects: ReadonlyArray<{ id: string; name: string }>;
}

export class AlreadyRunning extends Error {
  constructor(readonly record: DaemonRecord) {
    super(
      `a maestro daemon is already running on this machine (pid ${record.pid}, since ${record.startedAt}): run maestro disconnect first`,
    );
  }
}

export function lockFile(home: string): string {
  return path.join(home, 'daemon.json');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The running daemon's record, or undefined (a record left by a dead process is ignored). */
export async function runningDaemon(home: string): Promise<DaemonRecord | undefined> {
  let record: DaemonRecord;
  try {
    record = JSON.parse(await readFile(lockFile(home), 'utf8')) as DaemonRecord;
  } catch {
    return undefined;
  }
  return typeof record.pid === 'number' && alive(record.pid) ? record : undefined;
}

/**
 * One daemon per machine (per home): takes ~/.maestro/daemon.json, replacing one left by a
 * process that is gone. Returns the release function.
 */
export async function takeMachineLock(
  home: string,
  projects: DaemonRecord['projects'],
): Promise<() => Promise<void>> {
  const file = lockFile(home);
  const record: DaemonRecord = { pid: process.pid, startedAt: new Date().toISOString(), projects };
  for (let tries = 0; tries < 2; tries++) {
    try {
      await writeFile(file, JSON.stringify(record), { flag: 'wx', mode: 0o600 });
      return async () => {
        const now = await runningDaemon(home);
        if (now?.pid === process.pid) await rm(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = await runningDaemon(home);
      if (holder) throw new AlreadyRunning(holder);
      await rm(file, { force: true });
    }
  }
  throw new Error(`could not take ${file}`);
}
