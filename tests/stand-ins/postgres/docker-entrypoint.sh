#!/bin/bash
# CI's stand-in for the official postgres image's entrypoint (see Dockerfile).
# First start: create the cluster, the user and the database from the
# environment, like the official image. Later starts: just run.
set -euo pipefail

# NAME_FILE: read NAME from that file (Docker secrets), as the official image does.
file_env() {
    local name="$1" file_name="${1}_FILE"
    if [[ -n "${!name:-}" && -n "${!file_name:-}" ]]; then
        echo "postgres: error: both $name and $file_name are set (but are exclusive)" >&2
        exit 1
    fi
    if [[ -n "${!file_name:-}" ]]; then
        export "$name"="$(< "${!file_name}")"
        unset "$file_name"
    fi
}
file_env POSTGRES_USER
file_env POSTGRES_PASSWORD
file_env POSTGRES_DB

POSTGRES_USER="${POSTGRES_USER:-postgres}"
POSTGRES_DB="${POSTGRES_DB:-$POSTGRES_USER}"

if [[ "${1:-}" == "postgres" && ! -s "$PGDATA/PG_VERSION" ]]; then
    if [[ -z "${POSTGRES_PASSWORD:-}" ]]; then
        echo "postgres: error: POSTGRES_PASSWORD is not set. Set it to a long random password," \
             "for example the output of: openssl rand -base64 32" >&2
        exit 2
    fi
    echo "postgres: initialising a new database cluster in $PGDATA"
    initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") \
        --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
    echo "listen_addresses = '*'" >> "$PGDATA/postgresql.conf"

    # A server on the socket only, while we create the database.
    pg_ctl --pgdata="$PGDATA" --options="-c listen_addresses=''" --wait --silent start
    if [[ "$POSTGRES_DB" != "postgres" ]]; then
        createdb --username="$POSTGRES_USER" --owner="$POSTGRES_USER" "$POSTGRES_DB"
    fi
    for script in /docker-entrypoint-initdb.d/*; do
        case "$script" in
            *.sql) psql --username="$POSTGRES_USER" --dbname="$POSTGRES_DB" -v ON_ERROR_STOP=1 --quiet -f "$script" ;;
            *.sh) bash "$script" ;;
        esac
    done
    pg_ctl --pgdata="$PGDATA" --mode=fast --wait --silent stop
    echo "postgres: database $POSTGRES_DB and user $POSTGRES_USER are ready"
fi

exec "$@"
