#!/usr/bin/env bash
# Build Rowbook's Debian package for each release, from the release's wheels
# (scripts/build-wheelhouse.sh), with packaging/debian/ and dh-virtualenv, and
# check each with lintian:
#   .cache/deb/rowbook_VERSION_amd64.deb
# and, with the VERSION work-tree, a package of the work tree's Rowbook:
#   .cache/deb/rowbook_VERSION+worktree_amd64.deb   (for tests/packaging only)
#
# Needs Debian 12's python3, debhelper, dh-virtualenv and lintian
# (scripts/setup.sh installs them). Cached: a package is kept when its inputs
# (packaging/debian/, the wheels, its changelog) did not change, unless --force.
# A release's package is also kept in the Docker engine, as the images are (an
# image of the one file, rowbook-deb-cache:VERSION, labelled with its inputs),
# so a fresh clone on the same machine copies it out instead of building it
# again (about a minute each).
#
# Usage: scripts/build-deb.sh [--force] [VERSION|work-tree ...]   (default: every release)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/release-args.sh "$@"
scripts/build-wheelhouse.sh "${versions[@]}" >/dev/null

out="$root/.cache/deb"
mkdir -p "$out"
engine_cache() {  # engine_cache VERSION: a release, and an engine that is not a test lane's
    local labels
    [[ "$1" != work-tree ]] && labels="$(docker info --format '{{json .Labels}}' 2>/dev/null)" \
        && [[ "$labels" != *guide-runner.lane=* ]]
}
from_engine() {  # from_engine VERSION INPUTS DEB: copy the engine's package out, if its inputs are these
    local image="rowbook-deb-cache:$1" container
    engine_cache "$1" || return 1
    [[ "$(docker image inspect -f '{{index .Config.Labels "org.rowbook.deb-inputs"}}' "$image" 2>/dev/null)" == "$2" ]] \
        || return 1
    container="$(docker create "$image" /none)" || return 1
    docker cp "$container:/$(basename "$3")" "$3.partial" >/dev/null 2>&1 && mv "$3.partial" "$3" || rm -f "$3.partial"
    docker rm "$container" >/dev/null
    [[ -f "$3" ]]
}
to_engine() {  # to_engine VERSION INPUTS DEB: keep the package in the engine
    local context
    engine_cache "$1" || return 0
    context="$(mktemp -d)"
    ln "$3" "$context/" 2>/dev/null || cp "$3" "$context/"
    printf 'FROM scratch\nCOPY %s /\n' "$(basename "$3")" > "$context/Dockerfile"
    docker build -q -t "rowbook-deb-cache:$1" --label "org.rowbook.deb-inputs=$2" "$context" >/dev/null \
        || echo "deb: could not keep $(basename "$3") in the Docker engine (it is built again next time)"
    rm -rf "$context"
}
build_one() {  # build_one VERSION: its package, then lintian
    local version="$1" wheels wheel package_version deb changelog inputs started src
    wheels="$root/.cache/wheelhouse/$version"
    wheel="$(ls "$wheels"/rowbook-*.whl)"
    # work-tree: a package of the work tree (0.1.3+worktree, say), for the
    # test of what releases do not have yet; the wheel's own version inside.
    package_version="$version"
    [[ "$version" == work-tree ]] && package_version="$("$python" scripts/release-info.py work-tree-version)"
    deb="$out/rowbook_${package_version}_amd64.deb"
    changelog="$("$python" scripts/release-info.py debian-changelog "$version")"
    # Paths relative to the clone, so another clone of the same commit has the
    # same inputs (and finds the package the engine keeps).
    inputs="$({ find packaging/debian ".cache/wheelhouse/$version" -type f -print0 | sort -z | xargs -0 sha256sum
                printf '%s\n' "$changelog"; } | sha256sum | cut -c1-16)"
    if [[ $force -eq 0 && -f "$deb" && "$(cat "$deb.inputs" 2>/dev/null)" == "$inputs" ]]; then
        echo "deb: $(basename "$deb") ready"
        return 0
    fi
    if [[ $force -eq 0 ]] && from_engine "$version" "$inputs" "$deb"; then
        echo "$inputs" > "$deb.inputs"
        echo "deb: $(basename "$deb") ready (from the Docker engine's rowbook-deb-cache:$version)"
        return 0
    fi
    started=$SECONDS
    echo "deb: building $(basename "$deb")"
    src="$out/src-$version/rowbook-$version"
    rm -rf "$out/src-$version" && mkdir -p "$src"
    cp -r packaging/debian "$src/debian"
    basename "$wheel" | sed 's/^rowbook-\([^-]*\)-.*/rowbook==\1/' > "$src/requirements.txt"
    printf '%s\n' "$changelog" > "$src/debian/changelog"
    # The service and the rowbook command tell Rowbook it came from this
    # package (ROWBOOK_INSTALL_METHOD=deb), where its About page shows apt's
    # upgrade steps. Releases that do not know that value (0.1.3 and older)
    # would refuse to start with it: theirs go without.
    if ! "$python" scripts/release-info.py knows-install-method "$wheel" deb; then
        sed -i '/^Environment=ROWBOOK_INSTALL_METHOD=/d' "$src/debian/rowbook.service"
        sed -i 's/ ROWBOOK_INSTALL_METHOD=deb / /' "$src/debian/bin/rowbook"
    fi
    # The build's own log, shown only when it fails.
    if ! (cd "$src" && WHEELHOUSE="$wheels" dpkg-buildpackage -b -us -uc > ../build.log 2>&1); then
        tail -40 "$out/src-$version/build.log" >&2
        echo "deb: building rowbook $version failed; the whole log: $out/src-$version/build.log" >&2
        return 1
    fi
    mv "$out/src-$version/rowbook_${package_version}_amd64.deb" "$deb"
    echo "$inputs" > "$deb.inputs"
    echo "deb: $(basename "$deb") built in $((SECONDS - started)) s"
    # lintian: no error may remain (warnings are listed; debian/rowbook.lintian-overrides says why /opt).
    if ! lintian --fail-on error "$deb"; then
        rm -f "$deb.inputs"
        echo "deb: lintian found errors in $(basename "$deb")" >&2
        return 1
    fi
    to_engine "$version" "$inputs" "$deb"
}

# The packages are independent: build them side by side, as many at once as
# there are cores (DEB_JOBS), each with its own log, shown in order once all
# are done (a build is mostly single-threaded: pip unpacking, then lintian).
jobs_at_once="${DEB_JOBS:-$(nproc)}"
pids=()
for version in "${versions[@]}"; do
    while [[ "$(jobs -rp | wc -l)" -ge "$jobs_at_once" ]]; do wait -n || true; done
    build_one "$version" > "$out/log-$version" 2>&1 &
    pids+=("$!")
done
failed=0
for i in "${!versions[@]}"; do
    wait "${pids[$i]}" || failed=1
    cat "$out/log-${versions[$i]}"
done
exit "$failed"
