/**
 * The runtime layer on a warm run: its result depends only on the compiler, the std sources,
 * cosmocc, the action's own code and the user's lockfile. When none of them changed since the
 * last run (and what it generated is still there), the stored result is reused and the layout
 * checks, the libc generation, the `cargo metadata` calls and the shim compiles are skipped. The
 * log says which: a hit, or the inputs that changed.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { codeHash, contentHash, fileIdentity, reuseOrRedo, type StampInputs } from '../stamp.js';
import type { GeneratedLayer, RuntimeLayer, RuntimeLayerRequest } from './layer.js';

export async function reuseOrGenerate(
  request: RuntimeLayerRequest,
  generate: (request: RuntimeLayerRequest) => Promise<GeneratedLayer>
): Promise<RuntimeLayer> {
  const { log } = request;
  const generated = await reuseOrRedo<GeneratedLayer>({
    what: 'runtime layer',
    doing: 'generating',
    stampFile: path.join(request.workDir, 'runtime', 'stamp.json'),
    inputs: await layerStampInputs(request),
    log,
    brokenReason: async ({ files }) => {
      const gone = files.find(file => !existsSync(file));
      return gone === undefined ? undefined : `generated files are gone (${gone})`;
    },
    // the warnings generation logged (a libc the user patches) hold as long as its result does
    onHit: ({ warnings }) => warnings.forEach(warning => log.warning(warning)),
    work: () => generate(request)
  });
  return generated.layer;
}

/** Everything the layer's result depends on, each as a short string. */
export async function layerStampInputs(request: RuntimeLayerRequest): Promise<StampInputs> {
  const { toolchain, tools, crate } = request;
  const arches = request.plan.map(entry => entry.arch);
  const compilers = arches.map(arch => fileIdentity(tools.compiler(arch)));
  const headers = await Promise.all(
    ['cosmo.h', path.join('libc', 'cosmo.h')].map(name => fileText(path.join(tools.include, name)))
  );
  const lock = path.join(crate.metadata.workspace_root, 'Cargo.lock');
  return {
    rustc: `${toolchain.versionLine} at ${toolchain.sysroot}`,
    'rust-src Cargo.lock': contentHash(
      await fileText(path.join(toolchain.rustSrc, 'library', 'Cargo.lock'))
    ),
    cosmocc: contentHash([...compilers, ...headers].join('\0')),
    'ape-action': await codeHash(import.meta.url),
    arches: arches.join(','),
    crate: crate.manifestPath,
    'Cargo.lock': contentHash(await fileText(lock)),
    CARGO_HOME: toolchain.childEnv.CARGO_HOME ?? ''
  };
}

async function fileText(file: string): Promise<string> {
  return readFile(file, 'utf8').catch(() => '');
}
