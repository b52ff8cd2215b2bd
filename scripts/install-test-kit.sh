#!/usr/bin/env bash
# Installs the offline test kit: a Rust toolchain with std sources (for real -Z build-std
# without network), an aarch64 cross compiler and qemu to run what it builds.
# zip/unzip build and unpack test-made cosmocc zips. librust-cc-dev puts the sources of the `cc`
# crate (1.0.73) under /usr/share/cargo/registry, so crates with C code (examples/probe) build
# offline. Debian packages only, so it works where the only reachable sources are the Debian mirrors.
set -euo pipefail
packages=(rustc-web cargo-web rust-web-src gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static zip unzip binutils librust-cc-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "test kit: already installed (${packages[*]})"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  sudo=sudo
else
  sudo=
fi
echo "test kit: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
