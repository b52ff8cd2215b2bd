//! Compiles the probe's C half (`src/ffi.c`). cc-rs picks the compiler from `CC_<target>`, which
//! is how a cosmo build hands it cosmocc's per-arch compiler.
fn main() {
    println!("cargo:rerun-if-changed=src/ffi.c");
    cc::Build::new().file("src/ffi.c").compile("probe_ffi");
}
