/**
 * Just enough reading of Rust source to rewrite struct definitions in the `libc` crate: find one
 * `pub struct NAME { ... }`, split its body into fields (attributes, visibility, name, type), and
 * decide which `#[cfg(...)]` fields exist on a given target. Not a Rust parser: it knows string
 * literals, comments and bracket nesting, which is all the `libc` crate's plain `repr(C)` structs
 * use. Anything it cannot read is reported by the caller as drift, never guessed around.
 */

export interface RustField {
  /** Every attribute, verbatim (`#[cfg(...)]`, `#[deprecated(...)]`, `#[doc(hidden)]`). */
  attrs: string[];
  isPub: boolean;
  name: string;
  type: string;
}

export interface StructItem {
  /** Index of `pub struct`. */
  start: number;
  /** Index just past the closing `}` of the body. */
  end: number;
  /** The whitespace before `pub struct` when it starts its line, else empty. */
  indent: string;
  /** The complete attributes on the lines right above `pub struct`, verbatim. */
  outerAttrs: string[];
  fields: RustField[];
}

/** Where every `pub struct NAME {` outside a line comment starts (the index of `pub`). */
export function findStructs(text: string, name: string): number[] {
  const pattern = new RegExp(`\\bpub struct ${name}\\s*\\{`, 'g');
  return [...text.matchAll(pattern)]
    .map(match => match.index ?? 0)
    .filter(index => !linePrefix(text, index).includes('//'));
}

function linePrefix(text: string, index: number): string {
  return text.slice(text.lastIndexOf('\n', index - 1) + 1, index);
}

/** Reads the struct whose `pub struct` starts at `start`. */
export function readStruct(text: string, start: number): StructItem {
  const open = text.indexOf('{', start);
  const close = skipBalanced(text, open);
  const prefix = linePrefix(text, start);
  const ownLine = prefix.trim() === '';
  return {
    start,
    end: close,
    indent: ownLine ? prefix : '',
    outerAttrs: ownLine ? attributeLinesAbove(text, start - prefix.length) : [],
    fields: parseFields(text.slice(open + 1, close - 1))
  };
}

/**
 * The attribute lines directly above a line: whole `#[...]` lines only, stopping at anything
 * else (a comment, a blank line, the previous item). A multi-line attribute is not copied.
 */
function attributeLinesAbove(text: string, lineStart: number): string[] {
  const lines = text.slice(0, lineStart).split('\n');
  lines.pop(); // the (empty) part of the struct's own line before lineStart
  const attrs: string[] = [];
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i].trim();
    if (!line.startsWith('#[') || !line.endsWith(']')) break;
    attrs.unshift(line);
  }
  return attrs;
}

/** Splits a struct body into fields. Throws (with what it saw) on anything it cannot read. */
export function parseFields(body: string): RustField[] {
  const fields: RustField[] = [];
  let pos = skipTrivia(body, 0);
  while (pos < body.length) {
    const attrs: string[] = [];
    while (body.startsWith('#[', pos)) {
      const end = skipBalanced(body, pos + 1);
      attrs.push(body.slice(pos, end));
      pos = skipTrivia(body, end);
    }
    const head = /^(pub(?:\s*\([^)]*\))?\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*:/.exec(body.slice(pos));
    if (!head) throw new Error(`cannot read a field at: ${body.slice(pos, pos + 60).trim()}`);
    pos += head[0].length;
    const typeEnd = endOfType(body, pos);
    fields.push({
      attrs,
      isPub: head[1] !== undefined,
      name: head[2],
      type: body.slice(pos, typeEnd).trim()
    });
    pos = skipTrivia(body, typeEnd + 1);
  }
  return fields;
}

/** Index of the top-level `,` ending a field's type, or the end of the body. */
function endOfType(body: string, start: number): number {
  let depth = 0;
  for (let pos = start; pos < body.length; pos++) {
    const ch = body[pos];
    if (ch === '"') pos = skipString(body, pos) - 1;
    else if (ch === '-' && body[pos + 1] === '>') pos++;
    else if ('<([{'.includes(ch)) depth++;
    else if ('>)]}'.includes(ch)) depth--;
    else if (ch === ',' && depth === 0) return pos;
  }
  return body.length;
}

/** Skips whitespace and comments from `pos`. */
function skipTrivia(text: string, pos: number): number {
  for (;;) {
    while (pos < text.length && /\s/.test(text[pos])) pos++;
    if (text.startsWith('//', pos)) {
      const eol = text.indexOf('\n', pos);
      pos = eol < 0 ? text.length : eol + 1;
    } else if (text.startsWith('/*', pos)) {
      const close = text.indexOf('*/', pos + 2);
      pos = close < 0 ? text.length : close + 2;
    } else {
      return pos;
    }
  }
}

/** Index just past the string literal starting at `pos` (a `"`). */
function skipString(text: string, pos: number): number {
  for (let i = pos + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i + 1;
  }
  return text.length;
}

/**
 * Index just past the bracket group opening at `open` (`{`, `[` or `(`), skipping strings and
 * comments, so a `}` inside a doc string or a `// }` comment does not end it.
 */
export function skipBalanced(text: string, open: number): number {
  let depth = 0;
  for (let pos = open; pos < text.length; pos++) {
    const ch = text[pos];
    if (ch === '"') pos = skipString(text, pos) - 1;
    else if (text.startsWith('//', pos) || text.startsWith('/*', pos))
      pos = skipTrivia(text, pos) - 1;
    else if ('{[('.includes(ch)) depth++;
    else if ('}])'.includes(ch) && --depth === 0) return pos + 1;
  }
  throw new Error(`unbalanced '${text[open]}' at offset ${open}`);
}

/** A target's cfg values; names absent here are unknown (e.g. libc's build-script cfgs). */
export type CfgEnv = Readonly<Record<string, string | true>>;

/**
 * Kleene evaluation of a cfg predicate: true, false, or undefined when the answer depends on a
 * name the target does not fix (a feature, a build-script cfg). `all(unknown, false)` is still
 * false, so the libc crate's 32-bit-only alternatives resolve on a 64-bit target.
 */
export function evalCfg(predicate: string, env: CfgEnv): boolean | undefined {
  const [value, rest] = evalPredicate(predicate.trim(), env);
  if (rest.trim() !== '') throw new Error(`cannot read cfg predicate: ${predicate}`);
  return value;
}

type Parsed = [boolean | undefined, string];

function evalPredicate(text: string, env: CfgEnv): Parsed {
  const call = /^(all|any|not)\s*\(/.exec(text);
  if (call) return evalCall(call[1], text.slice(call[0].length), env);
  const keyValue = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"([^"]*)"/.exec(text);
  if (keyValue) {
    const known = env[keyValue[1]];
    const value = known === undefined ? undefined : known === keyValue[2];
    return [value, text.slice(keyValue[0].length)];
  }
  const flag = /^([A-Za-z_][A-Za-z0-9_]*)/.exec(text);
  if (!flag) throw new Error(`cannot read cfg predicate at: ${text}`);
  return [env[flag[1]] === true ? true : undefined, text.slice(flag[0].length)];
}

function evalCall(op: string, text: string, env: CfgEnv): Parsed {
  const values: (boolean | undefined)[] = [];
  let rest = text.trimStart();
  while (!rest.startsWith(')')) {
    const [value, after] = evalPredicate(rest, env);
    values.push(value);
    rest = after.trimStart().replace(/^,/, '').trimStart();
  }
  rest = rest.slice(1);
  if (op === 'not') return [values[0] === undefined ? undefined : !values[0], rest];
  const decisive = op === 'all' ? false : true;
  if (values.includes(decisive)) return [decisive, rest];
  return [values.includes(undefined) ? undefined : !decisive, rest];
}

/** The predicates of a field's `#[cfg(...)]` attributes. */
export function cfgPredicates(attrs: readonly string[]): string[] {
  return attrs
    .map(attr => /^#\[\s*cfg\s*\(([\s\S]*)\)\s*\]$/.exec(attr)?.[1])
    .filter((predicate): predicate is string => predicate !== undefined);
}

/** Attributes other than `#[cfg(...)]` (docs, deprecations): these travel with a field. */
export function nonCfgAttrs(attrs: readonly string[]): string[] {
  return attrs.filter(attr => !/^#\[\s*cfg\s*\(/.test(attr));
}
