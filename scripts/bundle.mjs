// Bundles each entry point with ncc into one self-contained, minified ESM file: dist/index.js
// (main step), dist/post.js (post step) and dist/cli.js (local command).
// Usage: node scripts/bundle.mjs [outDir]
//
// Modules only some runs need are imported with `import(/* webpackMode: "eager" */ ...)`: they
// stay in the entry's file but are evaluated on first use. A plain import() would make ncc split
// them into chunk files, which its license file does not cover; that is refused below.
// No source maps: a map of a minified bundle is bigger than the bundle, and ncc keeps function
// and class names, so stack traces still name what failed.
import ncc from '@vercel/ncc';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

const ENTRIES = { index: 'src/index.ts', post: 'src/post-index.ts', cli: 'src/cli-index.ts' };
const outDir = path.resolve(process.argv[2] ?? 'dist');

await rm(outDir, { recursive: true, force: true });
await mkdir(outDir, { recursive: true });
for (const [name, entry] of Object.entries(ENTRIES)) {
  const { code, assets } = await ncc(path.resolve(entry), {
    filename: `${name}.js`,
    minify: true,
    sourceMap: false,
    quiet: true,
    target: 'es2022',
    license: 'licenses.txt'
  });
  const chunks = Object.keys(assets ?? {}).filter(asset => asset.endsWith('.js'));
  if (chunks.length > 0) {
    throw new Error(
      `${entry} was split into chunk files (${chunks.join(', ')}): give each dynamic import() the comment /* webpackMode: "eager" */`
    );
  }
  await writeFile(path.join(outDir, `${name}.js`), code);
  for (const [asset, { source }] of Object.entries(assets ?? {})) {
    const file = path.join(outDir, asset);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, source);
  }
}
console.log(
  `bundled ${Object.keys(ENTRIES).join(', ')} into ${path.relative(process.cwd(), outDir) || '.'}`
);
