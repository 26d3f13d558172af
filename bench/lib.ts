import { spawn, type ChildProcess } from 'node:child_process';

export interface BenchOptions {
  readonly quick: boolean;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * The value at quantile `q` (0–1) of `values`, the way load-generator.mjs reads its latencies:
 * the sorted value at floor(q × n), capped at the last one (so p99 of 50 samples is the maximum).
 */
export function percentile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

/** Prints the one comparable line every benchmark ends with (DESIGN §10). */
export function result(name: string, values: Record<string, number | string | boolean>): void {
  const fields = Object.entries(values)
    .map(([key, value]) => `${key}=${typeof value === 'number' ? round(value) : value}`)
    .join(' ');
  console.log(`RESULT ${name} ${fields}`);
}

function round(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(3);
}

/**
 * Spawns `node <args>` and resolves with the seconds from spawn until GET `url()` answers 200,
 * then stops the process (SIGTERM) and waits for it to exit.
 */
export async function timeToReady(
  args: string[],
  env: Record<string, string | undefined>,
  readyUrl: (stdout: string) => string | undefined,
): Promise<number> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}: ${stderr}`);
      const url = readyUrl(stdout);
      if (url) {
        const ok = await fetch(url).then(
          (response) => response.status === 200,
          () => false,
        );
        if (ok) return Number(process.hrtime.bigint() - started) / 1e9;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    await stop(child);
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** GraphQL over HTTP as one signed-in user; GraphQL errors and userErrors throw. */
export function graphqlAs(url: string, accessToken: string) {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` };
  const request = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const response = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T | null; errors?: unknown[] };
    if (body.errors?.length || !body.data) {
      throw new Error(`GraphQL errors (HTTP ${response.status}): ${JSON.stringify(body.errors)}`);
    }
    return body.data;
  };
  /** `mutation { <name>(input: $input) { <selection> userErrors } }`: the payload. */
  const mutate = async <T>(
    name: string,
    input: Record<string, unknown>,
    selection: string,
  ): Promise<T> => {
    const type = `${name.charAt(0).toUpperCase()}${name.slice(1)}Input`;
    const data = await request<Record<string, (T & { userErrors: unknown[] }) | null>>(
      `mutation($input: ${type}!) { ${name}(input: $input) { ${selection} userErrors { code field message } } }`,
      { input },
    );
    const payload = data[name];
    if (!payload || payload.userErrors.length > 0) {
      throw new Error(`${name} failed: ${JSON.stringify(payload?.userErrors)}`);
    }
    return payload;
  };
  return { request, mutate };
}
