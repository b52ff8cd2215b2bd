// ape-smoke-matrix.mjs: the per-category view of the reusable smoke workflow. A program that
// prints one `probe: <category> pass|fail <detail>` line per check (examples/probe does) gets a
// platform x category matrix: a markdown table of coloured cells for the run summary and an SVG
// of the same matrix that the run keeps as an artifact.
//
// Pure functions only (data in, text out); ape-smoke-summary.mjs does the reading and writing.
// Everything that comes from a result file is treated as untrusted text: checked on the way in,
// escaped on the way out.

/**
 * @typedef {{ category: string, result: 'pass' | 'fail', detail: string }} ProbeEntry
 * @typedef {{ platform: string, allowed_failure?: boolean, probe?: ProbeEntry[] }} SummaryRow
 * @typedef {{ result: 'pass' | 'fail' | 'none', detail: string }} Cell
 * @typedef {{ platform: string, allowed_failure: boolean, cells: Cell[] }} MatrixRow
 * @typedef {{ categories: string[], platforms: MatrixRow[] }} Matrix
 */

/** What ape-smoke.sh accepts as a category name; anything else is dropped, not rendered. */
const CATEGORY_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** The three states of a cell: its emoji in markdown, its colour and mark in the SVG. */
export const CELL_STYLES = {
  pass: { emoji: '🟩', fill: '#2da44e', ink: '#ffffff', mark: '✓', label: 'pass' },
  fail: { emoji: '🟥', fill: '#cf222e', ink: '#ffffff', mark: '✗', label: 'fail' },
  none: { emoji: '⬜', fill: '#d0d7de', ink: '#57606a', mark: '–', label: 'not run' }
};

/**
 * The probe entries of one result file, checked.
 * @param {unknown} raw
 * @returns {ProbeEntry[]}
 */
export function probeEntries(raw) {
  if (!Array.isArray(raw)) return [];
  return raw
    .filter(
      entry =>
        typeof entry?.category === 'string' &&
        CATEGORY_NAME.test(entry.category) &&
        (entry.result === 'pass' || entry.result === 'fail')
    )
    .map(({ category, result, detail }) => ({
      category,
      result,
      detail: typeof detail === 'string' ? detail : ''
    }));
}

/** Every category any row reported, in the order they first appear (plan order, then output). */
function categoriesOf(rows) {
  const seen = new Set();
  for (const row of rows) for (const entry of row.probe ?? []) seen.add(entry.category);
  return [...seen];
}

/** One cell: a category fails if any of its lines failed, passes if it has lines, else none. */
function cellOf(row, category) {
  const entries = (row.probe ?? []).filter(entry => entry.category === category);
  if (entries.length === 0) return { result: 'none', detail: '' };
  const failed = entries.find(entry => entry.result === 'fail');
  const chosen = failed ?? entries[entries.length - 1];
  return { result: chosen.result, detail: chosen.detail };
}

/**
 * The matrix of summary rows: categories as columns, one line per platform with one cell per
 * category. null when no platform printed a probe line.
 * @param {SummaryRow[]} rows
 * @returns {Matrix | null}
 */
export function probeMatrix(rows) {
  const categories = categoriesOf(rows);
  if (categories.length === 0) return null;
  return {
    categories,
    platforms: rows.map(row => ({
      platform: row.platform,
      allowed_failure: Boolean(row.allowed_failure),
      cells: categories.map(category => cellOf(row, category))
    }))
  };
}

// ---------------------------------------------------------------------------------------------
// Escaping

const FORBIDDEN_IN_XML = '[\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\ufffe\\uffff]';
const LONE_HIGH_SURROGATE = '[\\ud800-\\udbff](?![\\udc00-\\udfff])';
const LONE_LOW_SURROGATE = '(?<![\\ud800-\\udbff])[\\udc00-\\udfff]';
const XML_UNSAFE = new RegExp(
  `${FORBIDDEN_IN_XML}|${LONE_HIGH_SURROGATE}|${LONE_LOW_SURROGATE}`,
  'g'
);

/** Drops what XML 1.0 cannot hold at all (most control characters, lone surrogates). */
function xmlCharacters(text) {
  return String(text).replace(XML_UNSAFE, '');
}

/**
 * Text safe inside an XML element or a double- or single-quoted attribute.
 * @param {unknown} text
 * @returns {string}
 */
export function escapeXml(text) {
  return xmlCharacters(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/**
 * Text that GitHub's markdown shows as itself: on one line, HTML special characters as entities,
 * the markdown punctuation that could end a table cell or start emphasis, code or a link
 * backslash-escaped.
 * @param {unknown} text
 * @returns {string}
 */
export function escapeMarkdown(text) {
  return xmlCharacters(text)
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|~]/g, character => `\\${character}`);
}

function platformLabel(platform) {
  return platform.allowed_failure ? `${platform.platform} (allowed to fail)` : platform.platform;
}

// ---------------------------------------------------------------------------------------------
// Markdown

/**
 * The matrix as markdown: a table of coloured cells, a legend, then every failure's detail.
 * @param {Matrix} matrix
 * @returns {string}
 */
export function renderMatrixMarkdown(matrix) {
  const { categories, platforms } = matrix;
  const header = `| Platform | ${categories.map(escapeMarkdown).join(' | ')} |`;
  const rule = `|---|${categories.map(() => ':-:').join('|')}|`;
  const lines = platforms.map(
    platform =>
      `| ${escapeMarkdown(platformLabel(platform))} | ${platform.cells
        .map(cell => CELL_STYLES[cell.result].emoji)
        .join(' | ')} |`
  );
  const legend = Object.values(CELL_STYLES)
    .map(style => `${style.emoji} ${style.label}`)
    .join(' · ');
  const failure = (platform, cell, index) => {
    const where = `${escapeMarkdown(platform.platform)} · ${escapeMarkdown(categories[index])}`;
    return `- ${where}: ${escapeMarkdown(cell.detail) || 'no detail'}`;
  };
  const failures = platforms.flatMap(platform =>
    platform.cells.flatMap((cell, index) =>
      cell.result === 'fail' ? [failure(platform, cell, index)] : []
    )
  );
  return [
    '### Per category',
    '',
    header,
    rule,
    ...lines,
    '',
    legend,
    '',
    ...(failures.length > 0 ? ['Failed categories:', '', ...failures, ''] : [])
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// SVG

// Monospace text, so column widths follow from character counts without measuring fonts.
const CHAR_WIDTH = 7.5;
const FONT_FAMILY = 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace';
const ROW_HEIGHT = 24;
const HEADER_HEIGHT = 30;
const TITLE_HEIGHT = 28;
const LEGEND_HEIGHT = 30;
const PAD = 10;

const textWidth = text => Math.ceil(text.length * CHAR_WIDTH);

/**
 * One XML element; every attribute value is escaped here, `content` must already be markup.
 * @param {string} name
 * @param {Record<string, string | number>} attributes
 * @param {string} [content]
 */
function element(name, attributes, content) {
  const pairs = Object.entries(attributes).map(([key, value]) => ` ${key}="${escapeXml(value)}"`);
  const open = `<${name}${pairs.join('')}`;
  return content === undefined ? `${open}/>` : `${open}>${content}</${name}>`;
}

/** A line of text at (x, y); `text` is escaped here. */
const label = (x, y, text, extra = {}) => element('text', { x, y, ...extra }, escapeXml(text));

function svgLayout(matrix) {
  const labelWidth =
    Math.max(textWidth('platform'), ...matrix.platforms.map(p => textWidth(platformLabel(p)))) +
    PAD;
  const columnWidth = Math.max(44, ...matrix.categories.map(c => textWidth(c) + PAD));
  const gridTop = TITLE_HEIGHT + HEADER_HEIGHT;
  const gridWidth = labelWidth + columnWidth * matrix.categories.length;
  const width = Math.max(PAD * 2 + gridWidth, 360);
  const height = gridTop + ROW_HEIGHT * matrix.platforms.length + LEGEND_HEIGHT + PAD;
  return { labelWidth, columnWidth, gridTop, width, height };
}

const columnX = (layout, column) => PAD + layout.labelWidth + column * layout.columnWidth;

/** One cell: a rect.cell coloured by result (its title shows the detail) and its mark. */
function svgCell(layout, platform, category, cell, row, column) {
  const style = CELL_STYLES[cell.result];
  const x = columnX(layout, column);
  const y = layout.gridTop + row * ROW_HEIGHT;
  const detail = cell.detail ? ` — ${cell.detail}` : '';
  const tip = `${platform.platform} · ${category}: ${style.label}${detail}`;
  const rect = element(
    'rect',
    {
      class: 'cell',
      'data-platform': platform.platform,
      'data-category': category,
      'data-result': cell.result,
      x: x + 1,
      y: y + 1,
      width: layout.columnWidth - 2,
      height: ROW_HEIGHT - 2,
      rx: 3,
      fill: style.fill
    },
    element('title', {}, escapeXml(tip))
  );
  const mark = label(x + layout.columnWidth / 2, y + 16, style.mark, {
    'text-anchor': 'middle',
    fill: style.ink
  });
  return element('g', {}, rect + mark);
}

function svgLegend(layout) {
  const y = layout.height - LEGEND_HEIGHT;
  return Object.values(CELL_STYLES).map((style, index) => {
    const x = PAD + index * 110;
    const swatch = { x, y: y + 6, width: 14, height: 14, rx: 3, fill: style.fill };
    return element('rect', swatch) + label(x + 20, y + 17, style.label);
  });
}

/**
 * The matrix as a standalone SVG: one rect.cell per platform x category, coloured by result.
 * @param {Matrix} matrix
 * @param {string} [title]
 * @returns {string}
 */
export function renderMatrixSvg(matrix, title = 'APE smoke test: platform × category') {
  const layout = svgLayout(matrix);
  const bold = { 'font-weight': 'bold' };
  const headers = matrix.categories.map((category, column) =>
    label(columnX(layout, column) + layout.columnWidth / 2, layout.gridTop - 10, category, {
      ...bold,
      'text-anchor': 'middle'
    })
  );
  const rows = matrix.platforms.flatMap((platform, row) => [
    label(PAD, layout.gridTop + row * ROW_HEIGHT + 16, platformLabel(platform)),
    ...platform.cells.map((cell, column) =>
      svgCell(layout, platform, matrix.categories[column], cell, row, column)
    )
  ]);
  const content = [
    element('title', {}, escapeXml(title)),
    element('rect', { width: '100%', height: '100%', fill: '#ffffff' }),
    label(PAD, 20, title, bold),
    label(PAD, layout.gridTop - 10, 'platform', bold),
    ...headers,
    ...rows,
    ...svgLegend(layout)
  ];
  const root = {
    xmlns: 'http://www.w3.org/2000/svg',
    width: layout.width,
    height: layout.height,
    viewBox: `0 0 ${layout.width} ${layout.height}`,
    role: 'img',
    'font-family': FONT_FAMILY,
    'font-size': 12
  };
  const svg = element('svg', root, `\n${content.join('\n')}\n`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${svg}\n`;
}
