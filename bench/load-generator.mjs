// A small HTTP load generator, run as its own process so it does not share the servers' event
// loop: `node load-generator.mjs <url> <body-file> <concurrency> <seconds>`. Keeps connections
// alive, sends POSTs back to back, and prints one JSON line with the counts and latencies.
// An optional fifth argument is sent as the Authorization header. A response that is not 200,
// or that starts with GraphQL errors, counts as an error.
import http from 'node:http';
import { readFileSync } from 'node:fs';

const [url, bodyFile, concurrencyArg, secondsArg, authorization] = process.argv.slice(2);
const body = readFileSync(bodyFile);
const concurrency = Number(concurrencyArg);
const deadline = performance.now() + Number(secondsArg) * 1000;
const target = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const latencies = [];
let errors = 0;
let bytes = 0;

function once() {
  return new Promise((resolve) => {
    const started = performance.now();
    const request = http.request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': body.length,
          ...(authorization ? { authorization } : {}),
        },
      },
      (response) => {
        let size = 0;
        let head = '';
        response.on('data', (chunk) => {
          if (size === 0) head = chunk.subarray(0, 16).toString();
          size += chunk.length;
        });
        response.on('end', () => {
          if (response.statusCode !== 200 || head.startsWith('{"errors"')) errors++;
          bytes += size;
          latencies.push(performance.now() - started);
          resolve();
        });
      },
    );
    request.on('error', () => {
      errors++;
      resolve();
    });
    request.end(body);
  });
}

async function worker() {
  while (performance.now() < deadline) await once();
}

const started = performance.now();
await Promise.all(Array.from({ length: concurrency }, worker));
const elapsed = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
console.log(
  JSON.stringify({
    requests: latencies.length,
    errors,
    rps: latencies.length / elapsed,
    p50: at(0.5),
    p99: at(0.99),
    bytesPerResponse: latencies.length ? bytes / latencies.length : 0,
  }),
);
agent.destroy();
