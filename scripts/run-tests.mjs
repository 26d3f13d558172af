#!/usr/bin/env node
// Runs jest in ESM mode and ends with the plain line `N passed, N failed` (CI reads that line,
// not jest's own summary). Extra arguments go to jest, e.g. `--selectProjects unit`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = path.join(root, '.test-results');
mkdirSync(resultsDir, { recursive: true });
const outputFile = path.join(resultsDir, `jest-${process.pid}.json`);

const run = spawnSync(
  process.execPath,
  [
    '--experimental-vm-modules',
    '--no-warnings=ExperimentalWarning',
    path.join(root, 'node_modules/jest/bin/jest.js'),
    '--json',
    `--outputFile=${outputFile}`,
    ...process.argv.slice(2),
  ],
  { cwd: root, stdio: 'inherit' },
);

let passed = 0;
let failed = 0;
let suitesFailed = 0;
try {
  const report = JSON.parse(readFileSync(outputFile, 'utf8'));
  passed = report.numPassedTests;
  failed = report.numFailedTests;
  suitesFailed = report.numRuntimeErrorTestSuites ?? 0;
} catch {
  failed = Math.max(failed, 1);
}
// A suite that fails to load has no failed tests but is a failure all the same.
const failures = failed + suitesFailed;
console.log(`${passed} passed, ${failures} failed`);
if (process.env.MAESTRO_TEST_SUMMARY) {
  writeFileSync(process.env.MAESTRO_TEST_SUMMARY, JSON.stringify({ passed, failed: failures }));
}
process.exit(run.status === 0 && failures === 0 ? 0 : 1);
