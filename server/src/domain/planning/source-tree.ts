/**
 * A JSON-like value that remembers where it was written. The JSON reader below and the
 * Markdown outline reader both produce it, so one validator checks both formats and every
 * error can name a line. `label` is how a message names the value when it is not a JSON path
 * (the Markdown field as the author wrote it, e.g. `estimate`).
 */
export type SourceNode =
  | { kind: 'string'; value: string; line: number; label?: string }
  | { kind: 'number'; value: number; line: number; label?: string }
  | { kind: 'boolean'; value: boolean; line: number; label?: string }
  | { kind: 'null'; line: number; label?: string }
  | { kind: 'array'; items: SourceNode[]; line: number; label?: string }
  | { kind: 'object'; entries: Map<string, SourceNode>; line: number; label?: string };

export type ObjectNode = Extract<SourceNode, { kind: 'object' }>;
export type ArrayNode = Extract<SourceNode, { kind: 'array' }>;

export type JsonReadResult =
  { ok: true; node: SourceNode } | { ok: false; message: string; line: number; column: number };

const MAX_DEPTH = 64;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}

/**
 * Reads strict JSON (RFC 8259) into a SourceNode tree. `firstLine` is the line number of the
 * text's first line in the document it came from (a fenced block starts further down). A
 * syntax error names its line and column; an object that names a field twice is an error too,
 * because the two values cannot both be meant.
 */
export function readJson(text: string, firstLine = 1): JsonReadResult {
  const reader = new JsonReader(text);
  try {
    reader.space();
    const node = reader.value(0);
    reader.space();
    if (reader.pos < text.length) reader.fail('unexpected text after the JSON value');
    return { ok: true, node: shift(node, firstLine - 1) };
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    const { line, column } = position(text, error.at);
    return { ok: false, message: error.message, line: line + firstLine - 1, column };
  }
}

function position(text: string, at: number): { line: number; column: number } {
  const before = text.slice(0, at);
  const lastBreak = before.lastIndexOf('\n');
  return { line: before.split('\n').length, column: at - lastBreak };
}

function shift(node: SourceNode, by: number): SourceNode {
  if (by === 0) return node;
  node.line += by;
  if (node.kind === 'array') node.items.forEach((item) => shift(item, by));
  if (node.kind === 'object') node.entries.forEach((entry) => shift(entry, by));
  return node;
}

class JsonReader {
  pos = 0;
  private line = 1;

  constructor(private readonly text: string) {}

  fail(message: string, at = this.pos): never {
    throw new JsonSyntaxError(message, at);
  }

  space(): void {
    for (;;) {
      const c = this.text[this.pos];
      if (c === '\n') this.line++;
      else if (c !== ' ' && c !== '\t' && c !== '\r') return;
      this.pos++;
    }
  }

  value(depth: number): SourceNode {
    if (depth > MAX_DEPTH) this.fail(`nested deeper than ${MAX_DEPTH} levels`);
    const c = this.text[this.pos];
    const line = this.line;
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return { kind: 'string', value: this.string(), line };
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    if (this.word('true')) return { kind: 'boolean', value: true, line };
    if (this.word('false')) return { kind: 'boolean', value: false, line };
    if (this.word('null')) return { kind: 'null', line };
    if (c === undefined) this.fail('unexpected end of the JSON text; expected a value');
    this.fail(`unexpected ${describe(c)}; expected a value`);
  }

  private word(word: string): boolean {
    if (!this.text.startsWith(word, this.pos)) return false;
    this.pos += word.length;
    return true;
  }

  private object(depth: number): SourceNode {
    const node: SourceNode = { kind: 'object', entries: new Map(), line: this.line };
    this.pos++;
    this.space();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return node;
    }
    for (;;) {
      if (this.text[this.pos] !== '"') this.expected('a field name in double quotes');
      const nameAt = this.pos;
      const name = this.string();
      if (node.entries.has(name)) this.fail(`field "${name}" is given twice`, nameAt);
      this.space();
      if (this.text[this.pos] !== ':') this.expected('":" after the field name');
      this.pos++;
      this.space();
      node.entries.set(name, this.value(depth + 1));
      this.space();
      if (this.text[this.pos] === '}') {
        this.pos++;
        return node;
      }
      if (this.text[this.pos] !== ',') this.expected('"," or "}"');
      const comma = this.pos++;
      this.space();
      if (this.text[this.pos] === '}')
        this.fail('a comma before "}" (trailing commas are not JSON)', comma);
    }
  }

  private array(depth: number): SourceNode {
    const node: SourceNode = { kind: 'array', items: [], line: this.line };
    this.pos++;
    this.space();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return node;
    }
    for (;;) {
      node.items.push(this.value(depth + 1));
      this.space();
      if (this.text[this.pos] === ']') {
        this.pos++;
        return node;
      }
      if (this.text[this.pos] !== ',') this.expected('"," or "]"');
      const comma = this.pos++;
      this.space();
      if (this.text[this.pos] === ']')
        this.fail('a comma before "]" (trailing commas are not JSON)', comma);
    }
  }

  private string(): string {
    const start = this.pos;
    this.pos++;
    let out = '';
    for (;;) {
      const c = this.text[this.pos];
      if (c === undefined) this.fail('a string that never ends', start);
      if (c === '"') break;
      if (c === '\n') this.fail('a line break inside a string (write it as \\n)');
      if (c < ' ') this.fail('a control character inside a string');
      if (c === '\\') {
        out += this.escape();
        continue;
      }
      out += c;
      this.pos++;
    }
    this.pos++;
    return out;
  }

  private escape(): string {
    const c = this.text[this.pos + 1];
    const simple: Record<string, string> = {
      '"': '"',
      '\\': '\\',
      '/': '/',
      b: '\b',
      f: '\f',
      n: '\n',
      r: '\r',
      t: '\t',
    };
    if (c !== undefined && simple[c] !== undefined) {
      this.pos += 2;
      return simple[c];
    }
    if (c === 'u') {
      const hex = this.text.slice(this.pos + 2, this.pos + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('a \\u escape needs four hex digits');
      this.pos += 6;
      return String.fromCharCode(parseInt(hex, 16));
    }
    return this.fail(`an unknown escape "\\${c ?? ''}" in a string`);
  }

  private number(): SourceNode {
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    if (!match) this.fail('a malformed number');
    const line = this.line;
    this.pos += match[0].length;
    return { kind: 'number', value: Number(match[0]), line };
  }

  private expected(what: string): never {
    const c = this.text[this.pos];
    this.fail(
      `${c === undefined ? 'unexpected end of the JSON text' : `unexpected ${describe(c)}`}; expected ${what}`,
    );
  }
}

function describe(c: string): string {
  if (c === '\n') return 'line break';
  return c === '"' ? `'"'` : `"${c}"`;
}
