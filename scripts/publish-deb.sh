#!/usr/bin/env bash
# Publish Rowbook's Debian package of a release in a signed apt repository,
# as Rowbook's own apt repository serves it:
#
#   scripts/publish-deb.sh STATE VERSION
#
# STATE is the repository's folder; what apt downloads is in STATE/public
# (serve that folder over HTTP): dists/bookworm/..., pool/..., and the
# signing key for /etc/apt/keyrings as rowbook-archive-keyring.gpg. The
# first run makes the repository and its signing key (a key made for the
# tests, kept in STATE/gnupg, never served). The repository keeps every
# release it was given: `apt upgrade` installs the newest, and
# `apt-get install rowbook=VERSION` an older one (going back, as the Debian
# page shows). reprepro, which Debian 12 has, keeps one version of a package
# only, so the index is made with dpkg-scanpackages and signed with gpg here.
# The package comes from scripts/build-deb.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
state="$(realpath -m "$1")" version="$2"
deb="$PWD/.cache/deb/rowbook_${version}_amd64.deb"
scripts/build-deb.sh "$version" >/dev/null  # cached: quick when its inputs did not change

export GNUPGHOME="$state/gnupg"
public="$state/public" dist="$state/public/dists/bookworm"
if [[ ! -f "$state/signing-key" ]]; then
    mkdir -p "$public" "$GNUPGHOME"
    chmod 0700 "$GNUPGHOME"
    gpg --batch --quiet --passphrase '' --quick-gen-key "Rowbook test archive <apt@rowbook.example>" ed25519 sign never
    gpg --batch --quiet --list-keys --with-colons | awk -F: '/^fpr/ {print $10; exit}' > "$state/signing-key"
    gpg --batch --quiet --export "$(cat "$state/signing-key")" > "$public/rowbook-archive-keyring.gpg"
fi
key="$(cat "$state/signing-key")"

pool="$public/pool/main/r/rowbook"
mkdir -p "$pool" "$dist/main/binary-amd64"
cp "$deb" "$pool/"
# The index of every package in the pool, each version (-m), paths from the repository's root.
(cd "$public" && dpkg-scanpackages -m pool /dev/null 2>/dev/null) > "$dist/main/binary-amd64/Packages"
gzip -9 -n -k -f "$dist/main/binary-amd64/Packages"
{
    echo "Origin: Rowbook"
    echo "Label: Rowbook"
    echo "Codename: bookworm"
    echo "Date: $(LC_ALL=C date -u '+%a, %d %b %Y %H:%M:%S UTC')"
    echo "Architectures: amd64"
    echo "Components: main"
    echo "Description: Rowbook's Debian packages (a repository made for the tests)"
    echo "SHA256:"
    for index in main/binary-amd64/Packages main/binary-amd64/Packages.gz; do
        echo " $(sha256sum "$dist/$index" | cut -d' ' -f1) $(stat -c %s "$dist/$index") $index"
    done
} > "$dist/Release"
gpg --batch --quiet --yes --local-user "$key" --clearsign --output "$dist/InRelease" "$dist/Release"
gpg --batch --quiet --yes --local-user "$key" --armor --detach-sign --output "$dist/Release.gpg" "$dist/Release"
echo "apt repository: rowbook $version published in $state/public"
