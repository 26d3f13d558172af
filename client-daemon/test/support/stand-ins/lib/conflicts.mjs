// Shared by the stand-in agents (test fixtures): the files git left in conflict, and a
// file's text with its conflicts settled by keeping both sides' lines.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export function conflicted(cwd) {
  return execFileSync('git', ['diff', '--name-only', '--diff-filter=U'], { cwd, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((file) => path.resolve(cwd, file));
}

export function resolved(text) {
  return text
    .split('\n')
    .filter((line) => !/^(<{7}|={7}|>{7})( |$)/.test(line))
    .join('\n');
}
