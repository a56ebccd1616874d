"""`rowbook rotate-secrets`: re-encrypt every stored database password with SECRET_KEY.

After a SECRET_KEY change, with the old key in SECRET_KEY_FALLBACKS: once this
has run, the stored passwords no longer need the old key.
"""

import sys

from django.core.management.base import BaseCommand
from django.db import connection as database, transaction

from rowbook.connections import crypto
from rowbook.connections.models import Connection
from rowbook.core.logsafe import printable
from rowbook.core.management.commands._common import fail


class Command(BaseCommand):
    help = "Re-encrypt every stored database password with the current SECRET_KEY."
    requires_system_checks = []

    def handle(self, *args, **options):
        if Connection._meta.db_table not in database.introspection.table_names():
            fail("the internal database has no tables yet, so no stored passwords; run: "
                 "rowbook install (or rowbook migrate)")
        rotated, stuck = 0, []
        with transaction.atomic():
            for connection in Connection.objects.select_for_update().exclude(password_encrypted=""):
                try:
                    connection.password_encrypted = crypto.rotate(connection.password_encrypted)
                except crypto.UndecryptablePassword:
                    stuck.append(connection.name)
                    continue
                connection.save(update_fields=["password_encrypted"])
                rotated += 1
        self.stdout.write(f"rowbook: ok: re-encrypted {rotated} stored database "
                          f"password{'' if rotated == 1 else 's'} with the current SECRET_KEY")
        for name in stuck:
            print(f'rowbook: error: stored database "{printable(name)}": its password cannot be decrypted: '
                  "SECRET_KEY has changed since it was saved, and no key in SECRET_KEY_FALLBACKS "
                  "matches. Add the old key to SECRET_KEY_FALLBACKS and run rowbook "
                  "rotate-secrets again, or enter the password again on the Databases page "
                  "(/databases/).", file=sys.stderr)
        if stuck:
            raise SystemExit(2)
