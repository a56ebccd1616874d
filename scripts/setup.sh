#!/usr/bin/env bash
# Set up what the docs site and the tests need, on a fresh Debian machine.
#
#   scripts/setup.sh --docs   the docs site and the editor's checks
#                             (Python packages only)
#   scripts/setup.sh          everything the tests need as well: Debian
#                             packages, the Compose v2 plugin, the base images
#
# Safe to re-run: each step checks what is there first.
set -euo pipefail
cd "$(dirname "$0")/.."

docs_only=0
[[ "${1:-}" == "--docs" ]] && docs_only=1

step() { printf '\n==> %s\n' "$*"; }

step "Python packages (.venv)"
if [[ ! -x .venv/bin/python ]]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
if [[ $docs_only -eq 1 ]]; then
    .venv/bin/python -m pip install --quiet -e '.[docs,editor]' -e ./guide_runner
    exit 0
fi
.venv/bin/python -m pip install --quiet -e '.[docs,test]' -e ./guide_runner

step "Debian packages"
# debootstrap builds base images; postgresql is the server the service tests
# start; iproute2 gives `ss`, which the Prerequisites page uses; chromium is
# the browser of tests/browser (Playwright drives /usr/bin/chromium; no
# `playwright install`, which would download a browser); libnss3-tools gives
# certutil, with which the runner's outcome checks trust a page's local CA;
# docker-registry stands in for Docker Hub (scripts/local-registry.sh); sudo
# runs the host-side `sudo` lines of a page, as on a reader's Docker host;
# debhelper, dh-virtualenv and lintian build and check Rowbook's Debian
# package (scripts/build-deb.sh); dpkg-dev's dpkg-scanpackages indexes it in
# a signed apt repository (scripts/publish-deb.sh), with a key gnupg makes;
# slirp4netns is a lane's way out (guide_runner/lanes.py).
packages=(debootstrap postgresql iproute2 curl openssl chromium libnss3-tools docker-registry sudo
          debhelper dh-virtualenv lintian dpkg-dev gnupg slirp4netns)
needed=()
for pkg in "${packages[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || needed+=("$pkg")
done
if [[ ${#needed[@]} -gt 0 ]]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${needed[@]}" >/dev/null
fi
echo "present: ${packages[*]}"

step "Caddy (to check Caddyfiles; unpacked, not installed as a service)"
if [[ ! -x .cache/tools/caddy ]]; then
    tmp="$(mktemp -d)"; chmod 0755 "$tmp"
    (cd "$tmp" && apt-get -o APT::Sandbox::User=root download -qq caddy && dpkg-deb -x caddy_*.deb root)
    install -D -m 0755 "$tmp/root/usr/bin/caddy" .cache/tools/caddy
    rm -rf "$tmp"
fi
.cache/tools/caddy version

step "Docker CLI plugins: Compose v2, BuildKit (buildx)"
scripts/install-cli-plugins.sh

step "Local registry, the Docker daemon's mirror for Docker Hub names"
scripts/local-registry.sh start

step "Base images"
scripts/build-base-images.sh bookworm
