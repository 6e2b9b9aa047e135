"""manage.py check_files [--delete]: list (and remove) report files no report refers to."""

from django.core.management.base import BaseCommand

from reports.files import orphan_files, orphans_remove


class Command(BaseCommand):
    help = (
        "List the files under reports/ in the default storage that no report refers to "
        "(orphans); with --delete, remove them. Exits 1 when orphans are left, for cron or CI."
    )

    def add_arguments(self, parser):
        parser.add_argument("--delete", action="store_true", help="Remove the orphans.")

    def handle(self, *args, delete: bool, **options):
        orphans = orphan_files()
        for orphan in orphans:
            when = f" (modified {orphan.modified:%Y-%m-%d %H:%M})" if orphan.modified else ""
            self.stdout.write(f"orphan: {orphan.name}{when}")
        if delete:
            removed = orphans_remove(orphans)
            self.stdout.write(f"Removed {removed} orphan file(s).")
            return
        self.stdout.write(f"{len(orphans)} orphan file(s).")
        if orphans:
            raise SystemExit(1)
