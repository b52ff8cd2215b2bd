// Bundles each entry point with ncc into minified ESM: dist/index.js (main step), dist/post.js
// (post step) and dist/cli.js (local command), plus licenses.txt for all of them.
// Usage: node scripts/bundle.mjs [outDir]
//
// Modules only some runs need (@actions/cache and the storage SDK, tool-cache, the download
// path) are behind a dynamic import(): ncc puts them in chunk files (`<id>.<entry>.js`) that node
// reads and compiles only when a run first uses them. Parsing what a run never uses was most of
// the start-up cost of one 1.6 MB file. ncc minifies only the entry file, so the chunks go
// through terser here with ncc's own options (names kept, so stack traces still name what
// failed). No source maps: a map of a minified bundle is bigger than the bundle.
//
// licenses.txt is written from the bundled module list rather than taken from ncc: once there
// are chunks, ncc's license plugin leaves out packages webpack inlined into the entry file
// (shlex and @actions/io went missing). Every bundled package must name a license.
import ncc from '@vercel/ncc';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { minify } from 'terser';

const ENTRIES = { index: 'src/index.ts', post: 'src/post-index.ts', cli: 'src/cli-index.ts' };
const outDir = path.resolve(process.argv[2] ?? 'dist');
const TERSER_OPTIONS = {
  module: true,
  compress: false,
  mangle: { keep_classnames: true, keep_fnames: true }
};

await rm(outDir, { recursive: true, force: true });
await mkdir(outDir, { recursive: true });
const packageDirs = new Set();
for (const [name, entry] of Object.entries(ENTRIES)) {
  const { code, assets, stats } = await ncc(path.resolve(entry), {
    filename: `${name}.js`,
    minify: true,
    sourceMap: false,
    quiet: true,
    target: 'es2022',
    stats: true
  });
  await writeFile(path.join(outDir, `${name}.js`), code);
  for (const [asset, { source }] of Object.entries(assets ?? {})) {
    const file = path.join(outDir, asset);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, asset.endsWith('.js') ? await minifyChunk(asset, source) : source);
  }
  for (const dir of bundledPackageDirs(stats.toJson({ modules: true }).modules)) {
    packageDirs.add(dir);
  }
}
await writeFile(path.join(outDir, 'licenses.txt'), licensesText([...packageDirs]));
console.log(
  `bundled ${Object.keys(ENTRIES).join(', ')} into ${path.relative(process.cwd(), outDir) || '.'}`
);

async function minifyChunk(asset, source) {
  const result = await minify(String(source), TERSER_OPTIONS);
  if (result.code === undefined) throw new Error(`terser returned nothing for ${asset}`);
  return result.code;
}

/** The package folders (`.../node_modules/<name>`) of every bundled module, nested ones included. */
function bundledPackageDirs(modules) {
  const dirs = new Set();
  const visit = list => {
    for (const module of list ?? []) {
      const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(module.nameForCondition ?? '');
      if (match) dirs.add(match[1]);
      visit(module.modules);
    }
  };
  visit(modules);
  return dirs;
}

/** ncc's layout: name, license id, license text, for each package; sorted so it is stable. */
function licensesText(dirs) {
  const entries = new Map();
  for (const dir of dirs) {
    const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const license = typeof manifest.license === 'string' ? manifest.license : undefined;
    const file = readdirSync(dir).find(f => /^licen[cs]e(\.(md|txt))?$/i.test(f));
    if (!license && !file) {
      throw new Error(`${manifest.name} (${dir}) is bundled but names no license`);
    }
    const text = file && existsSync(path.join(dir, file)) ? readFileSync(path.join(dir, file)) : '';
    const block = [manifest.name, license ?? 'see text', String(text).trim()].join('\n');
    entries.set(`${manifest.name}@${manifest.version}`, block);
  }
  return `${[...entries.keys()]
    .sort()
    .map(key => entries.get(key))
    .join('\n\n')}\n`;
}
