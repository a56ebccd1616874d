#!/bin/sh
# Install what tests/service needs on Debian 12: PostgreSQL 15 server binaries
# (the tests start their own throwaway cluster) and the Python venv.
set -eu
cd "$(dirname "$0")/.."
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql-15
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -e '.[docs,test]'
