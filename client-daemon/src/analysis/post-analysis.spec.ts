import { describe, expect, test } from '@jest/globals';
import { artifactTypeOf } from './post-analysis.js';
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
