/**
 * ANSI colour codes in run output, made safe to show: SGR sequences (`ESC[…m`) become class
 * names on plain-text segments, every other escape sequence is dropped. Nothing here is ever
 * rendered as HTML: the segments are text, and the classes come from a fixed list.
 */

const COLOURS = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'] as const;
export type AnsiColour = (typeof COLOURS)[number];

/** The style in effect: what SGR codes set so far. */
export interface AnsiStyle {
  readonly fg?: AnsiColour;
  readonly bright?: boolean;
  readonly bg?: AnsiColour;
  readonly bold?: boolean;
  readonly dim?: boolean;
  readonly italic?: boolean;
  readonly underline?: boolean;
}

export interface AnsiSegment {
  readonly text: string;
  /** Space-separated `ansi-*` classes; empty for plain text. */
  readonly classes: string;
}

/** CSI (ESC [ params final), OSC (ESC ] … BEL or ESC \), and any other two-byte escape. */
const ESCAPES =
  // eslint-disable-next-line no-control-regex -- escape sequences are what this matches
  /\u001b\[([0-9;?]*)([@-~])|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]?/g;
/** Other control characters that have no place on screen (tab, newline and CR stay). */
// eslint-disable-next-line no-control-regex -- control characters are what this matches
const CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001a\u001c-\u001f\u007f]/g;

function apply(style: AnsiStyle, params: string): AnsiStyle {
  const codes = params === '' ? [0] : params.split(';').map((code) => Number(code) || 0);
  let next: AnsiStyle = style;
  for (let index = 0; index < codes.length; index++) {
    const code = codes[index]!;
    if (code === 0) next = {};
    else if (code === 1) next = { ...next, bold: true };
    else if (code === 2) next = { ...next, dim: true };
    else if (code === 3) next = { ...next, italic: true };
    else if (code === 4) next = { ...next, underline: true };
    else if (code === 22) next = { ...next, bold: false, dim: false };
    else if (code === 23) next = { ...next, italic: false };
    else if (code === 24) next = { ...next, underline: false };
    else if (code >= 30 && code <= 37) next = { ...next, fg: COLOURS[code - 30], bright: false };
    else if (code >= 90 && code <= 97) next = { ...next, fg: COLOURS[code - 90], bright: true };
    else if (code === 39) next = { ...next, fg: undefined, bright: false };
    else if (code >= 40 && code <= 47) next = { ...next, bg: COLOURS[code - 40] };
    else if (code >= 100 && code <= 107) next = { ...next, bg: COLOURS[code - 100] };
    else if (code === 49) next = { ...next, bg: undefined };
    // 256-colour and true-colour forms (38;5;n, 38;2;r;g;b): skipped, not guessed at.
    else if (code === 38 || code === 48) index += codes[index + 1] === 5 ? 2 : 4;
  }
  return next;
}

function classesOf(style: AnsiStyle): string {
  const classes: string[] = [];
  if (style.fg) classes.push(`ansi-${style.bright ? 'bright-' : ''}${style.fg}`);
  if (style.bg) classes.push(`ansi-bg-${style.bg}`);
  if (style.bold) classes.push('ansi-bold');
  if (style.dim) classes.push('ansi-dim');
  if (style.italic) classes.push('ansi-italic');
  if (style.underline) classes.push('ansi-underline');
  return classes.join(' ');
}

/**
 * Splits text into styled segments, starting from `style` (the style a stream's previous chunk
 * ended with) and returning the style it ends with, so colours carry across chunks.
 */
export function parseAnsi(
  text: string,
  style: AnsiStyle = {},
): { segments: AnsiSegment[]; style: AnsiStyle } {
  const segments: AnsiSegment[] = [];
  let current = style;
  let last = 0;
  const push = (raw: string) => {
    const plain = raw.replace(CONTROLS, '');
    if (plain === '') return;
    const classes = classesOf(current);
    const previous = segments.at(-1);
    if (previous && previous.classes === classes) {
      segments[segments.length - 1] = { text: previous.text + plain, classes };
    } else {
      segments.push({ text: plain, classes });
    }
  };
  for (const match of text.matchAll(ESCAPES)) {
    push(text.slice(last, match.index));
    last = match.index + match[0].length;
    if (match[2] === 'm') current = apply(current, match[1] ?? '');
  }
  push(text.slice(last));
  return { segments, style: current };
}

/** The text without any escape sequence: for copying and searching. */
export function stripAnsi(text: string): string {
  return parseAnsi(text)
    .segments.map((segment) => segment.text)
    .join('');
}
