#!/usr/bin/env bash
# Set up everything, then run every test: the guides, the runner, the service.
# Extra arguments go to pytest, e.g. scripts/test.sh docs/prerequisites.md
set -euo pipefail
cd "$(dirname "$0")/.."

# One run per Docker engine at a time (guide_runner/engine_lock.py): a second
# run waits here for the first one instead of failing on its names.
engine="$(docker info --format '{{.ID}}' 2>/dev/null | tr -d ':' || true)"
lock="${TMPDIR:-/tmp}/rowbook-docs-engine-${engine:-default}.lock"
exec 9>>"$lock"
if ! flock --nonblock 9; then
    echo "waiting for another test run on this Docker engine to finish ($(cat "$lock"))"
    flock 9
fi
echo "pid $$, scripts/test.sh $*, since $(date +%T)" > "$lock"
export ROWBOOK_DOCS_ENGINE_LOCK=1

started=$SECONDS
scripts/setup.sh
setup=$((SECONDS - started))
# Our images before the tests, not inside the first one that needs them
# (cached: quick when nothing changed; the runner's own call is then a no-op).
printf '\n==> Images\n'
scripts/build-images.sh
images=$((SECONDS - started - setup))
# The Debian packages the package's tests and page install (cached the same
# way): every release's, and the work tree's (tests/packaging's About page test).
printf '\n==> Debian packages\n'
mapfile -t releases < <(.venv/bin/python scripts/release-info.py versions)
scripts/build-deb.sh "${releases[@]}" work-tree  # side by side, one per core
debs=$((SECONDS - started - setup - images))
echo "==> setup took $setup s, images $images s, Debian packages $debs s"
mkdir -p reports
# For benchmarks/fast_feedback.py: the parts of this run before pytest.
printf '{"setup_seconds": %d, "images_seconds": %d, "debs_seconds": %d}\n' "$setup" "$images" "$debs" \
    > reports/setup-times.json
exec .venv/bin/pytest --junitxml=reports/junit.xml "$@"
