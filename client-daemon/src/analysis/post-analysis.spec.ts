import { describe, expect, test } from '@jest/globals';
import { artifactSummary, artifactTypeOf } from './post-analysis.js';
import type { ExportedSymbol, SymbolKind } from './types.js';

const symbol = (kind: SymbolKind, name: string, file: string): ExportedSymbol => ({
  kind,
  name,
  file,
  language: 'TypeScript',
  line: 1,
});

describe('artifactTypeOf: what kind of reusable code an exported symbol is', () => {
  test.each([
    ['function', 'formatPrice', 'src/format.ts', null, 'FUNCTION'],
    ['function', 'slugify', 'src/utils/text.ts', null, 'HELPER'],
    ['function', 'clamp', 'lib/math.go', null, 'HELPER'],
    ['function', 'PriceTag', 'web/PriceTag.tsx', 'React', 'COMPONENT'],
    ['const', 'PriceTag', 'web/PriceTag.jsx', 'React', 'COMPONENT'],
    ['const', 'DEFAULT_PORT', 'src/server.ts', null, null],
    ['class', 'BillingService', 'src/billing.ts', null, 'SERVICE'],
    ['class', 'UserRepository', 'src/users.ts', null, 'SERVICE'],
    ['class', 'CounterWidget', 'lib/counter.dart', null, 'WIDGET'],
    ['class', 'Counter', 'lib/counter.dart', 'Flutter', 'WIDGET'],
    ['class', 'Parser', 'src/parser.ts', null, 'MODULE'],
    ['struct', 'Job', 'queue/queue.go', 'Gin', 'MODULE'],
    ['interface', 'Options', 'src/options.ts', null, 'INTERFACE'],
    ['type', 'Id', 'src/ids.ts', null, 'INTERFACE'],
    ['trait', 'Store', 'src/store.rs', null, 'INTERFACE'],
    ['module', 'billing', 'lib/billing.rb', null, 'MODULE'],
    ['enum', 'Color', 'src/color.ts', null, null],
    ['reexport', 'x', 'src/index.ts', null, null],
  ] as const)('%s %s in %s (%s) → %s', (kind, name, file, framework, expected) => {
    expect(artifactTypeOf(symbol(kind, name, file), framework)).toBe(expected);
  });
});

describe('artifactSummary', () => {
  test('the doc comment first, then where the symbol was found', () => {
    const documented = {
      ...symbol('function', 'formatPrice', 'web/src/format.ts'),
      doc: 'Formats a price.',
    };
    expect(artifactSummary(documented, 'React', 'static analyzer v2')).toBe(
      'Formats a price. — TypeScript function formatPrice, exported from web/src/format.ts (React); found by the static analyzer v2.',
    );
  });

  test('without a doc comment, the facts alone', () => {
    expect(
      artifactSummary(symbol('class', 'Parser', 'src/parser.ts'), null, 'static analyzer v2'),
    ).toBe(
      'TypeScript class Parser, exported from src/parser.ts; found by the static analyzer v2.',
    );
  });
});
