#!/bin/sh
# Check EPUBs with Ace by DAISY; install ace-cli into .tools/ace (git-ignored) on first use.
# Exit status: 0 no violations, 1 violations, 2 Ace could not run. See pipeline/writers/ace.py.
set -eu
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
exec "$PYTHON" -m pipeline.writers.ace --install "$@"
