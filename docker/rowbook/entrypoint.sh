#!/bin/sh
# Check the configuration and bring the database schema up to date (safe to
# repeat: Django applies only what is missing), then run the command.
set -e
if [ "$1" = "rowbook" ] && [ "$2" = "serve" ]; then
    rowbook migrate --no-input
fi
exec "$@"
