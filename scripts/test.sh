#!/usr/bin/env bash
# Set up everything, then run every test: the guides, the runner, the service.
# Extra arguments go to pytest, e.g. scripts/test.sh docs/prerequisites.md
set -euo pipefail
cd "$(dirname "$0")/.."

# One run per Docker engine at a time (guide_runner/engine_lock.py): a second
# run waits here for the first one instead of failing on its names.
engine="$(docker info --format '{{.ID}}' 2>/dev/null | tr -d ':' || true)"
lock="${TMPDIR:-/tmp}/guide-runner-engine-${engine:-default}.lock"
exec 9>>"$lock"
if ! flock --nonblock 9; then
    echo "waiting for another test run on this Docker engine to finish ($(cat "$lock"))"
    flock 9
fi
echo "pid $$, scripts/test.sh $*, since $(date +%T)" > "$lock"
export GUIDE_RUNNER_ENGINE_LOCK=1

started=$SECONDS
scripts/setup.sh
setup=$((SECONDS - started))
# Our images before the tests, not inside the first one that needs them
# (cached: quick when nothing changed; the runner's own call is then a no-op).
printf '\n==> Images\n'
scripts/build-images.sh
images=$((SECONDS - started - setup))
mkdir -p reports
lanes="${ROWBOOK_DOCS_LANES:-$(nproc)}"
shard=()
if [[ -n "${ROWBOOK_DOCS_SHARD:-}" ]]; then
    shard=(--shard "$ROWBOOK_DOCS_SHARD")
fi
if [[ $# -eq 0 ]]; then
    # The whole suite runs in lanes (below). They need the images only, so they
    # start now, beside the Debian packages, for this run's pytest to take
    # (guide_runner/lanes.py, claim). Stopped however the run ends.
    trap '.venv/bin/python -m guide_runner.lanes stop' EXIT
    .venv/bin/python -m guide_runner.lanes start "$lanes" --for $$ > reports/lanes-start.log 2>&1 &
    lanes_starting=$!
    # The tests that do not use Docker (the service on its own PostgreSQL, the
    # site build, the site in a browser, the editor's checks, the runner's
    # logic) need no Debian package either: they start now too, at a lower
    # priority, and run beside the packages and then beside the Docker tests.
    # Their output follows the Docker tests'. They keep the Docker engine in
    # sight (not hidden with DOCKER_HOST): their passes are stored under the
    # machine's images like every test's, so the next --changed run reuses
    # them (guide_runner/reuse.py).
    printf '\n==> Tests without Docker, started beside the Debian packages (their output at the end)\n'
    nice -n 10 .venv/bin/pytest -m "not docker" "${shard[@]}" --junitxml=reports/junit-beside.xml tests \
        > reports/beside.log 2>&1 &
    beside=$!
    trap 'kill "$beside" 2>/dev/null || true; .venv/bin/python -m guide_runner.lanes stop' EXIT
fi
# The Debian packages the package's tests and page install (cached the same
# way): every release's, and the work tree's (tests/packaging's About page test).
printf '\n==> Debian packages\n'
mapfile -t releases < <(.venv/bin/python scripts/release-info.py versions)
scripts/build-deb.sh "${releases[@]}" work-tree  # side by side, one per core
debs=$((SECONDS - started - setup - images))
echo "==> setup took $setup s, images $images s, Debian packages $debs s"
lanes_wait=0
if [[ -n "${lanes_starting:-}" ]]; then
    # If they failed to start, the Docker tests' pytest tries again and says why.
    wait "$lanes_starting" || true
    lanes_wait=$((SECONDS - started - setup - images - debs))
    echo "==> lanes (started beside the Debian packages, waited for $lanes_wait s more):"
    cat reports/lanes-start.log
fi
# For benchmarks/fast_feedback.py: the parts of this run before pytest.
printf '{"setup_seconds": %d, "images_seconds": %d, "debs_seconds": %d, "lanes_seconds": %d}\n' \
    "$setup" "$images" "$debs" "$lanes_wait" > reports/setup-times.json
if [[ $# -gt 0 ]]; then
    # A part of the suite (a page, --changed, -k ...): one pytest, as asked.
    exec .venv/bin/pytest --junitxml=reports/junit.xml "$@"
fi

# The whole suite. The tests that use Docker run in lanes, one per core, side
# by side: each lane a Docker engine in a network namespace of its own
# (guide_runner/lanes.py), so every page keeps the names and ports its reader
# types. The tests without Docker are already running (above).
# On N machines (CI's matrix, .github/workflows/tests.yml): ROWBOOK_DOCS_SHARD=K/N
# runs part K of both (guide_runner/shards.py).
if [[ -n "${ROWBOOK_DOCS_SHARD:-}" ]]; then
    echo "==> part $ROWBOOK_DOCS_SHARD of the suite (ROWBOOK_DOCS_SHARD)"
fi
# An older release's pages run when something they use changed since their
# pass recorded in tests/release-passes.json, or that pass is 30 days old
# (guide_runner/release_passes.py; CONTRIBUTING.md, the support window).
# ROWBOOK_DOCS_EVERY_RELEASE=1 runs them all.
every=()
if [[ -n "${ROWBOOK_DOCS_EVERY_RELEASE:-}" ]]; then
    every=(--every-release)
    echo "==> every older release's pages too (ROWBOOK_DOCS_EVERY_RELEASE)"
fi
started=$SECONDS
echo "==> Docker tests in $lanes lanes (ROWBOOK_DOCS_LANES)"
docker_status=0
.venv/bin/pytest -m docker --lanes "$lanes" "${shard[@]}" "${every[@]}" --junitxml=reports/junit-docker.xml \
    || docker_status=$?
docker_seconds=$((SECONDS - started))
beside_status=0
wait "$beside" || beside_status=$?
trap - EXIT
printf '\n==> Tests without Docker (ran beside the Docker tests; reports/beside.log)\n'
cat reports/beside.log
# One report of the whole suite, as a single run writes it.
.venv/bin/junitparser merge reports/junit-docker.xml reports/junit-beside.xml reports/junit.xml
tests=$((SECONDS - started))
printf '{"setup_seconds": %d, "images_seconds": %d, "debs_seconds": %d, "lanes_seconds": %d, "pytest_seconds": %d, "docker_seconds": %d}\n' \
    "$setup" "$images" "$debs" "$lanes_wait" "$tests" "$docker_seconds" > reports/setup-times.json
echo "==> Docker tests exited $docker_status after $docker_seconds s; tests without Docker $beside_status (their time: the last line of reports/beside.log)"
if ((docker_status || beside_status)); then
    exit 1
fi
