#!/usr/bin/env bash
# Build the base images our Dockerfiles name, from Debian packages.
#
# This machine has no container registry, so `FROM debian:bookworm-slim` can
# only work if an image with that tag already exists locally. We make it with
# debootstrap (minbase variant) and `docker import`, and tag it with the
# upstream name. Slim like the official image: no cached packages, no docs,
# man pages or translations (and dpkg told to skip them in later installs).
# Idempotent: a tag built by this version of the script (label
# org.rowbook.base) is kept; the root file system tarball is cached in
# $CACHE_DIR so a rebuilt engine re-imports in seconds.
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
# Names what the script makes: change it when slim() changes, so existing
# tags and cached tarballs are rebuilt.
recipe="slim-1"

# The trims of the official slim images (debuerreotype's slimify).
slim() {  # slim ROOT
    local root="$1"
    rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb "$root"/tmp/*
    cat > "$root/etc/dpkg/dpkg.cfg.d/docker-slim" <<'EOF'
# Docs, man pages and translations are not installed (copyright files are).
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
EOF
    find "$root/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
    find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete
    rm -rf "$root"/usr/share/{man,groff,info,lintian,linda,locale}/*
    cat > "$root/etc/apt/apt.conf.d/docker-clean" <<'EOF'
# No downloaded packages are kept after an install.
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
    echo 'Acquire::Languages "none";' > "$root/etc/apt/apt.conf.d/docker-no-languages"
}

for suite in "${suites[@]}"; do
    tag="debian:${suite}-slim"
    if [[ $force -eq 0 ]] && [[ "$(docker image inspect -f '{{index .Config.Labels "org.rowbook.base"}}' "$tag" 2>/dev/null)" == "$recipe" ]]; then
        echo "base image: $tag already present"
        continue
    fi
    tarball="$cache_dir/$suite-$recipe.tar"
    if [[ $force -eq 1 || ! -s "$tarball" ]]; then
        command -v debootstrap >/dev/null || apt-get install -y -qq debootstrap
        root="$(mktemp -d)"
        echo "base image: debootstrap $suite from $mirror"
        debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$cache_dir/$suite-debootstrap.log" 2>&1 \
            || { tail -20 "$cache_dir/$suite-debootstrap.log"; exit 1; }
        slim "$root"
        tar --numeric-owner -C "$root" -cf "$tarball.tmp" .
        mv "$tarball.tmp" "$tarball"
        rm -rf "$root"
    fi
    docker import \
        --change 'CMD ["bash"]' \
        --change 'ENV LANG=C.UTF-8' \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change "LABEL org.rowbook.base=$recipe" \
        "$tarball" "$tag" >/dev/null
    echo "base image: $tag imported"
done
