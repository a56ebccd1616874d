"""`rowbook check`: configuration, both databases, Django's system checks.

Replaces Django's own `check` (it still runs those checks, see below).
Prints `rowbook: ok: ...` for each passing step; exits 2 if anything failed.
"""

import sys

from django.conf import settings
from django.core import checks
from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from rowbook import dbprobe
from rowbook.core import database_down
from rowbook.core.management.commands._common import internal_hints
from rowbook.core.logsafe import printable


LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")


class Command(BaseCommand):
    help = "Check the configuration, the databases and Django's system checks."
    requires_system_checks = []

    def add_arguments(self, parser):
        # Django's own `check` options, since this command takes its name.
        parser.add_argument("--deploy", action="store_true",
                            help="also run Django's deployment checks; then a warning fails too")
        parser.add_argument("--fail-level", choices=LEVELS, default=None,
                            help="the least serious Django check message that fails the command "
                                 "(default: ERROR, or WARNING with --deploy)")
        parser.add_argument("--tag", "-t", action="append", dest="tags",
                            help="run only Django's checks of this tag (may be given more than once)")

    # Names come from users (stored databases): escaped, one line each.
    def ok(self, message):
        self.stdout.write(f"rowbook: ok: {printable(message)}")

    def warn(self, message):
        sys.stderr.write(f"rowbook: warning: {printable(message)}" + "\n")

    def handle(self, *args, **options):
        errors = []
        # The CLI already refused to get here with a bad configuration.
        self.ok("configuration is valid")

        internal = dbprobe.internal_params(settings.ENV)
        problem = dbprobe.probe(internal, internal_hints())
        if problem:
            errors.append(problem)
        else:
            where = f"internal database \"{internal['dbname']}\" on {internal['host']}:{internal['port']}"
            self.ok(f"{where} answers")
            cause = database_down.cannot_write(connections[DEFAULT_DB_ALIAS])
            if cause:
                _title, what, todo = database_down.PAGES[cause]
                errors.append(f"{where} takes no writes, so no one can sign in: {what} {todo}")
            else:
                self.ok(f"{where} takes writes")
            self.check_migrations()

        errors += self.check_user_databases(internal_ok=not problem)

        # A deployment check that only warns is still a finding for the deploy it checks.
        fail_level = getattr(checks, options["fail_level"] or ("WARNING" if options["deploy"] else "ERROR"))
        available = checks.registry.registry.tags_available(options["deploy"])
        unknown = sorted(set(options["tags"] or ()) - set(available))
        if unknown:
            errors.append(f"no Django check has the tag {', '.join(unknown)}; the tags are: "
                          f"{', '.join(sorted(available))}")
        tags = [tag for tag in options["tags"] or () if tag not in unknown] or None
        for message in checks.run_checks(tags=tags, include_deployment_checks=options["deploy"]):
            if message.is_silenced():
                continue
            if message.level >= fail_level:
                errors.append(f"Django system check {message.id}: {message.msg}")
            else:
                self.warn(f"Django system check {message.id}: {message.msg}")
        if not any(e.startswith("Django system check") for e in errors):
            self.ok("Django system checks passed")

        for error in errors:
            sys.stderr.write(f"rowbook: error: {error}" + "\n")
        if errors:
            raise SystemExit(2)

    def check_migrations(self):
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            self.warn(f"{len(plan)} database migrations are not applied yet; run: rowbook migrate "
                      "(or rowbook install)")
        else:
            self.ok("database migrations are up to date")

    def check_user_databases(self, internal_ok):
        errors = []
        params = settings.ROWBOOK_USER_DATABASE
        if params:
            problem = dbprobe.probe_user_database(
                params, dbprobe.internal_params(settings.ENV),
                dbprobe.for_install_method(dbprobe.USER_URL, settings.ROWBOOK_INSTALL_METHOD),
                settings.ENV["ROWBOOK_DATABASE_HOSTS"])
            if problem:
                errors.append(problem)
            else:
                self.ok(f"user database \"{params['dbname']}\" on {params['host']}:"
                        f"{params['port']} answers (read-only)")
        if internal_ok:
            self.check_stored_connections()
        return errors

    def check_stored_connections(self):
        """Stored databases are user data: a broken one is a warning, not an error."""
        from django.db import DatabaseError

        from rowbook.connections.crypto import UndecryptablePassword
        from rowbook.connections.models import Connection

        try:
            stored = list(Connection.objects.all())
        except DatabaseError:
            return  # not migrated yet; check_migrations said so
        if not stored:
            self.warn("no user database is stored yet; add one on the Databases page "
                      "(/databases/)")
        own = dbprobe.internal_params(settings.ENV)
        hints = dbprobe.for_install_method(dbprobe.FORM, settings.ROWBOOK_INSTALL_METHOD)
        for connection in stored:
            try:
                params = connection.params()
            except UndecryptablePassword:
                self.warn(f'stored database "{connection.name}": its password cannot be '
                          "decrypted: SECRET_KEY has changed since it was saved, and no key in "
                          "SECRET_KEY_FALLBACKS matches. Add the old key to SECRET_KEY_FALLBACKS, "
                          "or enter the password again on the Databases page (/databases/).")
                continue
            problem = dbprobe.probe_user_database(params, own, hints, settings.ENV["ROWBOOK_DATABASE_HOSTS"])
            if problem:
                self.warn(f'stored database "{connection.name}": {problem}')
            else:
                self.ok(f'stored database "{connection.name}" ({connection.where}) answers')
