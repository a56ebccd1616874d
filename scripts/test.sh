#!/usr/bin/env bash
# Set up everything, then run every test: the guides, the runner, the service.
# Extra arguments go to pytest, e.g. scripts/test.sh docs/prerequisites.md
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# Our images before the tests, not inside the first one that needs them
# (cached: quick when nothing changed; the runner's own call is then a no-op).
printf '\n==> Images\n'
scripts/build-images.sh
mkdir -p reports
exec .venv/bin/pytest --junitxml=reports/junit.xml "$@"
