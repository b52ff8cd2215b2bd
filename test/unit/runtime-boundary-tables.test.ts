/**
 * Pairing Linux's values (read from the libc source) with cosmo's names (read from cosmocc's
 * headers), the drift errors, and the C tables the shims translate with. The sources are fakes:
 * every domain name gets a Linux value and a cosmo symbol unless a test takes one away, and
 * errno is a tiny set, so each assertion is about one rule.
 */
import { describe, expect, it } from '@jest/globals';
import { ActionError } from '../../src/errors.js';
import type { CosmoConstant } from '../../src/runtime/boundary/cosmo-headers.js';
import {
  COSMO_ERRNO_HEADER,
  DOMAINS,
  domainById,
  HOST_ONLY_ERRNOS
} from '../../src/runtime/boundary/domains.js';
import {
  BoundaryDriftError,
  domainSource,
  errnoDomain,
  largestTable,
  pairDomains,
  tableFigures,
  tablesSource,
  type BoundarySources,
  type PairedDomain
} from '../../src/runtime/boundary/tables.js';

/** Linux values a test relies on; every other name gets a distinct made-up value. */
const KNOWN: Record<string, number> = {
  O_SYNC: 0x101000,
  O_DSYNC: 0x1000,
  O_CREAT: 0x40,
  O_APPEND: 0x400,
  AT_FDCWD: -100,
  SIGINT: 2,
  EAGAIN: 11,
  EINVAL: 22,
  ENOPROTOOPT: 92,
  PROT_READ: 1
};

/** cosmo 4.0.2 declares these nowhere (domains.ts lists them as unpaired). */
const COSMO_LACKS = ['MAP_STACK', 'MAP_GROWSDOWN', 'MSG_EOR', 'MSG_CMSG_CLOEXEC'];

const SYMBOL = (header = 'libc/sysv/consts/fake.h'): CosmoConstant => ({
  form: 'symbol',
  type: 'int',
  header
});

interface Fake {
  linux: Map<string, number>;
  cosmo: Map<string, CosmoConstant>;
}

/** A made-up value: a bit no known name of the domain uses (flags), or a fresh number. */
function madeUp(kind: string, names: readonly string[], taken: Set<number>): number {
  if (kind !== 'flags') return 1000 + taken.size;
  const used = names.reduce((bits, name) => bits | (KNOWN[name] ?? 0), 0);
  for (let bit = 1; ; bit *= 2) if (!(used & bit) && !taken.has(bit)) return bit;
}

/** Both sides for every domain name, and a four-name errno.h (one of them XNU's own). */
function fake(): Fake {
  const linux = new Map<string, number>();
  const cosmo = new Map<string, CosmoConstant>();
  for (const domain of DOMAINS) {
    const taken = new Set<number>(domain.kind === 'flags' ? [] : linux.values());
    for (const name of domain.names) {
      const value = linux.get(name) ?? KNOWN[name] ?? madeUp(domain.kind, domain.names, taken);
      taken.add(value);
      linux.set(name, value);
      const cosmoName = domain.cosmoNames?.[name] ?? name;
      if (COSMO_LACKS.includes(cosmoName)) continue;
      cosmo.set(
        cosmoName,
        domain.kind === 'identity' ? { form: 'literal', value, header: 'libc/x.h' } : SYMBOL()
      );
    }
  }
  for (const name of ['EAGAIN', 'EINVAL', 'ENOPROTOOPT']) {
    linux.set(name, KNOWN[name]);
    cosmo.set(name, SYMBOL(COSMO_ERRNO_HEADER));
  }
  cosmo.set('EFTYPE', SYMBOL(COSMO_ERRNO_HEADER)); // host-only: Linux has no such errno
  return { linux, cosmo };
}

function sources({ linux, cosmo }: Fake): BoundarySources {
  return { arch: 'x86_64', libcVersion: '0.2.999-fake', linuxValue: n => linux.get(n), cosmo };
}

function driftMessage(broken: Fake): string {
  try {
    pairDomains(sources(broken));
  } catch (err) {
    expect(err).toBeInstanceOf(BoundaryDriftError);
    expect(err).toBeInstanceOf(ActionError);
    return (err as Error).message;
  }
  throw new Error('pairDomains accepted a broken pairing');
}

function paired(id: string, all = pairDomains(sources(fake()))): PairedDomain {
  const found = all.find(domain => domain.domain.id === id);
  if (!found) throw new Error(`no paired domain ${id}`);
  return found;
}

describe('pairDomains', () => {
  it('pairs every domain name with its Linux value and cosmo’s symbol of the same name', () => {
    const all = pairDomains(sources(fake()));
    expect(all.map(domain => domain.domain.id)).toEqual([...DOMAINS.map(d => d.id), 'errno']);
    expect(paired('signal', all).pairs.find(pair => pair.name === 'SIGINT')).toEqual({
      name: 'SIGINT',
      cosmoName: 'SIGINT',
      linux: 2,
      hostExpression: 'SIGINT',
      droppable: false
    });
    expect(paired('at_fd', all).pairs).toEqual([
      { name: 'AT_FDCWD', cosmoName: 'AT_FDCWD', linux: -100, hostExpression: 'AT_FDCWD', droppable: false }
    ]); // prettier-ignore
    // a name cosmo spells its own way is read by cosmo's name
    expect(paired('ipv6_option', all).pairs).toContainEqual(
      expect.objectContaining({ name: 'IPV6_ADD_MEMBERSHIP', hostExpression: 'IPV6_JOIN_GROUP' })
    );
    // a droppable hint is marked so
    expect(paired('open_flags', all).pairs).toContainEqual(
      expect.objectContaining({ name: 'O_LARGEFILE', droppable: true })
    );
  });

  it('allows a listed unpaired name: dropped (host 0) if droppable, else refused (host -1)', () => {
    const mapFlags = paired('map_flags').pairs;
    expect(mapFlags.find(pair => pair.name === 'MAP_STACK')).toMatchObject({
      hostExpression: '0',
      droppable: true
    });
    const msgFlags = paired('msg_flags').pairs;
    expect(msgFlags.find(pair => pair.name === 'MSG_EOR')).toMatchObject({
      hostExpression: '-1',
      droppable: false
    });
    expect(msgFlags.find(pair => pair.name === 'MSG_CMSG_CLOEXEC')).toMatchObject({
      hostExpression: '0',
      droppable: true
    });
  });

  it('lists every unpaired name at once, naming the domain and the side that lacks it', () => {
    const broken = fake();
    broken.linux.delete('O_CREAT');
    broken.cosmo.delete('SIGINT');
    broken.linux.delete('POLLIN');
    broken.cosmo.delete('POLLIN');
    broken.cosmo.delete('IPV6_JOIN_GROUP');
    broken.cosmo.delete('O_LARGEFILE'); // droppable is not unpaired: still drift
    const message = driftMessage(broken);
    expect(message).toContain(
      "cannot pair Linux's constants (libc 0.2.999-fake, x86_64) with cosmo's: "
    );
    for (const problem of [
      'open_flags: the libc source has no O_CREAT',
      "signal: cosmocc's headers declare no SIGINT",
      "poll_events: the libc source has no POLLIN and cosmocc's headers declare no POLLIN",
      "ipv6_option: cosmocc's headers declare no IPV6_JOIN_GROUP",
      "open_flags: cosmocc's headers declare no O_LARGEFILE"
    ]) {
      expect(message).toContain(problem);
    }
    // those five and nothing else
    const start = message.indexOf("with cosmo's: ") + "with cosmo's: ".length;
    const listed = message.slice(start, message.indexOf('. The runtime layer'));
    expect(listed.split('; ')).toHaveLength(5);
    expect(listed.startsWith('open_flags: the libc source has no O_CREAT')).toBe(true);
    expect(message).toContain('Use the tested versions (cosmocc 4.0.2) or update ape-action.');
  });

  it('refuses a name listed as unpaired that both sides now define', () => {
    const broken = fake();
    broken.cosmo.set('MAP_STACK', SYMBOL());
    expect(driftMessage(broken)).toContain(
      'map_flags: MAP_STACK is listed as unpaired but both sides define it'
    );
  });

  it('refuses an identity name that cosmo resolves per host or whose literal differs', () => {
    const symbol = fake();
    symbol.cosmo.set('PROT_READ', SYMBOL('libc/sysv/consts/prot.h'));
    expect(driftMessage(symbol)).toContain(
      'prot: PROT_READ is 1 on Linux but a per-host symbol (libc/sysv/consts/prot.h) in cosmo'
    );
    const differs = fake();
    differs.cosmo.set('PROT_READ', {
      form: 'literal',
      value: 4,
      header: 'libc/sysv/consts/prot.h'
    });
    expect(driftMessage(differs)).toContain(
      'prot: PROT_READ is 1 on Linux but 4 (libc/sysv/consts/prot.h) in cosmo'
    );
  });

  it('refuses a cosmocc whose errno.h declares no E* constant', () => {
    const broken = fake();
    for (const [name, constant] of broken.cosmo) {
      if (constant.header === COSMO_ERRNO_HEADER) broken.cosmo.delete(name);
    }
    expect(driftMessage(broken)).toContain("errno: cosmocc's libc/errno.h declares no E* constant");
  });

  it('refuses an errno cosmo declares that Linux lacks, unless it is a host-only one', () => {
    const broken = fake();
    broken.cosmo.set('ENEWONE', SYMBOL(COSMO_ERRNO_HEADER));
    const message = driftMessage(broken);
    expect(message).toContain('errno: the libc source has no ENEWONE');
    expect(message).not.toContain('EFTYPE');
  });
});

describe('errnoDomain', () => {
  it('takes only E* names that libc/errno.h declares, sorted', () => {
    const cosmo = new Map<string, CosmoConstant>([
      ['EINVAL', SYMBOL(COSMO_ERRNO_HEADER)],
      ['E2BIG', SYMBOL(COSMO_ERRNO_HEADER)],
      ['EAGAIN', SYMBOL(COSMO_ERRNO_HEADER)],
      ['errno', SYMBOL(COSMO_ERRNO_HEADER)],
      ['Ebad', SYMBOL(COSMO_ERRNO_HEADER)],
      ['ELAST_', { form: 'literal', value: 1, header: COSMO_ERRNO_HEADER }],
      ['EPOLLIN', SYMBOL('libc/sysv/consts/epoll.h')],
      ['EXIT_FAILURE', { form: 'literal', value: 1, header: 'libc/stdlib.h' }]
    ]);
    const domain = errnoDomain(cosmo);
    expect(domain).toMatchObject({ id: 'errno', kind: 'errno', unpaired: HOST_ONLY_ERRNOS });
    expect(domain.names).toEqual(['E2BIG', 'EAGAIN', 'EINVAL']);
  });
});

describe('the C tables', () => {
  it('orders flags widest first, so O_SYNC is matched before O_DSYNC', () => {
    const text = domainSource(paired('open_flags'));
    const linuxLines = text.split('\n').filter(line => /^ {2}\(?-?\d+L\)?, \/\* /.test(line));
    const linuxOrder = linuxLines.map(line => /\/\* (\w+) \*\//.exec(line)?.[1]);
    expect(linuxOrder.indexOf('O_SYNC')).toBeLessThan(linuxOrder.indexOf('O_DSYNC'));
    expect(linuxOrder[0]).toBe('O_SYNC'); // the only two-bit name of the fake set
    // the host reader's index i is the Linux value's index i
    linuxOrder.forEach((name, i) =>
      expect(text).toContain(`  host[${i}] = (long)(${name}); /* ${name} */`)
    );
  });

  it('keeps enum tables in domain order', () => {
    const signal = paired('signal');
    expect(signal.pairs.map(pair => pair.name)).toEqual(domainById('signal').names);
  });

  it('emits one host read per pair and the Linux values, negative ones parenthesised', () => {
    for (const id of ['signal', 'at_fd', 'ipv6_option', 'map_flags', 'errno']) {
      const domain = paired(id);
      const text = domainSource(domain);
      const n = domain.pairs.length;
      expect(text.match(/^ {2}host\[\d+\] = \(long\)\(.+\); \/\* \w+ \*\/$/gm)).toHaveLength(n);
      expect(text).toContain(`static const long ape_linux_${id}[${n}] = {`);
      expect(text).toContain(`static const unsigned char ape_drop_${id}[${n}] = {`);
      expect(text).toMatch(
        new RegExp(
          `static const struct ape_domain ape_${id} = \\{\\n  "${id}", APE_(ENUM|FLAGS), ${n},`
        )
      );
      for (const pair of domain.pairs) {
        const value = pair.linux < 0 ? `(${pair.linux}L)` : `${pair.linux}L`;
        expect(text).toContain(`  ${value}, /* ${pair.name} */\n`);
        expect(text).toContain(`= (long)(${pair.hostExpression}); /* ${pair.cosmoName} */\n`);
      }
    }
    expect(domainSource(paired('at_fd'))).toContain('  (-100L), /* AT_FDCWD */\n');
    expect(domainSource(paired('ipv6_option'))).toContain(
      '= (long)(IPV6_JOIN_GROUP); /* IPV6_JOIN_GROUP */'
    );
    expect(domainSource(paired('map_flags'))).toContain('= (long)(0); /* MAP_STACK */');
    expect(domainSource(paired('msg_flags'))).toContain('= (long)(-1); /* MSG_EOR */');
  });

  it('marks droppable names, the unsupported marker and the read-back mode', () => {
    const open = domainSource(paired('open_flags'));
    const names = [...open.matchAll(/^ {2}\(?-?\d+L\)?, \/\* (\w+) \*\/$/gm)].map(m => m[1]);
    const drops = /ape_drop_open_flags\[\d+\] = \{ ([\d, ]+) \}/.exec(open)?.[1].split(', ');
    expect(names.filter((_, i) => drops?.[i] === '1').sort()).toEqual(['O_LARGEFILE', 'O_NOATIME']);
    expect(domainSource(paired('clock'))).toMatch(/ape_host_clock,\n {2}127L, 0\n\};/);
    expect(domainSource(paired('poll_events'))).toMatch(/ape_host_poll_events,\n {2}0L, 1\n\};/);
  });

  it('writes identity domains as a proof comment, with no table', () => {
    const text = domainSource(paired('prot'));
    expect(text).toContain('/* prot: called directly, the values are equal:\n');
    expect(text).toContain(`  PROT_READ = 1 on Linux and in cosmo\n`);
    expect(text).not.toContain('ape_linux_prot');
    const all = pairDomains(sources(fake()));
    expect(tablesSource(all)).not.toMatch(/struct ape_domain ape_(prot|sysconf|dirent_type) /);
  });

  it('counts the translated domains and names, and sizes the lookup buffers', () => {
    const all = pairDomains(sources(fake()));
    const translated = all.filter(domain => domain.domain.kind !== 'identity');
    expect(tableFigures(all)).toEqual({
      domains: translated.length,
      names: translated.reduce((sum, domain) => sum + domain.pairs.length, 0),
      identity: all.length - translated.length
    });
    expect(largestTable(all)).toBe(paired('signal', all).pairs.length); // the longest in the fake
  });
});
