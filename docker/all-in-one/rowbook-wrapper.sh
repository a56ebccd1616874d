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
    # `docker exec -i` hands root a pipe only root may reopen; give it to
    # rowbook, so `--password-file /dev/stdin` works after the switch.
    if [[ -p /dev/stdin ]]; then chown rowbook /dev/stdin 2>/dev/null || true; fi
    exec setpriv --reuid=rowbook --regid=rowbook --init-groups -- /opt/rowbook/bin/rowbook "$@"
fi
exec /opt/rowbook/bin/rowbook "$@"
