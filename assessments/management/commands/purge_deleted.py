"""manage.py purge_deleted [--dry-run]"""

from django.core.management.base import BaseCommand

from assessments.lifecycle import UNDO_DAYS, purge_due, purge_plan


class Command(BaseCommand):
    help = (
        f"Delete for good the rounds and organisations deleted more than {UNDO_DAYS} days ago, "
        "with their files (what the daily beat task does). Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be purged; change nothing."
        )

    def handle(self, *args, dry_run: bool, **options):
        plan = purge_plan() if dry_run else purge_due()
        verb = "Would purge" if dry_run else "Purged"
        for pk in plan.organizations:
            self.stdout.write(f"{verb} organisation #{pk} and all its rounds")
        for code in plan.assessments:
            self.stdout.write(f"{verb} assessment {code}")
        self.stdout.write(
            f"{verb} {len(plan.organizations)} organisation(s) and "
            f"{len(plan.assessments)} assessment(s)."
        )
