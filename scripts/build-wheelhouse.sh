#!/usr/bin/env bash
# Build the wheels of each Rowbook release and of everything it depends on,
# on the host: pip cannot reach the package index from inside containers here.
#
#   .cache/wheelhouse/VERSION/   one directory per release in releases.toml,
#                                built from that release's commit
#
# The image builds (scripts/build-images.sh) install from these directories,
# and so does the test of the Install without Docker guide. Cached: a release
# whose wheel was built from its commit (noted in .commit) is not built again.
#
# Usage: scripts/build-wheelhouse.sh [VERSION ...]   (default: every release)
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-$PWD/.venv/bin/python}"

versions=("$@")
if [[ ${#versions[@]} -eq 0 ]]; then
    mapfile -t versions < <("$python" scripts/release-info.py versions)
fi

for version in "${versions[@]}"; do
    dir=".cache/wheelhouse/$version"
    commit="$("$python" scripts/release-info.py "$version" commit)"
    # Built from this release's commit? (A release's commit may move before it ships.)
    if [[ -f "$dir/rowbook-$version-py3-none-any.whl" && "$(cat "$dir/.commit" 2>/dev/null)" == "$commit" ]]; then
        echo "wheelhouse: $version ready"
        continue
    fi
    echo "wheelhouse: building $version from commit ${commit:0:12}"
    src="$(mktemp -d)"
    git archive "$commit" | tar -x -C "$src"
    rm -rf "$dir.partial" && mkdir -p "$dir.partial"
    "$python" -m pip wheel --quiet --wheel-dir "$dir.partial" "$src" >/dev/null
    echo "$commit" > "$dir.partial/.commit"
    rm -rf "$src" "$dir"
    mv "$dir.partial" "$dir"
    echo "wheelhouse: $version ready"
done
