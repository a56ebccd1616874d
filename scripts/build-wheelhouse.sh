#!/usr/bin/env bash
# Build the wheels of each Rowbook release and of everything it depends on,
# on the host: pip cannot reach the package index from inside containers here.
#
#   .cache/wheelhouse/VERSION/   one directory per release in releases.toml,
#                                built from that release's commit
#   .cache/wheelhouse/work-tree/ with the VERSION work-tree: the work tree's
#                                Rowbook, for a package of what is not released
#
# The image builds (scripts/build-images.sh) install from these directories,
# and so does the test of the Install without Docker guide. A release's
# dependencies are the files of its lock, packaging/locks/VERSION.txt
# (scripts/lock-release.py), checked by their hashes: the same on every
# machine and day. The work tree has no lock: it takes what pip resolves.
# Cached: a release whose wheel was built from its commit and its lock (noted
# in .commit) is not built again.
#
# Usage: scripts/build-wheelhouse.sh [VERSION|work-tree ...]   (default: every release)
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-$PWD/.venv/bin/python}"

versions=("$@")
if [[ ${#versions[@]} -eq 0 ]]; then
    mapfile -t versions < <("$python" scripts/release-info.py versions)
fi

for version in "${versions[@]}"; do
    dir=".cache/wheelhouse/$version"
    if [[ "$version" == work-tree ]]; then
        # The work tree, not a release (scripts/build-deb.sh work-tree): noted
        # by a digest of what goes into its wheel.
        src="$PWD"
        commit="work-tree $(find rowbook pyproject.toml README.md -type f -not -path '*/__pycache__/*' -print0 \
            | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)"
        wheel="$(ls "$dir"/rowbook-*.whl 2>/dev/null | head -1 || true)"
    else
        lock="packaging/locks/$version.txt"
        if [[ ! -f "$lock" ]]; then
            echo "wheelhouse: release $version has no lock ($lock): run scripts/lock-release.py $version" >&2
            exit 1
        fi
        ref="$("$python" scripts/release-info.py "$version" commit)"
        commit="$ref $(sha256sum "$lock" | cut -c1-16)"  # what .commit notes: the commit and its lock
        wheel="$dir/rowbook-$version-py3-none-any.whl"
    fi
    # Built from this release's commit? (A release's commit may move before it ships.)
    if [[ -n "$wheel" && -f "$wheel" && "$(cat "$dir/.commit" 2>/dev/null)" == "$commit" ]]; then
        echo "wheelhouse: $version ready"
        continue
    fi
    echo "wheelhouse: building $version from ${commit:0:24}"
    if [[ "$version" != work-tree ]]; then
        src="$(mktemp -d)"
        git archive "$ref" | tar -x -C "$src"
    fi
    rm -rf "$dir.partial" && mkdir -p "$dir.partial"
    if [[ "$version" == work-tree ]]; then
        "$python" -m pip wheel --quiet --wheel-dir "$dir.partial" "$src" >/dev/null
    else
        "$python" -m pip wheel --quiet --no-deps --wheel-dir "$dir.partial" "$src" >/dev/null
        "$python" -m pip download --quiet --no-deps --only-binary=:all: --require-hashes \
            --dest "$dir.partial" -r "$lock" >/dev/null
    fi
    echo "$commit" > "$dir.partial/.commit"
    [[ "$src" == "$PWD" ]] || rm -rf "$src"
    rm -rf "$dir"
    mv "$dir.partial" "$dir"
    echo "wheelhouse: $version ready"
done
