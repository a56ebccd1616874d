"""`rowbook install`: check both databases, migrate, create the admin."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from rowbook import dbprobe
from rowbook.core import admin_user
from rowbook.core.management.commands._common import fail, internal_hints, site_url


class Command(BaseCommand):
    help = "Set up Rowbook: check the databases, apply migrations, create the admin user."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--no-input", action="store_false", dest="interactive",
                            help="do not prompt; needs --username and --email")
        admin_user.add_arguments(parser)

    def handle(self, *args, **options):
        out = self.stdout
        env = settings.ENV
        internal = dbprobe.internal_params(env)
        problem = dbprobe.probe(internal, internal_hints())
        if problem:
            fail(problem)
        out.write(f"rowbook: ok: internal database \"{internal['dbname']}\" on "
                  f"{internal['host']}:{internal['port']} is reachable")
        user_db = settings.ROWBOOK_USER_DATABASE
        if user_db:
            problem = dbprobe.probe_user_database(
                user_db, internal, dbprobe.for_install_method(dbprobe.USER_URL, settings.ROWBOOK_INSTALL_METHOD),
                env["ROWBOOK_DATABASE_HOSTS"])
            if problem:
                fail(problem)
            out.write(f"rowbook: ok: user database \"{user_db['dbname']}\" on "
                      f"{user_db['host']}:{user_db['port']} is reachable")
        else:
            out.write("rowbook: note: ROWBOOK_USER_DATABASE_URL is not set; add databases on the "
                      "Databases page after signing in")
        call_command("migrate", interactive=False, verbosity=0)
        out.write("rowbook: ok: database migrations applied")
        try:
            admin_user.ensure_admin(options, options["interactive"], out=out)
        except admin_user.AdminError as exc:
            fail(str(exc))
        except EOFError:
            fail("no answer to a prompt (standard input closed); run with --no-input "
                 "--username NAME --email EMAIL and ROWBOOK_ADMIN_PASSWORD or --password-file.")
        out.write("")
        out.write("Rowbook is installed. Start it with: rowbook serve")
        out.write(f"Then open {site_url()} and sign in.")
        self.final_hints(out)

    def final_hints(self, out):
        out.write("")
        out.write("Note: the installer configures one user database only (from "
                  "ROWBOOK_USER_DATABASE_URL). Add more on the Databases page: "
                  f"{site_url()}databases/")
