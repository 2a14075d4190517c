#!/usr/bin/env bash
# Install the Debian packages the pipeline needs, if any is missing. The packages, and which job
# needs each, are the rows of tools/system-deps.txt, the table `python -m pipeline doctor` checks
# too: list a package there, never here. Plain bash, because this runs before Python is set up.
# Usage: tools/system-deps.sh [core|check|bench]   (core: setup, build and test rows; check: also
#        make check's, i.e. Ace by DAISY's Chromium and Node.js; bench: also make bench's Pandoc,
#        valgrind and C compiler)
#        tools/system-deps.sh --list [core|check|bench]   (print the group's packages, install nothing)
set -euo pipefail
table="$(dirname "$0")/system-deps.txt"

list_only=false
if [ "${1:-}" = --list ]; then list_only=true; shift; fi
case "${1:-core}" in
  core) jobs=" setup build test " ;;
  check) jobs=" setup build test check " ;;
  bench) jobs=" setup build test bench " ;;
  *) echo "usage: $0 [--list] [core|check|bench]" >&2; exit 2 ;;
esac

trim() { local value="${1#"${1%%[![:space:]]*}"}"; printf '%s' "${value%"${value##*[![:space:]]}"}"; }

# A row is wanted when one of its jobs is in the group; rows without a Debian package ("-") are
# Python extras, which pip installs.
wanted_rows=()
while IFS='|' read -r name package row_jobs probe target version _ || [ -n "${name:-}" ]; do
  name="$(trim "$name")"
  [ -z "$name" ] || [ "${name:0:1}" = "#" ] && continue
  package="$(trim "$package")"
  [ "$package" = - ] && continue
  for job in ${row_jobs//,/ }; do
    if [[ "$jobs" == *" $job "* ]]; then
      wanted_rows+=("$package|$(trim "$probe")|$(trim "$target")|$(trim "$version")")
      break
    fi
  done
done < "$table"

if $list_only; then
  for row in "${wanted_rows[@]}"; do echo "${row%%|*}"; done
  exit 0
fi

# Installed means dpkg says so, or, for a command, that it runs and tells its version the way the
# doctor asks it: Java may come from another JDK, npm with NodeSource's nodejs, Chromium under
# another package. ($version is split into arguments on purpose.)
missing=()
for row in "${wanted_rows[@]}"; do
  IFS='|' read -r package probe target version <<< "$row"
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' && continue
  # shellcheck disable=SC2086
  [ "$probe" = command ] && command -v "$target" >/dev/null 2>&1 \
    && "$target" $version </dev/null >/dev/null 2>&1 && continue
  missing+=("$package")
done

[ "${#missing[@]}" -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "missing Debian packages: ${missing[*]}" >&2
  echo "install them with: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "installing Debian packages: ${missing[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
