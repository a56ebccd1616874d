#!/usr/bin/env bash
# Build our images, tagged as readers know them:
#   rowbook/rowbook:VERSION     each release in releases.toml, from its commit
#   rowbook/all-in-one:VERSION  the same with PostgreSQL inside
#   postgres:15, caddy:2        CI's stand-ins for the official images, from
#                               Debian's packages (tests/stand-ins/)
#   rowbook-test/debian-server:12
#                               test-only: a fresh Debian 12 server with
#                               systemd, for the Install without Docker guide
# The newest release is also tagged :latest. Each is pushed to the local
# registry when it runs (scripts/local-registry.sh).
#
# pip cannot reach the package index from inside `docker build` here, so the
# wheels are built on the host first (scripts/build-wheelhouse.sh), copied
# into docker/rowbook/wheels, and the Dockerfile installs from there.
# Cached: an existing tag is kept unless --force.
#
# Usage: scripts/build-images.sh [--force] [VERSION ...]   (default: every release)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/release-args.sh "$@"
newest="$("$python" scripts/release-info.py newest)"

scripts/build-base-images.sh bookworm
scripts/build-wheelhouse.sh "${versions[@]}"

# What an image is built from: the files of its context, the build options and
# extra inputs (a commit, a base image). Stored as a label, so an image whose
# inputs changed is rebuilt and an unchanged one is kept.
inputs_of() {  # inputs_of CONTEXT [EXTRA ...]
    local context="$1"; shift
    { find "$context" -type f -not -path '*/wheels/*' -print0 | sort -z | xargs -0 sha256sum; echo "$@"; } \
        | sha256sum | cut -c1-16
}
current() {  # current TAG INPUTS: is TAG built from INPUTS?
    [[ $force -eq 0 ]] && [[ "$(docker image inspect -f '{{index .Config.Labels "org.rowbook.inputs"}}' "$1" 2>/dev/null)" == "$2" ]]
}
build() {  # build TAG CONTEXT [docker build options]
    local tag="$1" context="$2"; shift 2
    local base inputs
    base="$(docker image inspect -f '{{.Id}}' "$(sed -n 's/^FROM \([^ ]*\).*/\1/p' "$context/Dockerfile" | tail -1 \
        | sed "s/\${ROWBOOK_VERSION}/${ROWBOOK_VERSION_ARG:-}/")" 2>/dev/null || true)"
    inputs="$(inputs_of "$context" "$@" "$base")"
    if ! current "$tag" "$inputs"; then
        local started=$SECONDS
        echo "image: building $tag"
        # The classic builder's cache can point at layers that are gone
        # ("failed to get digest"): then build again without it.
        docker build -q -t "$tag" --label "org.rowbook.inputs=$inputs" "$@" "$context" >/dev/null \
            || docker build -q --no-cache -t "$tag" --label "org.rowbook.inputs=$inputs" "$@" "$context" >/dev/null
        echo "image: $tag built in $((SECONDS - started)) s"
    fi
    echo "image: $tag ready"
}
build postgres:15 tests/stand-ins/postgres
build caddy:2 tests/stand-ins/caddy
build rowbook-test/debian-server:12 tests/machines/debian-12

for version in "${versions[@]}"; do
    commit="$("$python" scripts/release-info.py "$version" commit)"
    # Its Dockerfile starts FROM the base image: a new base means a rebuild.
    inputs="$(inputs_of docker/rowbook "$commit" "$(docker image inspect -f '{{.Id}}' debian:bookworm-slim)")"
    if current "rowbook/rowbook:$version" "$inputs"; then
        echo "image: rowbook/rowbook:$version ready"
        ROWBOOK_VERSION_ARG="$version" build "rowbook/all-in-one:$version" docker/all-in-one --build-arg "ROWBOOK_VERSION=$version"
        continue
    fi
    wheels="docker/rowbook/wheels"
    rm -rf "$wheels" && cp -r ".cache/wheelhouse/$version" "$wheels"
    started=$SECONDS
    echo "image: building rowbook/rowbook:$version from commit ${commit:0:12}"
    docker build -q -t "rowbook/rowbook:$version" --label "org.rowbook.inputs=$inputs" docker/rowbook >/dev/null \
        || docker build -q --no-cache -t "rowbook/rowbook:$version" --label "org.rowbook.inputs=$inputs" docker/rowbook >/dev/null
    rm -rf "$wheels"
    echo "image: rowbook/rowbook:$version built in $((SECONDS - started)) s"
    echo "image: rowbook/rowbook:$version ready"
    ROWBOOK_VERSION_ARG="$version" build "rowbook/all-in-one:$version" docker/all-in-one --build-arg "ROWBOOK_VERSION=$version"
done
docker tag "rowbook/rowbook:$newest" rowbook/rowbook:latest
docker tag "rowbook/all-in-one:$newest" rowbook/all-in-one:latest

# Into the local registry under the names the pages use, so their pulls are
# real (scripts/local-registry.sh; the runner's absent= option).
if curl -fs -o /dev/null --max-time 2 http://127.0.0.1:5000/v2/; then
    scripts/local-registry.sh push postgres:15 caddy:2 \
        "${versions[@]/#/rowbook/rowbook:}" "${versions[@]/#/rowbook/all-in-one:}"
fi
