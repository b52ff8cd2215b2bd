/**
 * Linux values as Rust compiles them: libc allows overflowing literals, so a constant's declared
 * type decides its value (SA_RESETHAND: c_int = 0x80000000 is -2147483648).
 */
import { describe, expect, it } from '@jest/globals';
import { linuxConstants, wrapToType } from '../../src/runtime/linux-abi.js';

describe('wrapToType', () => {
  it('wraps to the declared width and signedness, as rustc does', () => {
    expect(wrapToType(0x80000000, 'c_int')).toBe(-2147483648);
    expect(wrapToType(0x80000000, 'crate::c_int')).toBe(-2147483648);
    expect(wrapToType(0x80000000, 'c_uint')).toBe(0x80000000);
    expect(wrapToType(0x8000, 'c_short')).toBe(-32768);
    expect(wrapToType(-1, 'c_ushort')).toBe(0xffff);
  });

  it('leaves 64-bit and unknown types alone', () => {
    expect(wrapToType(0x80000000, 'c_long')).toBe(0x80000000);
    expect(wrapToType(0x80000000, 'crate::Ioctl')).toBe(0x80000000);
  });
});

describe('linuxConstants', () => {
  it('gives a constant the value of its declared type', () => {
    const files = new Map([
      [
        'src/unix/linux_like/linux/musl/mod.rs',
        'pub const SA_RESETHAND: c_int = 0x80000000;\npub const POLLIN: c_short = 0x1;\n'
      ]
    ]);
    const values = linuxConstants('0.2.999', files, 'x86_64', ['SA_RESETHAND', 'POLLIN', 'NOPE']);
    expect(Object.fromEntries(values)).toEqual({ SA_RESETHAND: -2147483648, POLLIN: 1 });
  });
});
