#!/usr/bin/env bash
# Set up everything, then run every test: the guides, the runner, the service.
# Extra arguments go to pytest, e.g. scripts/test.sh docs/prerequisites.md
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
mkdir -p reports
exec .venv/bin/pytest --junitxml=reports/junit.xml "$@"
