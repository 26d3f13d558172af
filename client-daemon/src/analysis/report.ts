import { counted } from './summary.js';
import type { RepoAnalysis } from './types.js';

/** Symbols shown in the readable report. */
const SHOWN_SYMBOLS = 20;

const numbered = (n: number) => n.toLocaleString('en-US');
const table = (rows: string[][]): string[] => {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, column) => (widths[column] = Math.max(widths[column] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
};
const indent = (lines: string[]) => lines.map((line) => `  ${line}`);

/** `maestro analyze` without --json: the analysis as readable lines. */
export function formatReport(analysis: RepoAnalysis): string[] {
  const out: string[] = [];
  const { counts } = analysis;
  out.push(analysis.summary, '');
  out.push(
    `root        ${analysis.root} (${counted(counts.files, 'file')} from ${analysis.fileSource === 'git' ? 'git ls-files' : 'a directory walk'}${analysis.filesTruncated ? `, cut at ${numbered(analysis.limits.maxFiles)}` : ''})`,
    `analyzer    ${analysis.analyzer.name} ${analysis.analyzer.version}`,
    `primary     ${analysis.primaryLanguage ?? 'none'}`,
  );
  if (analysis.stack.length) out.push(`stack       ${analysis.stack.join(', ')}`);
  if (counts.largeFilesSkipped)
    out.push(
      `large       ${counted(counts.largeFilesSkipped, 'file')} over ${Math.round(analysis.limits.maxFileBytes / 1024)} KB counted but not read`,
    );

  out.push('', 'languages');
  const totalLines = analysis.languages.reduce((sum, one) => sum + one.lines, 0);
  out.push(
    ...indent(
      table(
        analysis.languages.map((one) => [
          one.name,
          counted(one.files, 'file'),
          counted(one.lines, 'line'),
          totalLines ? `${((one.lines / totalLines) * 100).toFixed(1)}%` : '',
          one.kind,
        ]),
      ),
    ),
  );

  out.push('', 'manifests');
  out.push(
    ...indent(
      table(
        analysis.manifests.map((one) => [
          one.path,
          one.kind,
          one.name ?? '',
          one.error
            ? `error: ${one.error}`
            : [
                counted(one.dependencies, 'dependency').replace(/ys$/, 'ies'),
                one.workspaces ? `workspaces ${one.workspaces.join(' ')}` : '',
                ...Object.entries(one.runtime ?? {}).map(([key, value]) => `${key} ${value}`),
              ]
                .filter(Boolean)
                .join(', '),
        ]),
      ),
    ),
  );
  if (!analysis.manifests.length) out.push('  none found');

  out.push('', 'frameworks');
  out.push(
    ...indent(
      table(
        analysis.frameworks.map((one) => [
          one.name,
          one.version ?? '',
          one.category + (one.dev ? ' (dev)' : ''),
          one.manifest,
        ]),
      ),
    ),
  );
  if (!analysis.frameworks.length) out.push('  none recognised');

  out.push('', 'directories');
  out.push(
    ...indent(
      table(
        analysis.directories.map((one) => [
          `${one.depth === 2 ? '  ' : ''}${one.path}`,
          counted(one.files, 'file'),
          one.language ?? '-',
          one.role,
        ]),
      ),
    ),
  );
  if (counts.directoriesOmitted) out.push(`  … and ${counts.directoriesOmitted} more not listed`);

  const kinds = Object.entries(counts.symbolsByKind)
    .sort(([a, x], [b, y]) => (y ?? 0) - (x ?? 0) || a.localeCompare(b))
    .map(([kind, n]) => `${numbered(n ?? 0)} ${kind}`);
  out.push(
    '',
    `symbols     ${numbered(counts.symbols)} exported${kinds.length ? `: ${kinds.join(', ')}` : ''}${analysis.symbolsTruncated ? ` (${numbered(analysis.symbols.length)} kept, limit ${numbered(analysis.limits.maxSymbols)})` : ''}`,
  );
  const documented = analysis.symbols.filter((one) => one.doc).length;
  if (analysis.symbols.length > 0)
    out.push(
      `            ${numbered(documented)} of ${numbered(analysis.symbols.length)} with a doc comment (in --json)`,
    );
  const shown = analysis.symbols.slice(0, SHOWN_SYMBOLS);
  out.push(...indent(table(shown.map((one) => [one.kind, one.name, `${one.file}:${one.line}`]))));
  if (analysis.symbols.length > shown.length)
    out.push(`  … ${numbered(analysis.symbols.length - shown.length)} more with --json`);
  return out;
}
