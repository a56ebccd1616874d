from django.core.management.base import BaseCommand

import rowbook


class Command(BaseCommand):
    help = "Print the Rowbook version."
    requires_system_checks = []

    def handle(self, *args, **options):
        self.stdout.write(f"rowbook {rowbook.__version__}")
