#!/usr/bin/env bash
# Build Rowbook's Debian package for each release, from the release's wheels
# (scripts/build-wheelhouse.sh), with packaging/debian/ and dh-virtualenv, and
# check each with lintian:
#   .cache/deb/rowbook_VERSION_amd64.deb
#
# Needs Debian 12's python3, debhelper, dh-virtualenv and lintian
# (scripts/setup.sh installs them). Cached: a package is kept when its inputs
# (packaging/debian/, the wheels, its changelog) did not change, unless --force.
#
# Usage: scripts/build-deb.sh [--force] [VERSION ...]   (default: every release)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/release-args.sh "$@"
scripts/build-wheelhouse.sh "${versions[@]}" >/dev/null

out="$root/.cache/deb"
mkdir -p "$out"
for version in "${versions[@]}"; do
    wheels="$root/.cache/wheelhouse/$version"
    deb="$out/rowbook_${version}_amd64.deb"
    inputs="$({ find packaging/debian "$wheels" -type f -print0 | sort -z | xargs -0 sha256sum
                "$python" scripts/release-info.py debian-changelog "$version"; } | sha256sum | cut -c1-16)"
    if [[ $force -eq 0 && -f "$deb" && "$(cat "$deb.inputs" 2>/dev/null)" == "$inputs" ]]; then
        echo "deb: $(basename "$deb") ready"
        continue
    fi
    started=$SECONDS
    echo "deb: building $(basename "$deb")"
    src="$out/src-$version/rowbook-$version"
    rm -rf "$out/src-$version" && mkdir -p "$src"
    cp -r packaging/debian "$src/debian"
    echo "rowbook==$version" > "$src/requirements.txt"
    "$python" scripts/release-info.py debian-changelog "$version" > "$src/debian/changelog"
    # The build's own log, shown only when it fails.
    if ! (cd "$src" && WHEELHOUSE="$wheels" dpkg-buildpackage -b -us -uc > ../build.log 2>&1); then
        tail -40 "$out/src-$version/build.log" >&2
        echo "deb: building rowbook $version failed; the whole log: $out/src-$version/build.log" >&2
        exit 1
    fi
    mv "$out/src-$version/rowbook_${version}_amd64.deb" "$deb"
    echo "$inputs" > "$deb.inputs"
    echo "deb: $(basename "$deb") built in $((SECONDS - started)) s"
    # lintian: no error may remain (warnings are listed; debian/rowbook.lintian-overrides says why /opt).
    if ! lintian --fail-on error "$deb"; then
        rm -f "$deb.inputs"
        echo "deb: lintian found errors in $(basename "$deb")" >&2
        exit 1
    fi
done
