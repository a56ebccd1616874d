#!/bin/bash
# Start PostgreSQL (as postgres) and Rowbook (as rowbook) in one container.
# This script stays PID 1: it stops both cleanly when the container stops.
set -euo pipefail

data=/data
pgdata="$data/postgres"

# Secrets: from the environment if given, else generated once and kept in the volume.
secret() {
    local name="$1" file="$data/.$1"
    if [[ -n "${!name:-}" ]]; then
        return
    fi
    if [[ ! -s "$file" ]]; then
        (umask 077 && python3 -c 'import secrets; print(secrets.token_hex(32))' > "$file")
        echo "rowbook-all-in-one: generated $name, kept in the volume ($file)"
    fi
    export "$name=$(cat "$file")"
}
secret SECRET_KEY
secret POSTGRES_PASSWORD

if [[ ! -s "$pgdata/PG_VERSION" ]]; then
    echo "rowbook-all-in-one: creating the database cluster in $pgdata"
    install -d -o postgres -g postgres -m 0700 "$pgdata"
    pwfile="$(mktemp)"
    printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
    chown postgres "$pwfile"
    runuser -u postgres -- initdb --pgdata="$pgdata" --username="$POSTGRES_USER" --pwfile="$pwfile" \
        --auth-local=peer --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    rm -f "$pwfile"
    fresh=1
fi

# PostgreSQL listens inside the container only.
# setpriv execs in place (unlike runuser), so signals reach PostgreSQL itself.
as() { local user="$1"; shift; HOME="$(getent passwd "$user" | cut -d: -f6)" exec setpriv --reuid="$user" --regid="$user" --init-groups -- "$@"; }
as postgres postgres -D "$pgdata" -c listen_addresses=127.0.0.1 &
db=$!
until pg_isready --host=127.0.0.1 --quiet; do
    kill -0 "$db" 2>/dev/null || { echo "rowbook-all-in-one: PostgreSQL did not start" >&2; exit 1; }
    sleep 0.5
done
if [[ "${fresh:-0}" == 1 ]]; then
    PGPASSWORD="$POSTGRES_PASSWORD" createdb --host=127.0.0.1 --username="$POSTGRES_USER" "$POSTGRES_DB"
fi

[[ $# -gt 0 ]] || set -- rowbook serve
as rowbook rowbook-entrypoint "$@" &
app=$!

stop() {
    kill -TERM "$app" 2>/dev/null || true
    wait "$app" 2>/dev/null || true
    kill -INT "$db" 2>/dev/null || true  # fast shutdown: a clean checkpoint
    wait "$db" 2>/dev/null || true
}
trap 'stop; exit 0' TERM INT

# When either process ends, stop the other and exit with its status.
set +e
wait -n "$app" "$db"
status=$?
stop
exit "$status"
