#!/usr/bin/env bash
# Build the base images our Dockerfiles name, from Debian packages.
#
# This machine has no container registry, so `FROM debian:bookworm-slim` can
# only work if an image with that tag already exists locally. We make it with
# debootstrap (minbase variant) and `docker import`, and tag it with the
# upstream name. Idempotent: an existing tag is kept; the root file system
# tarball is cached in $CACHE_DIR so a rebuilt engine re-imports in seconds.
#
# Usage: scripts/build-base-images.sh [--force] [SUITE ...]   (default: bookworm)
set -euo pipefail

force=0
if [[ "${1:-}" == "--force" ]]; then force=1; shift; fi
suites=("$@")
[[ ${#suites[@]} -gt 0 ]] || suites=(bookworm)

mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
cache_dir="${CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/rowbook-docs/base-images}"
mkdir -p "$cache_dir"

for suite in "${suites[@]}"; do
    tag="debian:${suite}-slim"
    if [[ $force -eq 0 ]] && docker image inspect "$tag" >/dev/null 2>&1; then
        echo "base image: $tag already present"
        continue
    fi
    tarball="$cache_dir/$suite-minbase.tar"
    if [[ $force -eq 1 || ! -s "$tarball" ]]; then
        command -v debootstrap >/dev/null || apt-get install -y -qq debootstrap
        root="$(mktemp -d)"
        echo "base image: debootstrap $suite from $mirror"
        debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$cache_dir/$suite-debootstrap.log" 2>&1 \
            || { tail -20 "$cache_dir/$suite-debootstrap.log"; exit 1; }
        # Same trims as the official slim images: no apt lists, no caches.
        rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/tmp/*
        tar --numeric-owner -C "$root" -cf "$tarball.tmp" .
        mv "$tarball.tmp" "$tarball"
        rm -rf "$root"
    fi
    docker import \
        --change 'CMD ["bash"]' \
        --change 'ENV LANG=C.UTF-8' \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        "$tarball" "$tag" >/dev/null
    echo "base image: $tag imported"
done
