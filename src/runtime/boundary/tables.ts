/**
 * Pairs every name of every domain (domains.ts) with its two values, and writes the C tables the
 * shims translate with: the Linux value as a number read from the `libc` source in use, the
 * host's as cosmo's own symbol or literal of the same name (cosmo-headers.ts), read at every call
 * because cosmo fills (and for some, may change) them at run time.
 *
 * A name that cannot be paired fails the build, naming the domain, the name and the side that
 * lacks it, unless the domain lists it under `unpaired` with its reason. An `identity` domain
 * whose cosmo literal differs from Linux's value fails the build too: its functions are called
 * without translation.
 *
 * Pure: values in, C text out.
 */
import { ActionError } from '../../errors.js';
import type { Arch } from '../../arch.js';
import type { CosmoConstant } from './cosmo-headers.js';
import {
  COSMO_ERRNO_HEADER,
  DOMAINS,
  ERRNO_DOMAIN_ID,
  HOST_ONLY_ERRNOS,
  PREFERRED_ERRNOS,
  type Domain
} from './domains.js';

export interface Pair {
  /** The Linux name (also cosmo's, unless `cosmoName` differs). */
  name: string;
  cosmoName: string;
  linux: number;
  /** How C reads the host value: cosmo's name, or `0`/`-1` for an unpaired name. */
  hostExpression: string;
  droppable: boolean;
}

export interface PairedDomain {
  domain: Domain;
  pairs: Pair[];
}

/** What the generator knows on one arch: the Linux values and cosmo's forms, by name. */
export interface BoundarySources {
  arch: Arch;
  libcVersion: string;
  /** Linux values of the libc source for `arch` (any name asked for that it defines). */
  linuxValue: (name: string) => number | undefined;
  cosmo: ReadonlyMap<string, CosmoConstant>;
}

export class BoundaryDriftError extends ActionError {}

/** The errno domain: every E* name cosmo's errno.h declares. */
export function errnoDomain(cosmo: ReadonlyMap<string, CosmoConstant>): Domain {
  const names = [...cosmo]
    .filter(
      ([name, constant]) => constant.header === COSMO_ERRNO_HEADER && /^E[A-Z0-9]+$/.test(name)
    )
    .map(([name]) => name)
    .sort((a, b) => preference(a) - preference(b) || a.localeCompare(b));
  return { id: ERRNO_DOMAIN_ID, kind: 'errno', names, unpaired: HOST_ONLY_ERRNOS };
}

function preference(name: string): number {
  return name in PREFERRED_ERRNOS ? 0 : 1;
}

/** Every domain paired for one arch; throws BoundaryDriftError listing every problem at once. */
export function pairDomains(sources: BoundarySources): PairedDomain[] {
  const problems: string[] = [];
  const domains = [...DOMAINS, errnoDomain(sources.cosmo)];
  const paired = domains.map(domain => pairDomain(domain, sources, problems));
  if (domains[domains.length - 1].names.length === 0) {
    problems.push(`errno: cosmocc's ${COSMO_ERRNO_HEADER} declares no E* constant`);
  }
  if (problems.length > 0) {
    throw new BoundaryDriftError(
      `cannot pair Linux's constants (libc ${sources.libcVersion}, ${sources.arch}) with cosmo's: ` +
        `${problems.join('; ')}. The runtime layer translates these values between Linux and the ` +
        'host; a libc or cosmocc release renamed or dropped them. Use the tested versions ' +
        '(cosmocc 4.0.2) or update ape-action.'
    );
  }
  return paired;
}

function pairDomain(domain: Domain, sources: BoundarySources, problems: string[]): PairedDomain {
  const pairs: Pair[] = [];
  for (const name of domain.names) {
    const cosmoName = domain.cosmoNames?.[name] ?? name;
    const linux = sources.linuxValue(name);
    const cosmo = sources.cosmo.get(cosmoName);
    const allowed = domain.unpaired?.[name] !== undefined;
    const droppable = domain.droppable?.[name] !== undefined;
    if (linux === undefined || cosmo === undefined) {
      if (!allowed) problems.push(missingSides(domain, name, cosmoName, linux, cosmo));
      else if (linux !== undefined) pairs.push(unpairedPair(name, linux, droppable));
      continue;
    }
    if (allowed)
      problems.push(`${domain.id}: ${name} is listed as unpaired but both sides define it`);
    if (domain.kind === 'identity' && !(cosmo.form === 'literal' && cosmo.value === linux)) {
      problems.push(`${domain.id}: ${name} is ${linux} on Linux but ${describe(cosmo)} in cosmo`);
    }
    pairs.push({ name, cosmoName, linux, hostExpression: cosmoName, droppable });
  }
  return { domain, pairs };
}

function missingSides(
  domain: Domain,
  name: string,
  cosmoName: string,
  linux: number | undefined,
  cosmo: CosmoConstant | undefined
): string {
  const lacking = [
    linux === undefined ? `the libc source has no ${name}` : '',
    cosmo === undefined ? `cosmocc's headers declare no ${cosmoName}` : ''
  ].filter(Boolean);
  return `${domain.id}: ${lacking.join(' and ')}`;
}

/** An unpaired name: dropped (host 0 with the drop mark) or refused (host -1). */
function unpairedPair(name: string, linux: number, droppable: boolean): Pair {
  return { name, cosmoName: name, linux, hostExpression: droppable ? '0' : '-1', droppable };
}

function describe(cosmo: CosmoConstant): string {
  return cosmo.form === 'literal'
    ? `${cosmo.value} (${cosmo.header})`
    : `a per-host symbol (${cosmo.header})`;
}

// ---------------------------------------------------------------------------------------------
// C text

const KIND: Record<Domain['kind'], string> = {
  enum: 'APE_ENUM',
  flags: 'APE_FLAGS',
  errno: 'APE_ENUM',
  identity: 'APE_ENUM'
};

/** Bits set: flags are matched widest first, so O_SYNC (two Linux bits) comes before O_DSYNC. */
function popcount(value: number): number {
  let count = 0;
  for (let v = BigInt.asUintN(64, BigInt(value)); v; v >>= 1n) count += Number(v & 1n);
  return count;
}

function ordered(paired: PairedDomain): Pair[] {
  if (paired.domain.kind !== 'flags') return paired.pairs;
  return [...paired.pairs].sort((a, b) => popcount(b.linux) - popcount(a.linux));
}

function cLong(value: number): string {
  return value < 0 ? `(${value}L)` : `${value}L`;
}

/** One domain's C: Linux values, drop marks, the host reader and the descriptor. */
export function domainSource(paired: PairedDomain): string {
  const { domain } = paired;
  const pairs = ordered(paired);
  if (domain.kind === 'identity') {
    const proof = pairs.map(pair => `  ${pair.name} = ${pair.linux} on Linux and in cosmo`);
    return `/* ${domain.id}: called directly, the values are equal:\n${proof.join('\n')}\n */\n`;
  }
  const id = domain.id;
  const linux = pairs.map(pair => `  ${cLong(pair.linux)}, /* ${pair.name} */`).join('\n');
  const drop = pairs.map(pair => (pair.droppable ? 1 : 0)).join(', ');
  const host = pairs
    .map((pair, i) => `  host[${i}] = (long)(${pair.hostExpression}); /* ${pair.cosmoName} */`)
    .join('\n');
  const markers = domain.unsupportedMarker ?? 0;
  const overlap = domain.readBack === 'overlap' ? 1 : 0;
  return `/* ${id} (${domain.kind}) */
static const long ape_linux_${id}[${pairs.length}] = {
${linux}
};
static const unsigned char ape_drop_${id}[${pairs.length}] = { ${drop} };
static void ape_host_${id}(long *host) {
${host}
}
static const struct ape_domain ape_${id} = {
  "${id}", ${KIND[domain.kind]}, ${pairs.length}, ape_linux_${id}, ape_drop_${id}, ape_host_${id},
  ${cLong(markers)}, ${overlap}
};
`;
}

/** Every domain's C for one arch. */
export function tablesSource(paired: readonly PairedDomain[]): string {
  return paired.map(domainSource).join('\n');
}

/** The largest table, for the lookups' stack buffers. */
export function largestTable(paired: readonly PairedDomain[]): number {
  return Math.max(...paired.map(domain => domain.pairs.length));
}

/** Counts for the log and the note: translated domains, names and dropped/refused names. */
export function tableFigures(paired: readonly PairedDomain[]): {
  domains: number;
  names: number;
  identity: number;
} {
  const translated = paired.filter(domain => domain.domain.kind !== 'identity');
  return {
    domains: translated.length,
    names: translated.reduce((sum, domain) => sum + domain.pairs.length, 0),
    identity: paired.length - translated.length
  };
}
