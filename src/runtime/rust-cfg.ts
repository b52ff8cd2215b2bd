/**
 * Just enough of Rust's `cfg` to tell which of a libc source's cfg-gated variants a cosmo target
 * compiles: `#[cfg(...)]` on an item and the branches of `cfg_if!` blocks around it. The target
 * is a musl Linux one (the spec derives from `<arch>-unknown-linux-musl`); any other cfg name
 * (libc's own build-script flags such as `linux_time_bits64`) is false, as libc's build script
 * sets none of them for these targets.
 *
 * Pure: text in, answers out.
 */
import type { Arch } from '../arch.js';

/** The key/value cfgs of a cosmo target, as rustc sets them for the musl base. */
export function cosmoTargetCfg(arch: Arch): ReadonlyMap<string, readonly string[]> {
  return new Map<string, readonly string[]>([
    ['target_arch', [arch]],
    ['target_os', ['linux']],
    ['target_env', ['musl']],
    ['target_family', ['unix']],
    ['target_pointer_width', ['64']],
    ['target_endian', ['little']]
  ]);
}

type Cfg = ReadonlyMap<string, readonly string[]>;

/** Whether `predicate` (the inside of `cfg(...)`) holds for `cfg`. Unknown forms are false. */
export function cfgHolds(predicate: string, cfg: Cfg): boolean {
  const tokens = predicate.match(/"[^"]*"|[A-Za-z_]\w*|[(),=]/g) ?? [];
  let position = 0;
  const parse = (): boolean => {
    const name = tokens[position++];
    if (name === 'all' || name === 'any' || name === 'not') {
      const values: boolean[] = [];
      position++; // (
      while (tokens[position] !== ')' && position < tokens.length) {
        values.push(parse());
        if (tokens[position] === ',') position++;
      }
      position++; // )
      if (name === 'all') return values.every(Boolean);
      if (name === 'any') return values.some(Boolean);
      return !values[0];
    }
    if (tokens[position] === '=') {
      const value = (tokens[position + 1] ?? '').replace(/^"|"$/g, '');
      position += 2;
      return cfg.get(name ?? '')?.includes(value) ?? false;
    }
    return name === 'unix';
  };
  return parse();
}

/** `#[cfg(P)]` attributes directly above `index` (blank lines, comments and attributes skipped). */
function itemCfgs(text: string, index: number): string[] {
  const lines = text.slice(0, index).split('\n');
  lines.pop(); // the item's own line
  const cfgs: string[] = [];
  for (let i = lines.length - 1; i >= 0; i--) {
    let line = lines[i].trim();
    // an attribute rustfmt broke over lines (`#[cfg(any(` ... `))]`): read it whole
    if (line.endsWith(')]') && !line.startsWith('#[')) {
      let start = i - 1;
      while (start > 0 && !/^\s*#\[|[;{}]\s*$/.test(lines[start])) start--;
      if (start >= 0 && lines[start].trim().startsWith('#[')) {
        line = lines
          .slice(start, i + 1)
          .map(part => part.trim())
          .join(' ');
        i = start;
      }
    }
    const cfg = /^#\[cfg\(([\s\S]*)\)\]$/.exec(line);
    if (cfg) cfgs.push(cfg[1]);
    else if (!line.startsWith('#[') && !line.startsWith('//') && line !== '') break;
  }
  return cfgs;
}

interface Branch {
  /** The cfg predicates that must hold, and those that must not (earlier branches of a chain). */
  holds: string[];
  fails: string[];
}

/** `text` with comments blanked out (same length, so indices stay valid). */
function withoutComments(text: string): string {
  return text.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, comment => comment.replace(/[^\n]/g, ' '));
}

interface Open {
  branch?: Branch;
  /** The chain's predicates including this branch, for an `else` that follows it. */
  chainAfter: string[];
}

/**
 * The `cfg_if!` branches enclosing `index`: walks the text with a brace stack; each `{` opened
 * by `if #[cfg(P)]`, `else if #[cfg(P)]` or `else` of a chain records what must (not) hold.
 */
function enclosingBranches(source: string, index: number): Branch[] {
  const text = withoutComments(source.slice(0, index));
  const stack: Open[] = [];
  let chain: string[] = []; // the predicates of the chain whose branch just closed
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '{') {
      stack.push(opened(text.slice(last, i).trim(), chain));
      chain = [];
      last = i + 1;
    } else if (ch === '}') {
      chain = stack.pop()?.chainAfter ?? [];
      last = i + 1;
    } else if (ch === ';') {
      chain = [];
      last = i + 1;
    }
  }
  return stack.flatMap(open => (open.branch ? [open.branch] : []));
}

function opened(header: string, chain: string[]): Open {
  const conditional = /(?:^|\s)(else\s+)?if\s+#\[cfg\(([\s\S]*)\)\]$/.exec(header);
  if (conditional) {
    const previous = conditional[1] ? chain : [];
    return {
      branch: { holds: [conditional[2]], fails: previous },
      chainAfter: [...previous, conditional[2]]
    };
  }
  if (/(?:^|\s)else$/.test(header)) return { branch: { holds: [], fails: chain }, chainAfter: [] };
  return { chainAfter: [] };
}

/** Whether the item starting at `index` of `text` is compiled for `cfg`. */
export function itemIsCompiled(text: string, index: number, cfg: Cfg): boolean {
  if (!itemCfgs(text, index).every(predicate => cfgHolds(predicate, cfg))) return false;
  return enclosingBranches(text, index).every(
    branch =>
      branch.holds.every(predicate => cfgHolds(predicate, cfg)) &&
      branch.fails.every(predicate => !cfgHolds(predicate, cfg))
  );
}
