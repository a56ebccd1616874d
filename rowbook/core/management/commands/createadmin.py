from django.core.management.base import BaseCommand

from rowbook.core import admin_user
from rowbook.core.management.commands._common import fail


class Command(BaseCommand):
    help = "Create an admin user (left alone if it already exists)."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--no-input", action="store_false", dest="interactive",
                            help="do not prompt; needs --username and --email")
        admin_user.add_arguments(parser)

    def handle(self, *args, **options):
        try:
            admin_user.ensure_admin(options, options["interactive"], out=self.stdout)
        except admin_user.AdminError as exc:
            fail(str(exc))
        except EOFError:
            fail("no answer to a prompt (standard input closed); run with --no-input "
                 "--username NAME --email EMAIL and ROWBOOK_ADMIN_PASSWORD or --password-file.")
