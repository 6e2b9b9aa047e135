from django.core.management.base import BaseCommand, CommandError

from assessments.question_bank import SHIPPED_BANKS, BankError, read_bank_file
from assessments.services import questionnaire_load


class Command(BaseCommand):
    help = (
        "Load (and publish) a question bank from a JSON file, or every shipped bank "
        "(parley-genai versions 1 and 2) when no file is given. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            nargs="?",
            help="Bank file (default: every shipped bank, oldest first)",
        )

    def handle(self, *args, **options):
        files = [options["file"]] if options["file"] else SHIPPED_BANKS
        for path in files:
            self._load(path)

    def _load(self, path) -> None:
        try:
            bank = read_bank_file(path)
            outcome = questionnaire_load(bank=bank)
        except BankError as error:
            raise CommandError(f"Question bank not loaded: {error}") from None
        label = f"{bank.slug}@{bank.version} ({len(bank.dimensions)} dimensions, "
        label += f"{bank.item_count} items"
        predicted = sum(item.predict for d in bank.dimensions for item in d.items)
        if predicted:
            label += f", {predicted} with a prediction"
        label += ", the felt question)" if bank.felt else ")"
        if outcome.created:
            self.stdout.write(self.style.SUCCESS(f"Loaded and published {label}."))
        else:
            self.stdout.write(f"{label} is already loaded; nothing changed.")
