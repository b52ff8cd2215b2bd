// Bundles each entry point with ncc into one self-contained ESM file: dist/index.js (main step),
// dist/post.js (post step) and dist/cli.js (local command). Usage: node scripts/bundle.mjs [outDir]
import ncc from '@vercel/ncc';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

const ENTRIES = { index: 'src/index.ts', post: 'src/post-index.ts', cli: 'src/cli-index.ts' };
const outDir = path.resolve(process.argv[2] ?? 'dist');

await rm(outDir, { recursive: true, force: true });
await mkdir(outDir, { recursive: true });
for (const [name, entry] of Object.entries(ENTRIES)) {
  const { code, assets } = await ncc(path.resolve(entry), {
    minify: false,
    sourceMap: false,
    quiet: true,
    target: 'es2022',
    license: 'licenses.txt'
  });
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
