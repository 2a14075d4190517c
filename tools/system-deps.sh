#!/usr/bin/env bash
# Install the Debian packages the pipeline needs, if any is missing.
#   WeasyPrint renders with Pango; EPUBCheck needs Java; proofs and the audit read PDFs with
#   poppler; Ace (make check) drives Chromium from Node.js.
# Usage: tools/system-deps.sh [core|check|bench]   (core: build and test; check: also Ace's needs;
#   bench: also Pandoc, which `make bench` measures our builds against)
set -euo pipefail
want=(python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig default-jre-headless poppler-utils)
if [ "${1:-core}" = check ]; then
  want+=(chromium nodejs npm)
fi
if [ "${1:-core}" = bench ]; then
  want+=(pandoc)
fi
missing=()
for package in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
# Java may come from elsewhere (a JDK already on the machine): then it is not missing.
if command -v java >/dev/null 2>&1; then
  missing=("${missing[@]/default-jre-headless/}")
fi
# npm ships with some Node.js builds; chromium may be there under another package name.
if command -v npm >/dev/null 2>&1; then missing=("${missing[@]/npm/}"); missing=("${missing[@]/nodejs/}"); fi
if command -v chromium >/dev/null 2>&1; then missing=("${missing[@]/chromium/}"); fi
read -r -a missing <<< "${missing[*]:-}"
[ "${#missing[@]}" -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "missing Debian packages: ${missing[*]}" >&2
  echo "install them with: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "installing Debian packages: ${missing[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
