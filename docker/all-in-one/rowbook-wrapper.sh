#!/bin/bash
# `docker exec CONTAINER rowbook ...` in the all-in-one image: load the
# secrets the entrypoint generated, and run Rowbook as its own user.
set -euo pipefail
for name in SECRET_KEY POSTGRES_PASSWORD; do
    if [[ -z "${!name:-}" && -r "/data/.$name" ]]; then
        export "$name=$(cat "/data/.$name")"
    fi
done
if [[ "$(id -u)" == 0 ]]; then
    export HOME=/var/lib/rowbook
    exec setpriv --reuid=rowbook --regid=rowbook --init-groups -- /opt/rowbook/bin/rowbook "$@"
fi
exec /opt/rowbook/bin/rowbook "$@"
