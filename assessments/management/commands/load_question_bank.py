from django.core.management.base import BaseCommand, CommandError

from assessments.question_bank import DEFAULT_BANK, BankError, read_bank_file
from assessments.services import questionnaire_load


class Command(BaseCommand):
    help = "Load (and publish) a question bank from a JSON file. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            nargs="?",
            default=str(DEFAULT_BANK),
            help="Bank file (default: the shipped bank)",
        )

    def handle(self, *args, **options):
        try:
            bank = read_bank_file(options["file"])
            outcome = questionnaire_load(bank=bank)
        except BankError as error:
            raise CommandError(f"Question bank not loaded: {error}") from None
        label = f"{bank.slug}@{bank.version} ({len(bank.dimensions)} dimensions, "
        label += f"{bank.item_count} items)"
        if outcome.created:
            self.stdout.write(self.style.SUCCESS(f"Loaded and published {label}."))
        else:
            self.stdout.write(f"{label} is already loaded; nothing changed.")
