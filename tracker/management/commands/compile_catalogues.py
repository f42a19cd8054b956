from django.core.management.base import BaseCommand

from tracker.catalogues import compile_catalogues


class Command(BaseCommand):
    help = "Compile the translation catalogues (.po → .mo) that changed, with polib."

    def handle(self, *args, **options):
        for path in compile_catalogues():
            self.stdout.write(f"compiled {path}")
