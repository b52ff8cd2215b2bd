// The per-category view of the reusable smoke workflow (workflows/ape-smoke-matrix.mjs): probe
// entries checked on the way in, the platform x category matrix, and its markdown and SVG
// renderings with everything that came from a result file escaped.
import { describe, expect, it } from '@jest/globals';
import {
  CELL_STYLES,
  escapeMarkdown,
  escapeXml,
  probeEntries,
  probeMatrix,
  renderMatrixMarkdown,
  renderMatrixSvg
} from '../../workflows/ape-smoke-matrix.mjs';

type Verdict = 'pass' | 'fail';
interface Entry {
  category: string;
  result: Verdict;
  detail: string;
}

const row = (platform: string, probe: Entry[], allowed_failure = false) => ({
  platform,
  allowed_failure,
  probe
});
const entry = (category: string, result: Verdict, detail = `${category} ${result}`): Entry => ({
  category,
  result,
  detail
});

/** The matrix of rows that must have one. */
function matrixOf(rows: Parameters<typeof probeMatrix>[0]) {
  const matrix = probeMatrix(rows);
  if (!matrix) throw new Error('no probe matrix');
  return matrix;
}

/**
 * A strict check for the XML this renderer writes: one root element, every tag closed in order,
 * attribute values quoted, `<` never raw in text or attributes, `&` only as an entity, no
 * character XML 1.0 forbids. Throws on the first violation.
 */
function assertWellFormedXml(xml: string): void {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/.test(xml)) {
    throw new Error('a character XML 1.0 forbids');
  }
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const token = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/g;
  const entity = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;
  const stack: string[] = [];
  let roots = 0;
  for (const match of body.matchAll(token)) {
    const [, closing, name, attributes, selfClosing, text, stray] = match;
    if (stray) throw new Error(`a raw '<' at ${match.index}`);
    const plain = (text ?? attributes ?? '').replace(entity, '');
    if (plain.includes('&')) throw new Error(`a raw '&' near ${match.index}`);
    if (text !== undefined) {
      if (stack.length === 0 && text.trim() !== '') throw new Error('text outside the root');
      continue;
    }
    if (closing) {
      if (stack.pop() !== name) throw new Error(`</${name}> closes the wrong element`);
      continue;
    }
    if (stack.length === 0) roots += 1;
    if (!selfClosing) stack.push(name);
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.join('>, <')}>`);
  if (roots !== 1) throw new Error(`${roots} root elements`);
}

describe('assertWellFormedXml (the test helper itself)', () => {
  it.each([
    ['an unclosed element', '<svg><g></svg>'],
    ['a raw ampersand', '<svg>a & b</svg>'],
    ['a raw less-than', '<svg>a < b</svg>'],
    ['an unquoted attribute', '<svg x=1></svg>'],
    ['two roots', '<a/><b/>'],
    ['a control character', '<svg>\u0001</svg>']
  ])('rejects %s', (_name, xml) => {
    expect(() => assertWellFormedXml(xml)).toThrow();
  });

  it('accepts entities, self-closing tags and a declaration', () => {
    expect(() =>
      assertWellFormedXml('<?xml version="1.0"?>\n<svg a="&quot;"><r/>&amp;&#120;</svg>')
    ).not.toThrow();
  });
});

describe('probeEntries', () => {
  it('keeps well-formed entries and drops the rest', () => {
    expect(
      probeEntries([
        entry('fs', 'pass'),
        { category: 'net', result: 'fail' },
        { category: 'bad name', result: 'pass', detail: '' },
        { category: 'x'.repeat(65), result: 'pass', detail: '' },
        { category: 'time', result: 'skipped', detail: '' },
        null,
        'probe: fs pass'
      ])
    ).toEqual([entry('fs', 'pass'), { category: 'net', result: 'fail', detail: '' }]);
  });

  it('treats anything but an array as no entries (result files from older runners)', () => {
    expect(probeEntries(undefined)).toEqual([]);
    expect(probeEntries({ fs: 'pass' })).toEqual([]);
  });
});

describe('probeMatrix', () => {
  it('is null when no platform printed a probe line', () => {
    expect(probeMatrix([row('linux-x86_64', []), row('openbsd', [])])).toBeNull();
  });

  it('has every category any platform reported, first-seen order, one cell per platform', () => {
    const matrix = probeMatrix([
      row('linux-x86_64', [entry('fs', 'pass'), entry('net', 'pass')]),
      row('macos-arm64', [entry('fs', 'pass'), entry('ffi', 'fail', 'snprintf differs')]),
      row('openbsd', [], true)
    ]);
    expect(matrix?.categories).toEqual(['fs', 'net', 'ffi']);
    expect(matrix?.platforms.map(p => p.cells.map(c => c.result))).toEqual([
      ['pass', 'pass', 'none'],
      ['pass', 'none', 'fail'],
      ['none', 'none', 'none']
    ]);
    expect(matrix?.platforms[1].cells[2].detail).toBe('snprintf differs');
    expect(matrix?.platforms[2].allowed_failure).toBe(true);
  });

  it('shows a category that printed both a pass and a fail line as failed', () => {
    const matrix = probeMatrix([
      row('freebsd', [entry('net', 'fail', 'refused'), entry('net', 'pass')])
    ]);
    expect(matrix?.platforms[0].cells).toEqual([{ result: 'fail', detail: 'refused' }]);
  });
});

describe('escaping', () => {
  it('escapes XML specials and drops characters XML cannot hold', () => {
    expect(escapeXml(`a<b>&"c"'\u0001\ud800z`)).toBe('a&lt;b&gt;&amp;&quot;c&quot;&apos;z');
    expect(escapeXml('é 😀')).toBe('é 😀');
  });

  it('keeps markdown text on one line and inert', () => {
    expect(escapeMarkdown('a|b *c* _d_ `e` [f](g) <h> & \\ ~\nnext')).toBe(
      'a\\|b \\*c\\* \\_d\\_ \\`e\\` \\[f\\](g) &lt;h&gt; &amp; \\\\ \\~ next'
    );
  });
});

describe('renderMatrixMarkdown', () => {
  const matrix = matrixOf([
    row('linux-x86_64', [entry('fs', 'pass'), entry('net', 'fail', 'EAGAIN | <b>x</b>')]),
    row('openbsd', [], true)
  ]);

  it('is a table of coloured cells, one row per platform, and a legend', () => {
    const markdown = renderMatrixMarkdown(matrix);
    expect(markdown).toContain('| Platform | fs | net |\n|---|:-:|:-:|\n');
    expect(markdown).toContain(`| linux-x86\\_64 | ${CELL_STYLES.pass.emoji} | 🟥 |`);
    expect(markdown).toContain('| openbsd (allowed to fail) | ⬜ | ⬜ |');
    expect(markdown).toContain('🟩 pass · 🟥 fail · ⬜ not run');
  });

  it("lists each failure's detail, escaped", () => {
    expect(renderMatrixMarkdown(matrix)).toContain(
      '- linux-x86\\_64 · net: EAGAIN \\| &lt;b&gt;x&lt;/b&gt;'
    );
  });
});

describe('renderMatrixSvg', () => {
  const platforms = ['linux-x86_64', 'macos-arm64', 'windows-x64', 'freebsd'];
  const categories = ['fs', 'threads', 'net'];
  // Each platform fails a different category; freebsd printed nothing.
  const rows = platforms.map((platform, index) =>
    row(
      platform,
      index === 3
        ? []
        : categories.map(category =>
            entry(category, categories[index] === category ? 'fail' : 'pass', `<&"'${category}>`)
          )
    )
  );
  const svg = renderMatrixSvg(matrixOf(rows));
  const cells = [...svg.matchAll(/<rect class="cell"([^>]*)>/g)].map(([, attributes]) => {
    const attribute = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(attributes)?.[1];
    return {
      platform: attribute('data-platform'),
      category: attribute('data-category'),
      result: attribute('data-result'),
      fill: attribute('fill')
    };
  });

  it('is well-formed XML with an svg root', () => {
    expect(() => assertWellFormedXml(svg)).not.toThrow();
    expect(svg).toMatch(/^<\?xml [^>]*\?>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  });

  it('has exactly one cell per platform x category', () => {
    expect(cells).toHaveLength(platforms.length * categories.length);
    const keys = new Set(cells.map(c => `${c.platform}/${c.category}`));
    expect(keys.size).toBe(platforms.length * categories.length);
  });

  it('colours each cell by its result', () => {
    for (const cell of cells) {
      const index = platforms.indexOf(cell.platform as string);
      const expected = index === 3 ? 'none' : categories[index] === cell.category ? 'fail' : 'pass';
      expect(cell).toMatchObject({
        result: expected,
        fill: CELL_STYLES[expected as keyof typeof CELL_STYLES].fill
      });
    }
    expect(new Set(cells.map(c => c.fill)).size).toBe(3);
  });

  it('escapes the details it shows and survives hostile platform names', () => {
    expect(svg).toContain('&lt;&amp;&quot;&apos;fs&gt;');
    expect(svg).not.toContain(`<&"'fs>`);
    const hostile = renderMatrixSvg(
      matrixOf([row('a"><script>x</script>\u0007', [entry('fs', 'fail', ']]>&#0;')])])
    );
    expect(() => assertWellFormedXml(hostile)).not.toThrow();
    expect(hostile).not.toContain('<script>');
  });
});
