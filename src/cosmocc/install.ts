/**
 * Installs cosmocc, cheapest source first:
 *   cosmocc-dir (used as is) | runner tool cache | Actions cache | verified download.
 * A download is checked against its SHA-256 before it is unpacked, its tools are checked before
 * it is cached, and the Actions cache entry is written right after that verified install. The
 * install records the digest it was verified against in its root, so a later reuse of the tool
 * cache or the Actions cache can tell which zip it came from.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { cosmoccCacheKey } from '../cache/keys.js';
import type { CacheEntry, Caches } from '../cache/service.js';
import { ActionError, errorMessage } from '../errors.js';
import type { Log } from '../log.js';
import type { RunnerEnv } from '../runner-env.js';
import type { RetryPolicy } from './download.js';
import {
  checkCosmoccDir,
  checkCosmoccTools,
  detectCosmoccRoot,
  formatToolProblems,
  hasProblems,
  inspectCosmoccTools,
  listTwoLevels
} from './layout.js';
import type { ApeLaunch } from './binfmt.js';
import { cosmoccTools, type CosmoccTools } from './tools.js';

/** What the installer needs to know of a request (a subset of the parsed inputs). */
export interface CosmoccRequest {
  version: string;
  /** Expected digest of the zip; from the built-in table or `cosmocc-sha256`. */
  sha256: string;
  /** Download candidates in order; `cosmocc-url` replaces the defaults. */
  urls: string[];
  /** An existing install to use as is (no download, no checksum). */
  dir?: string;
}

export interface CosmoccInstall {
  /** The folder holding bin/, include/, lib/. */
  root: string;
  bin: string;
  /** Where each file the pipeline uses is. */
  tools: CosmoccTools;
  /** How its APE tools start here (set after the install: see binfmt.ts). */
  apeLaunch?: ApeLaunch;
  /** The requested version (not checked for cosmocc-dir). */
  version: string;
  source: 'cosmocc-dir' | 'tool-cache' | 'cache' | 'download';
  /** The URL the verified zip came from (download only). */
  url?: string;
  /** The digest the bytes were verified against (every source but cosmocc-dir). */
  sha256?: string;
  /** True when reused from the tool cache or the Actions cache. */
  cacheHit: boolean;
  /** The Actions cache key for this install (absent for cosmocc-dir). */
  cacheKey?: string;
  /** True when this run wrote the Actions cache entry. */
  cacheSaved?: boolean;
  seconds: number;
}

export interface InstallCosmoccOptions {
  log: Log;
  env: Pick<RunnerEnv, 'tempDir' | 'toolCache' | 'platform' | 'cpu'>;
  /** bin/ files that must be there (requiredCosmoccTools). */
  requiredTools: string[];
  /** The Actions cache (disabled there when the `cache` input is false). */
  caches: Caches;
  retry?: RetryPolicy;
  idleTimeoutMs?: number;
}

const TOOL_NAME = 'cosmocc';

/**
 * tool-cache and the download path (HTTP client, progress) are loaded from their chunk files
 * (scripts/bundle.mjs) when a run first needs them: a run given cosmocc-dir never does, and only
 * a cold run downloads.
 */
const toolCache = () => import('@actions/tool-cache');
const download = () => import('./download.js');

/** Written into an installed root: the SHA-256 its zip was verified against. */
export const VERIFIED_SHA256_FILE = '.ape-action-verified-sha256';

type Found = Omit<CosmoccInstall, 'seconds'>;

export async function installCosmocc(
  request: CosmoccRequest,
  options: InstallCosmoccOptions
): Promise<CosmoccInstall> {
  const started = Date.now();
  return options.log.group(`Install cosmocc ${request.version}`, async () => {
    const found = await findOrInstall(request, options);
    const install: CosmoccInstall = {
      ...found,
      seconds: Math.round((Date.now() - started) / 100) / 10
    };
    options.log.info(describeCosmoccInstall(install));
    return install;
  });
}

/** The one-line job-summary sentence: what, from where, verified how, in how long. */
export function describeCosmoccInstall(install: CosmoccInstall): string {
  const took = `in ${install.seconds.toFixed(1)} s`;
  switch (install.source) {
    case 'cosmocc-dir':
      return `cosmocc from cosmocc-dir ${install.root} used as is (not downloaded, no checksum check; the required tools are present), ${took}.`;
    case 'tool-cache':
      return `cosmocc ${install.version} reused from the runner's tool cache (SHA-256 ${install.sha256} verified when it was downloaded), ${took}.`;
    case 'cache':
      return `cosmocc ${install.version} restored from the Actions cache (key ${install.cacheKey}; SHA-256 ${install.sha256} verified before it was saved), ${took}.`;
    case 'download': {
      const saved = install.cacheSaved ? ', and saved to the Actions cache' : '';
      return `cosmocc ${install.version} downloaded from ${install.url}, SHA-256 ${install.sha256} verified before unpacking, installed ${took}${saved}.`;
    }
  }
}

async function findOrInstall(
  request: CosmoccRequest,
  options: InstallCosmoccOptions
): Promise<Found> {
  if (request.dir !== undefined) {
    const root = await checkCosmoccDir(request.dir, options.requiredTools);
    options.log.info(`Using cosmocc-dir ${root} as is.`);
    return { ...locate(root), version: request.version, source: 'cosmocc-dir', cacheHit: false };
  }
  const toolPath = toolCachePath(options.env, request.version);
  const entry = cosmoccCacheEntry(request, options.env, toolPath);
  const base = { version: request.version, sha256: request.sha256, cacheKey: entry.key };

  if (await fromToolCache(request, options)) {
    return { ...base, ...locate(toolPath), source: 'tool-cache', cacheHit: true };
  }
  // Whatever is at the tool cache path now is absent, unfinished or stale: start clean.
  await clearToolCacheEntry(toolPath);
  if (await fromActionsCache(request, options, entry, toolPath)) {
    return { ...base, ...locate(toolPath), source: 'cache', cacheHit: true };
  }
  const url = await downloadAndCache(request, options);
  const cacheSaved = await options.caches.save(entry);
  return { ...base, ...locate(toolPath), source: 'download', url, cacheHit: false, cacheSaved };
}

/** Saved right after a verified install: the next job restores it instead of downloading. */
function cosmoccCacheEntry(
  request: CosmoccRequest,
  env: InstallCosmoccOptions['env'],
  toolPath: string
): CacheEntry {
  return {
    name: 'cosmocc',
    what: `cosmocc ${request.version}`,
    key: cosmoccCacheKey({
      version: request.version,
      sha256: request.sha256,
      platform: env.platform,
      arch: env.cpu
    }),
    restoreKeys: [],
    explanation: [`version: ${request.version}`, `zip SHA-256: ${request.sha256}`],
    paths: [toolPath],
    save: 'now'
  };
}

function locate(root: string): { root: string; bin: string; tools: CosmoccTools } {
  const tools = cosmoccTools(root);
  return { root, bin: tools.bin, tools };
}

/**
 * Where tool-cache keeps (and tc.find looks for) this version on this CPU. tool-cache reads
 * RUNNER_TOOL_CACHE itself; the entry files make sure it names the same folder as env.toolCache.
 */
function toolCachePath(env: InstallCosmoccOptions['env'], version: string): string {
  return path.join(env.toolCache, TOOL_NAME, version, env.cpu);
}

async function clearToolCacheEntry(toolPath: string): Promise<void> {
  await rm(`${toolPath}.complete`, { force: true });
  await rm(toolPath, { recursive: true, force: true });
}

async function readVerifiedSha256(root: string): Promise<string | undefined> {
  return readFile(path.join(root, VERIFIED_SHA256_FILE), 'utf8').then(
    text => text.trim(),
    () => undefined
  );
}

/** Why an installed tree cannot be reused for this request, or undefined when it can. */
async function reuseProblem(
  root: string,
  request: CosmoccRequest,
  requiredTools: string[]
): Promise<string | undefined> {
  const sha = await readVerifiedSha256(root);
  if (sha !== request.sha256.toLowerCase()) {
    return sha === undefined
      ? 'it has no record of a verified download'
      : `it came from a different zip (SHA-256 ${sha})`;
  }
  const problems = await inspectCosmoccTools(root, requiredTools);
  return hasProblems(problems) ? formatToolProblems(root, problems, 'Reinstalling.') : undefined;
}

async function fromToolCache(
  request: CosmoccRequest,
  options: InstallCosmoccOptions
): Promise<boolean> {
  const found = (await toolCache()).find(TOOL_NAME, request.version);
  if (!found) {
    options.log.info(`cosmocc ${request.version} is not in the runner's tool cache.`);
    return false;
  }
  const problem = await reuseProblem(found, request, options.requiredTools);
  if (problem !== undefined) {
    options.log.info(`Not reusing cosmocc from the tool cache at ${found}: ${problem}`);
    return false;
  }
  options.log.info(`Found cosmocc ${request.version} in the tool cache at ${found}.`);
  return true;
}

async function fromActionsCache(
  request: CosmoccRequest,
  options: InstallCosmoccOptions,
  entry: CacheEntry,
  toolPath: string
): Promise<boolean> {
  // already inside the install's log group
  const hit = await options.caches.restore(entry, { grouped: false });
  if (hit === undefined) return false;
  const problem = await reuseProblem(toolPath, request, options.requiredTools);
  if (problem !== undefined) {
    options.log.warning(`Ignoring the restored cosmocc cache entry ${entry.key}: ${problem}`);
    await clearToolCacheEntry(toolPath);
    return false;
  }
  // Mark it complete the way tool-cache does, so tc.find hits it for the rest of the job.
  await writeFile(`${toolPath}.complete`, '');
  return true;
}

/**
 * Download, verify, unpack, check, and copy into the tool cache. Returns the URL used. The
 * work folder (zip and unpacked tree) is removed whatever happens, and a half-copied tool cache
 * entry too.
 */
async function downloadAndCache(
  request: CosmoccRequest,
  options: InstallCosmoccOptions
): Promise<string> {
  await mkdir(options.env.tempDir, { recursive: true });
  const work = await mkdtemp(path.join(options.env.tempDir, 'ape-cosmocc-'));
  try {
    const zip = path.join(work, `cosmocc-${request.version}.zip`);
    const { downloadVerified } = await download();
    const got = await downloadVerified(request.version, request.urls, request.sha256, zip, {
      log: options.log,
      retry: options.retry,
      idleTimeoutMs: options.idleTimeoutMs
    });
    const unpacked = await unpack(zip, path.join(work, 'unpacked'), got.url);
    await rm(zip, { force: true }); // the zip is big; free the space before copying the tree
    const root = path.join(unpacked, detectCosmoccRoot(await listTwoLevels(unpacked)));
    await checkCosmoccTools(
      root,
      options.requiredTools,
      `The verified zip from ${got.url} lacks them; this action needs a newer cosmocc-version.`
    );
    await writeFile(path.join(root, VERIFIED_SHA256_FILE), `${got.sha256}\n`);
    await copyIntoToolCache(root, request.version, toolCachePath(options.env, request.version));
    return got.url;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function unpack(zip: string, dest: string, url: string): Promise<string> {
  try {
    // unzip (on Linux and macOS) keeps the execute bits and the symlinks cosmocc relies on.
    return await (await toolCache()).extractZip(zip, dest);
  } catch (err) {
    throw new ActionError(
      `Could not unpack the verified cosmocc zip from ${url}: ${errorMessage(err)}. The runner needs the unzip command.`
    );
  }
}

async function copyIntoToolCache(root: string, version: string, toolPath: string): Promise<void> {
  try {
    await (await toolCache()).cacheDir(root, TOOL_NAME, version);
  } catch (err) {
    await clearToolCacheEntry(toolPath);
    throw new ActionError(`Could not copy cosmocc into the tool cache: ${errorMessage(err)}`);
  }
}
