import { describe, expect, test } from '@jest/globals';
import { docCommentAt, MAX_DOC_CHARS } from './doc-comments.js';
import { extractSymbols } from './symbols.js';

/** `name: doc` of each exported symbol of a file in `language`. */
const docs = (language: string, lines: readonly string[], file = 'file') =>
  extractSymbols(language, file, lines.join('\n')).map((one) => `${one.name}: ${one.doc ?? '-'}`);

describe('block comments: TypeScript, JavaScript, Java, Kotlin', () => {
  test('the first paragraph of a JSDoc block, up to its tags, on one line', () => {
    expect(
      docs('TypeScript', [
        "import { x } from './x.js';",
        '',
        '/**',
        ' * Parses a proposal: JSON or a',
        ' * Markdown outline.',
        ' *',
        ' * Errors name the line.',
        ' * @param text the proposal',
        ' */',
        'export function parseProposal(text: string) {}',
        '/** Formats a price with {@link Currency} and `cents` in a Map<string, Price>. */',
        'export function formatPrice() {}',
        'export const LIMIT = 3;',
      ]),
    ).toEqual([
      'parseProposal: Parses a proposal: JSON or a Markdown outline.',
      'formatPrice: Formats a price with Currency and cents in a Map<string, Price>.',
      'LIMIT: -',
    ]);
  });

  test('decorators between the comment and the declaration are passed over', () => {
    expect(
      docs('TypeScript', [
        '/** Answers plan questions. */',
        '@Injectable()',
        '@Resolver(() => Plan)',
        'export class PlanResolver {}',
      ]),
    ).toEqual(['PlanResolver: Answers plan questions.']);
  });

  test('not documentation: a plain block, a line comment, a blank line, a tag alone', () => {
    expect(
      docs('TypeScript', [
        '/* Copyright 2026 */',
        'export function licensed() {}',
        '// a note',
        'export function noted() {}',
        '/** Far away. */',
        '',
        'export function separated() {}',
        '/**',
        ' * @deprecated',
        ' */',
        'export function tagged() {}',
        '/**/',
        'export function empty() {}',
      ]),
    ).toEqual(['licensed: -', 'noted: -', 'separated: -', 'tagged: -', 'empty: -']);
  });

  test('Javadoc and KDoc', () => {
    expect(
      docs('Java', [
        '/**',
        ' * Sends invoices by e-mail.',
        ' * <p>Retries twice.',
        ' */',
        '@Service',
        'public class InvoiceMailer {}',
      ]),
    ).toEqual(['InvoiceMailer: Sends invoices by e-mail. Retries twice.']);
    expect(
      docs('Kotlin', ['/** Keeps the session alive. */', 'fun heartbeat() {}', 'fun bare() {}']),
    ).toEqual(['heartbeat: Keeps the session alive.', 'bare: -']);
  });
});

describe('line comments: Rust and C# (///), Go (//)', () => {
  test("Rust's /// up to a heading or a code fence, attributes passed over", () => {
    expect(
      docs('Rust', [
        '//! The crate.',
        '/// Splits a plan into phases.',
        '/// Keeps the order.',
        '///',
        '/// # Examples',
        '#[derive(Debug)]',
        'pub struct Splitter;',
        '// not a doc comment',
        'pub fn plain() {}',
      ]),
    ).toEqual(['Splitter: Splits a plan into phases. Keeps the order.', 'plain: -']);
  });

  test("C#'s XML documentation, reduced to its text", () => {
    expect(
      docs('C#', [
        '/// <summary>',
        '/// Reads the <see cref="Config"/> file.',
        '/// </summary>',
        '/// <param name="path">Where it is.</param>',
        '[Serializable]',
        'public class ConfigReader {}',
      ]),
    ).toEqual(['ConfigReader: Reads the Config file.']);
  });

  test("Go's comment right above, in and out of groups; directives are not prose", () => {
    expect(
      docs('Go', [
        'package queue',
        '',
        '// Job is one unit of background work.',
        'type Job struct {',
        '}',
        '',
        'type (',
        '\t// Queue holds jobs.',
        '\tQueue struct{}',
        ')',
        '',
        '//go:generate stringer -type=Kind',
        'type Kind int',
        '',
        '// Enqueue adds a job.',
        '//',
        '// It never blocks.',
        'func Enqueue(job Job) {}',
      ]),
    ).toEqual([
      'Job: Job is one unit of background work.',
      'Queue: Queue holds jobs.',
      'Kind: -',
      'Enqueue: Enqueue adds a job.',
    ]);
  });
});

describe('Python docstrings', () => {
  test('one line, several lines, a signature over several lines, none', () => {
    expect(
      docs('Python', [
        'def slugify(title: str) -> str:',
        '    """Turns a title into a URL slug."""',
        '',
        'class CatalogService(',
        '    Base,',
        '):',
        '',
        "    r'''Looks products up",
        '    by slug.',
        '',
        "    More here.'''",
        '',
        'def bare(x):',
        '    return x',
        '',
        'def one_liner(): return 1',
        '',
        'def after():',
        '    """Not the one-liner\'s."""',
      ]),
    ).toEqual([
      'slugify: Turns a title into a URL slug.',
      'CatalogService: Looks products up by slug.',
      'bare: -',
      'one_liner: -',
      "after: Not the one-liner's.",
    ]);
  });

  test('an unclosed docstring is not read', () => {
    expect(docCommentAt('Python', ['def f():', '    """Never', '    closed'], 1)).toBeUndefined();
  });
});

describe('limits', () => {
  test(`a long comment is cut at a word, under ${MAX_DOC_CHARS} characters`, () => {
    const long = `/** ${'word '.repeat(100)}*/`;
    const doc = docCommentAt('TypeScript', [long, 'export function f() {}'], 2) ?? '';
    expect(doc.length).toBeLessThanOrEqual(MAX_DOC_CHARS);
    expect(doc).toMatch(/^word( word)+…$/);
  });

  test('a language without a doc style, or a line out of range, has none', () => {
    expect(docCommentAt('Ruby', ['# Does things.', 'def things; end'], 2)).toBeUndefined();
    expect(docCommentAt('TypeScript', ['export function f() {}'], 1)).toBeUndefined();
    expect(docCommentAt('TypeScript', [], 5)).toBeUndefined();
  });

  test('re-exports take no comment: it would be the module line above', () => {
    const found = extractSymbols(
      'TypeScript',
      'index.ts',
      "/** Helpers. */\nexport * as h from './h.js';",
    );
    expect(found.map((one) => [one.name, one.doc])).toEqual([['h', undefined]]);
  });
});
