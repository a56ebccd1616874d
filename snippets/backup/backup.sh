#!/bin/sh
# Back up Rowbook installed with Docker Compose: its database and its
# settings, into a new folder in ~/rowbook-backups. Removes the backups
# older than 14 days. Keep this file next to compose.yml.
set -eu
cd "$(dirname "$0")"
backups="$HOME/rowbook-backups"
target="$backups/$(date +%Y-%m-%d-%H%M%S)"
install -d -m 700 "$backups"
# A new folder: never mixed with an earlier backup.
mkdir -m 700 "$target"
# A failed backup leaves no half-written folder behind.
trap 'rm -rf "$target"' EXIT
# The dump is made inside the database container, by the pg_dump of the
# same PostgreSQL version as the server.
docker compose exec -T db \
    sh -c 'pg_dump --username="$POSTGRES_USER" --format=custom "$POSTGRES_DB"' \
    > "$target/rowbook.dump"
# .env holds SECRET_KEY: without it, the database passwords stored on the
# Databases page cannot be read.
cp .env compose.yml Caddyfile "$target/"
trap - EXIT
find "$backups" -mindepth 1 -maxdepth 1 -type d -name '20*' -mtime +14 \
    -exec rm -r {} +
echo "Rowbook backed up to $target"
