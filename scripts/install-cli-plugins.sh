#!/usr/bin/env bash
# Install the Docker CLI plugins the tests need when they are missing:
#   compose  Compose v2 (`docker compose`); the machine has Compose v1 only
#   buildx   BuildKit for `docker build` (scripts/build-images.sh): with the
#            classic builder every Dockerfile instruction costs about 5 s on
#            this engine's storage driver, metadata-only ones included
#
# Debian trixie's `docker-compose` and `docker-buildx` packages carry the
# plugins and depend only on libc6, so we download those packages with a
# private apt configuration (the host's sources stay on bookworm) and unpack
# the plugin binaries.
set -euo pipefail

dest=/usr/libexec/docker/cli-plugins
missing=()
docker compose version >/dev/null 2>&1 || missing+=(docker-compose)
docker buildx version >/dev/null 2>&1 || missing+=(docker-buildx)
if [[ ${#missing[@]} -gt 0 ]]; then
    mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
    mkdir -p "$work/lists/partial" "$work/archives/partial"
    echo "deb $mirror trixie main" > "$work/sources.list"
    apt_opts=(
        -o "Dir::Etc::SourceList=$work/sources.list"
        -o "Dir::Etc::SourceParts=-"
        -o "Dir::State::Lists=$work/lists"
        -o "Dir::Cache::Archives=$work/archives"
        -o "APT::Get::List-Cleanup=0"
        -o "APT::Sandbox::User=root"
    )
    apt-get "${apt_opts[@]}" update -qq
    for package in "${missing[@]}"; do
        (cd "$work" && apt-get "${apt_opts[@]}" download -qq "$package/trixie")
        dpkg-deb -x "$work/${package}"_*.deb "$work/root"
        install -D -m 0755 "$work/root/usr/libexec/docker/cli-plugins/$package" "$dest/$package"
        echo "installed $package from trixie"
    done
fi
echo "compose: $(docker compose version)"
echo "buildx: $(docker buildx version)"
