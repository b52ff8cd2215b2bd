//! ffi: a C function (src/ffi.c, compiled by cc-rs with the target's C compiler) formats values
//! with snprintf and returns a checksum; Rust formats the same values and must get the same text
//! and the same checksum.

use std::ffi::{c_char, c_double, c_int, c_uint, CStr, CString, OsStr};
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

use crate::check::Outcome;

extern "C" {
    fn probe_ffi_format(
        out: *mut c_char,
        cap: usize,
        name: *const c_char,
        n: c_int,
        x: c_double,
    ) -> c_uint;
    fn probe_program_path() -> *const c_char;
}

const NAME: &str = "probe ✓";
const N: i32 = 48879;
const X: f64 = 1234.5678;

pub fn run() -> Outcome {
    let name = CString::new(NAME).map_err(|_| "NAME has a NUL byte".to_owned())?;
    let mut buffer = [0 as c_char; 128];
    // SAFETY: buffer and its length match, name is NUL-terminated; the C side writes at most
    // `cap` bytes including the terminating NUL.
    let sum = unsafe { probe_ffi_format(buffer.as_mut_ptr(), buffer.len(), name.as_ptr(), N, X) };
    // SAFETY: snprintf NUL-terminated the buffer (it is larger than the text).
    let text = unsafe { CStr::from_ptr(buffer.as_ptr()) }
        .to_string_lossy()
        .into_owned();
    let expected = format!("{NAME}|{N}|{N:x}|{X:.3}|{}", i64::from(N) * 1_000_000_007);
    ensure!(
        text == expected,
        "C formatted {text:?}, expected {expected:?}"
    );
    ensure!(
        sum == fnv1a(expected.as_bytes()),
        "C checksum {sum:#x}, Rust {:#x}",
        fnv1a(expected.as_bytes())
    );
    Ok(format!(
        "C snprintf gave {text:?}, checksum {sum:#010x} matches"
    ))
}

/// The same FNV-1a as ffi.c.
fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(2_166_136_261u32, |hash, &byte| {
        (hash ^ u32::from(byte)).wrapping_mul(16_777_619)
    })
}

/// The running program's path as the C runtime knows it (cosmo only; see ffi.c), if any.
pub fn program_path() -> Option<PathBuf> {
    // SAFETY: returns NULL or a NUL-terminated string that lives as long as the process.
    let path = unsafe { probe_program_path() };
    if path.is_null() {
        return None;
    }
    // SAFETY: non-null, NUL-terminated (above).
    let bytes = unsafe { CStr::from_ptr(path) }.to_bytes();
    (!bytes.is_empty()).then(|| PathBuf::from(OsStr::from_bytes(bytes)))
}
