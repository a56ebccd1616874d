#!/usr/bin/env bash
# Install the Docker Compose v2 CLI plugin when `docker compose` is missing.
#
# The machine has Compose v1 (`docker-compose`) only. Debian trixie's
# `docker-compose` package carries the v2 plugin and depends only on libc6, so
# we download that one package with a private apt configuration (the host's
# sources stay on bookworm) and unpack the plugin binary.
set -euo pipefail

if docker compose version >/dev/null 2>&1; then
    echo "compose: $(docker compose version)"
    exit 0
fi

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
(cd "$work" && apt-get "${apt_opts[@]}" download -qq docker-compose/trixie)
dpkg-deb -x "$work"/docker-compose_*.deb "$work/root"

dest=/usr/libexec/docker/cli-plugins
install -D -m 0755 "$work/root/usr/libexec/docker/cli-plugins/docker-compose" "$dest/docker-compose"
echo "compose: installed $(docker compose version)"
