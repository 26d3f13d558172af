import { KEY_PATTERN, PROPOSAL_LIMITS, type ProposalError } from './proposal.js';
import type { ArrayNode, ObjectNode, SourceNode } from './source-tree.js';

/** Where a value is: its JSON path, its line, and how a message names it. */
export interface At {
  path: string;
  line: number;
  label: string;
}

/**
 * Typed access to a SourceNode tree that collects problems instead of throwing: each reader
 * returns the value, or undefined after recording an error that names the value (its label,
 * else its JSON path), its line and its path.
 */
export class SourceReader {
  readonly errors: ProposalError[] = [];
  readonly warnings: string[] = [];

  protected fields(node: ObjectNode, path: string, known: string[]) {
    for (const [name, value] of node.entries) {
      if (!known.includes(name)) {
        this.warn(at(value, join(path, name)), `is not a proposal field; ignored`);
      }
    }
    return node.entries;
  }

  protected isObject(node: SourceNode, path: string): node is ObjectNode {
    if (node.kind === 'object') return true;
    this.error(at(node, path), `must be an object; got ${kindOf(node)}`);
    return false;
  }

  protected key(fields: Map<string, SourceNode>, path: string): string | undefined {
    const node = fields.get('key');
    if (!node || node.kind === 'null') return undefined;
    const keyAt = at(node, `${path}.key`);
    if (node.kind !== 'string')
      return void this.error(keyAt, `must be a string; got ${kindOf(node)}`);
    const key = node.value.trim();
    if (KEY_PATTERN.test(key)) return key;
    const rule = `1-${PROPOSAL_LIMITS.keyChars} letters, digits, ".", "_" or "-"`;
    return void this.error(keyAt, `must be ${rule}, starting with a letter or digit; got "${key}"`);
  }

  protected name(
    fields: Map<string, SourceNode>,
    parent: SourceNode,
    path: string,
    field: string,
    max: number,
    required: boolean,
  ): string | undefined {
    const node = fields.get(field);
    const where = fieldAt(node, parent, join(path, field));
    if (!node || node.kind === 'null') {
      return required ? void this.error(where, 'is required') : undefined;
    }
    if (node.kind !== 'string')
      return void this.error(where, `must be a string; got ${kindOf(node)}`);
    const name = node.value.trim().replace(/\s+/g, ' ');
    if (!name) return void this.error(where, 'must not be empty');
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(name)) {
      return void this.error(where, 'must not contain control characters');
    }
    if (name.length > max) {
      return void this.error(where, `must be at most ${max} characters; got ${name.length}`);
    }
    return name;
  }

  protected text(fields: Map<string, SourceNode>, path: string, field: string): string | undefined {
    const node = fields.get(field);
    if (!node || node.kind === 'null') return undefined;
    const where = at(node, join(path, field));
    if (node.kind !== 'string')
      return void this.error(where, `must be a string; got ${kindOf(node)}`);
    const text = node.value.trim();
    const max = PROPOSAL_LIMITS.descriptionChars;
    if (text.length > max)
      return void this.error(where, `must be at most ${max} characters; got ${text.length}`);
    return text;
  }

  protected array(
    fields: Map<string, SourceNode>,
    parent: SourceNode,
    path: string,
    field: string,
    required: boolean,
  ): ArrayNode | undefined {
    const node = fields.get(field);
    const where = fieldAt(node, parent, join(path, field));
    if (!node || node.kind === 'null') {
      return required ? void this.error(where, 'is required') : undefined;
    }
    if (node.kind !== 'array')
      return void this.error(where, `must be an array; got ${kindOf(node)}`);
    return node;
  }

  error(where: At, problem: string): void {
    this.errors.push({
      message: `${where.label} ${problem}`,
      line: where.line,
      ...(where.path ? { path: where.path } : {}),
    });
  }

  warn(where: At, problem: string): void {
    this.warnings.push(`line ${where.line}: ${where.label} ${problem}`);
  }
}

export function at(node: SourceNode, path: string, fallbackLabel = path): At {
  return { path, line: node.line, label: node.label ?? fallbackLabel };
}

/** Where a field is, or would be: a missing field is placed on its parent's line. */
export function fieldAt(node: SourceNode | undefined, parent: SourceNode, path: string): At {
  return node ? at(node, path) : { path, line: parent.line, label: path };
}

export function join(path: string, field: string): string {
  return path ? `${path}.${field}` : field;
}

export function kindOf(node: SourceNode): string {
  return node.kind === 'object' ? 'an object' : node.kind === 'array' ? 'an array' : node.kind;
}
