import { docCommentAt } from './doc-comments.js';
import type { ExportedSymbol, SymbolKind } from './types.js';

/** A symbol before it knows its file. */
export interface FoundSymbol {
  readonly name: string;
  readonly kind: SymbolKind;
  readonly line: number;
}

type Extractor = (lines: readonly string[]) => FoundSymbol[];

const ID = '[A-Za-z_$][\\w$]*';

/** `export …` forms of TypeScript and JavaScript, tried in order on each line. */
const scriptForms: Array<[RegExp, SymbolKind | ((match: RegExpExecArray) => SymbolKind)]> = [
  [
    new RegExp(
      `^export\\s+(?:declare\\s+)?(?:default\\s+)?(?:async\\s+)?function\\s*\\*?\\s*(${ID})`,
    ),
    'function',
  ],
  [
    new RegExp(`^export\\s+(?:declare\\s+)?(?:default\\s+)?(?:abstract\\s+)?class\\s+(${ID})`),
    'class',
  ],
  [new RegExp(`^export\\s+(?:declare\\s+)?interface\\s+(${ID})`), 'interface'],
  [new RegExp(`^export\\s+(?:declare\\s+)?type\\s+(${ID})\\s*(?:<|=)`), 'type'],
  [new RegExp(`^export\\s+(?:declare\\s+)?(?:const\\s+)?enum\\s+(${ID})`), 'enum'],
  [new RegExp(`^export\\s+(?:declare\\s+)?(?:namespace|module)\\s+(${ID})`), 'namespace'],
  [
    new RegExp(`^export\\s+(?:declare\\s+)?(const|let|var)\\s+(${ID})`),
    (match) => (match[1] === 'const' ? 'const' : 'variable'),
  ],
  [new RegExp(`^export\\s+\\*\\s+as\\s+(${ID})`), 'reexport'],
  [new RegExp(`^(?:module\\.)?exports\\.(${ID})\\s*=`), 'variable'],
];

const typescript: Extractor = (lines) => {
  const found: FoundSymbol[] = [];
  for (let index = 0; index < lines.length; index++) {
    const text = lines[index] ?? '';
    if (!/^(export|exports\.|module\.exports\.)/.test(text)) continue;
    const line = index + 1;
    let matched = false;
    for (const [pattern, kind] of scriptForms) {
      const match = pattern.exec(text);
      if (!match) continue;
      const name = match[match.length - 1] as string;
      if (name === 'extends' || name === 'implements') continue; // export default class extends X
      found.push({ name, kind: typeof kind === 'function' ? kind(match) : kind, line });
      matched = true;
      break;
    }
    if (matched) continue;
    if (/^export\s+default\b/.test(text)) {
      found.push({ name: 'default', kind: 'default', line });
      continue;
    }
    // export { a, b as c } [from './x'], possibly over several lines
    if (/^export\s+(?:type\s+)?\{/.test(text)) {
      let list = text;
      let end = index;
      while (!list.includes('}') && end + 1 < lines.length && end - index < 200)
        list += ` ${lines[++end] ?? ''}`;
      const inner = list.slice(list.indexOf('{') + 1, list.indexOf('}'));
      const reexport = /\}\s*from\s*['"]/.test(list);
      for (const part of inner.split(',')) {
        const name = /(?:^|\sas\s+)(\S+)\s*$/.exec(part.replace(/^\s*type\s+/, '').trim())?.[1];
        if (name && /^[\w$]+$/.test(name))
          found.push({ name, kind: reexport ? 'reexport' : 'const', line });
      }
      index = end;
    }
  }
  return found;
};

const python: Extractor = (lines) => {
  const definitions: FoundSymbol[] = [];
  let all: { names: string[]; line: number } | null = null;
  for (let index = 0; index < lines.length; index++) {
    const text = lines[index] ?? '';
    const definition = /^(?:async\s+)?(def|class)\s+([A-Za-z_]\w*)/.exec(text);
    if (definition?.[2]) {
      definitions.push({
        name: definition[2],
        kind: definition[1] === 'class' ? 'class' : 'function',
        line: index + 1,
      });
      continue;
    }
    if (!all && /^__all__\s*(?::[^=]*)?=\s*[[(]/.test(text)) {
      let list = text;
      let end = index;
      while (!/[\])]/.test(list.slice(list.search(/[[(]/) + 1)) && end + 1 < lines.length)
        list += lines[++end] ?? '';
      all = {
        names: [...list.matchAll(/['"]([A-Za-z_]\w*)['"]/g)].map((m) => m[1] as string),
        line: index + 1,
      };
    }
  }
  if (!all) return definitions.filter((one) => !one.name.startsWith('_'));
  // __all__ decides what is public; each name takes the kind and line of its definition
  const byName = new Map(definitions.map((one) => [one.name, one]));
  return all.names.map(
    (name) => byName.get(name) ?? { name, kind: 'variable' as const, line: all.line },
  );
};

const exportedGo = /^[A-Z]/;
const go: Extractor = (lines) => {
  const found: FoundSymbol[] = [];
  let group: 'type' | 'const' | 'var' | null = null;
  for (let index = 0; index < lines.length; index++) {
    const text = lines[index] ?? '';
    const line = index + 1;
    if (group) {
      if (text.startsWith(')')) group = null;
      else {
        const name = /^\t([A-Za-z_]\w*)/.exec(text)?.[1];
        if (name && exportedGo.test(name)) {
          const kind = group === 'type' ? typeKind(text) : group === 'const' ? 'const' : 'variable';
          found.push({ name, kind, line });
        }
      }
      continue;
    }
    const opened = /^(type|const|var)\s*\(/.exec(text);
    if (opened) {
      group = opened[1] as 'type' | 'const' | 'var';
      continue;
    }
    const func = /^func\s+([A-Za-z_]\w*)\s*[[(]/.exec(text);
    if (func?.[1] && exportedGo.test(func[1])) {
      found.push({ name: func[1], kind: 'function', line });
      continue;
    }
    const method =
      /^func\s+\(\s*(?:\w+\s+)?\*?\s*([A-Za-z_]\w*)[^)]*\)\s*([A-Za-z_]\w*)\s*[[(]/.exec(text);
    if (method?.[1] && method[2] && exportedGo.test(method[1]) && exportedGo.test(method[2])) {
      found.push({ name: `${method[1]}.${method[2]}`, kind: 'method', line });
      continue;
    }
    const single = /^(type|const|var)\s+([A-Za-z_]\w*)/.exec(text);
    if (single?.[2] && exportedGo.test(single[2])) {
      const kind =
        single[1] === 'type' ? typeKind(text) : single[1] === 'const' ? 'const' : 'variable';
      found.push({ name: single[2], kind, line });
    }
  }
  return found;
};
function typeKind(text: string): SymbolKind {
  if (/\bstruct\s*\{/.test(text)) return 'struct';
  if (/\binterface\s*\{/.test(text)) return 'interface';
  return 'type';
}

const rustItems: Record<string, SymbolKind> = {
  fn: 'function',
  struct: 'struct',
  enum: 'enum',
  trait: 'trait',
  mod: 'module',
  type: 'type',
  const: 'const',
  static: 'variable',
  union: 'struct',
};
const rust: Extractor = (lines) => {
  const found: FoundSymbol[] = [];
  const item =
    /^(\s*)pub\s+(?:(?:async|const|unsafe|default|extern\s+"[^"]*")\s+)*(fn|struct|enum|trait|mod|type|const|static|union)\s+(?:mut\s+)?([A-Za-z_]\w*)/;
  lines.forEach((text, index) => {
    const match = item.exec(text);
    if (!match?.[2] || !match[3]) return;
    const nested = (match[1] ?? '').length > 0;
    // an indented `pub fn` is (almost always) a method in an impl block
    const kind = nested && match[2] === 'fn' ? 'method' : (rustItems[match[2]] ?? 'type');
    found.push({ name: match[3], kind, line: index + 1 });
  });
  return found;
};

const jvmKinds: Record<string, SymbolKind> = {
  class: 'class',
  interface: 'interface',
  enum: 'enum',
  record: 'record',
  '@interface': 'annotation',
  object: 'object',
  struct: 'struct',
};
const java: Extractor = (lines) => {
  const found: FoundSymbol[] = [];
  const declaration =
    /^public\s+(?:(?:abstract|final|static|sealed|non-sealed|strictfp)\s+)*(class|interface|enum|record|@interface)\s+([A-Za-z_]\w*)/;
  lines.forEach((text, index) => {
    const match = declaration.exec(text);
    if (match?.[1] && match[2])
      found.push({ name: match[2], kind: jvmKinds[match[1]] ?? 'class', line: index + 1 });
  });
  return found;
};

// Kotlin is public unless it says otherwise; only top-level (unindented) declarations count.
const kotlin: Extractor = (lines) => {
  const found: FoundSymbol[] = [];
  const prefix = '^(?:@[\\w.]+(?:\\([^)]*\\))?\\s+)*((?:[a-z]+\\s+)*)';
  const declaration = new RegExp(`${prefix}(class|interface|object)\\s+([A-Za-z_]\\w*)`);
  const fun = new RegExp(
    `${prefix}fun\\s+(?:<[^>]*>\\s*)?(?:[\\w.<>?, ]+\\.)?([A-Za-z_]\\w*)\\s*\\(`,
  );
  const hidden = (modifiers: string) => /\b(private|internal)\s/.test(modifiers);
  lines.forEach((text, index) => {
    const match = declaration.exec(text);
    if (match?.[2] && match[3]) {
      if (hidden(match[1] ?? '')) return;
      const modifiers = match[1] ?? '';
      const kind = /\benum\s/.test(modifiers)
        ? 'enum'
        : /\bannotation\s/.test(modifiers)
          ? 'annotation'
          : (jvmKinds[match[2]] ?? 'class');
      found.push({ name: match[3], kind, line: index + 1 });
      return;
    }
    const function_ = fun.exec(text);
    if (function_?.[2] && !hidden(function_[1] ?? ''))
      found.push({ name: function_[2], kind: 'function', line: index + 1 });
  });
  return found;
};

const csharp: Extractor = (lines) => {
  const found: FoundSymbol[] = [];
  const declaration =
    /^\s*public\s+(?:(?:abstract|sealed|static|partial|readonly|ref|record|unsafe)\s+)*(class|interface|enum|struct|record)\s+([A-Za-z_]\w*)/;
  lines.forEach((text, index) => {
    const match = declaration.exec(text);
    if (match?.[1] && match[2])
      found.push({ name: match[2], kind: jvmKinds[match[1]] ?? 'class', line: index + 1 });
  });
  return found;
};

const extractors: Record<string, Extractor> = {
  TypeScript: typescript,
  JavaScript: typescript,
  Python: python,
  Go: go,
  Rust: rust,
  Java: java,
  Kotlin: kotlin,
  'C#': csharp,
};

/** Whether symbols are extracted for a language. */
export function hasSymbols(language: string): boolean {
  return language in extractors;
}

/**
 * The exported symbols of one file in `language`, by regular expressions over its lines: good
 * for a map of a code base, not a parser (a symbol inside a template string is found too).
 * Each carries its doc comment's first paragraph when it has one (doc-comments.ts).
 */
export function extractSymbols(language: string, file: string, text: string): ExportedSymbol[] {
  const extractor = extractors[language];
  if (!extractor) return [];
  // Go tests export Test… functions that nothing imports
  if (language === 'Go' && file.endsWith('_test.go')) return [];
  const seen = new Set<string>();
  const symbols: ExportedSymbol[] = [];
  const lines = text.split(/\r?\n/);
  for (const one of extractor(lines)) {
    // overloads and re-declarations are one symbol, at their first line
    const key = `${one.kind} ${one.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const doc = one.kind === 'reexport' ? undefined : docCommentAt(language, lines, one.line);
    symbols.push({
      name: one.name,
      kind: one.kind,
      language,
      file,
      line: one.line,
      ...(doc ? { doc } : {}),
    });
  }
  return symbols;
}
