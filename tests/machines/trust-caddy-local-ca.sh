#!/bin/sh
# Test-only, on the Debian 12 test server: it has no public domain, so Caddy
# signs rowbook.localhost with its own local authority instead of Let's
# Encrypt. Trust that authority on the server, as browsers trust Let's
# Encrypt, once Caddy has made it.
set -e
root=/var/lib/caddy/.local/share/caddy/pki/authorities/local/root.crt
for _ in $(seq 60); do sudo test -f "$root" && break; sleep 0.5; done
sudo cp "$root" /usr/local/share/ca-certificates/caddy-local-test.crt
sudo update-ca-certificates >/dev/null 2>&1
