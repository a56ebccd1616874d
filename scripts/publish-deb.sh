#!/usr/bin/env bash
# Publish Rowbook's Debian package of a release in a signed apt repository,
# as Rowbook's own apt repository would serve it (reprepro):
#
#   scripts/publish-deb.sh STATE VERSION
#
# STATE is the repository's folder; what apt downloads is in STATE/public
# (serve that folder over HTTP): dists/bookworm/..., pool/..., and the
# signing key for /etc/apt/keyrings as rowbook-archive-keyring.gpg. The
# first run makes the repository and its signing key (a key made for the
# tests, kept in STATE/gnupg, never served). Publishing a newer release
# replaces the older one, as a real repository's `apt upgrade` sees it.
# The package comes from scripts/build-deb.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
state="$(realpath -m "$1")" version="$2"
deb="$PWD/.cache/deb/rowbook_${version}_amd64.deb"
scripts/build-deb.sh "$version" >/dev/null  # cached: quick when its inputs did not change

export GNUPGHOME="$state/gnupg"
if [[ ! -d "$state/conf" ]]; then
    mkdir -p "$state/conf" "$state/public" "$GNUPGHOME"
    chmod 0700 "$GNUPGHOME"
    gpg --batch --quiet --passphrase '' --quick-gen-key "Rowbook test archive <apt@rowbook.example>" ed25519 sign never
    key="$(gpg --batch --quiet --list-keys --with-colons | awk -F: '/^fpr/ {print $10; exit}')"
    cat > "$state/conf/distributions" <<CONF
Origin: Rowbook
Label: Rowbook
Codename: bookworm
Architectures: amd64
Components: main
Description: Rowbook's Debian packages (a repository made for the tests)
SignWith: $key
CONF
    gpg --batch --quiet --export "$key" > "$state/public/rowbook-archive-keyring.gpg"
fi
reprepro --silent -b "$state" --outdir "$state/public" includedeb bookworm "$deb"
echo "apt repository: rowbook $version published in $state/public"
