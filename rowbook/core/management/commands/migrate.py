"""`rowbook migrate`: Django's migrate, one at a time per database.

Two migrates at once (two containers starting, `rowbook install` next to an
upgrade) would create the same tables and one would stop half-way. A
PostgreSQL advisory lock, held on a connection of its own for the whole
command, makes the second one wait, then find nothing left to do.
"""

import sys
from contextlib import contextmanager

import psycopg
from django.conf import settings
from django.core.management.commands.migrate import Command as DjangoMigrate

# Any fixed number works, as long as every Rowbook uses the same: "Rowbook" in ASCII.
LOCK_KEY = 0x526F77626F6F6B


@contextmanager
def migrate_lock(alias: str):
    db = settings.DATABASES[alias]
    # No statement_timeout here: waiting for a long migrate is the point.
    conn = psycopg.connect(host=db["HOST"], port=db["PORT"], user=db["USER"],
                           password=db["PASSWORD"] or None, dbname=db["NAME"],
                           connect_timeout=5, application_name="rowbook migrate lock",
                           autocommit=True)
    try:
        if not conn.execute("SELECT pg_try_advisory_lock(%s)", (LOCK_KEY,)).fetchone()[0]:
            print("rowbook: note: another `rowbook migrate` is running on this database; "
                  "waiting for it to finish", file=sys.stderr, flush=True)
            conn.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))
        yield
    finally:
        conn.close()  # ending the session releases the lock


class Command(DjangoMigrate):
    def handle(self, *args, **options):
        from rowbook.connections import names

        with migrate_lock(options["database"]):
            super().handle(*args, **options)
        # After Django's "Applying ... OK" lines, not in the middle of one.
        for note in names.RENAMED:
            sys.stderr.write(note + "\n")
        names.RENAMED.clear()
