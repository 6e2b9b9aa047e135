from django.core.management.base import BaseCommand, CommandError

from assessments.bank_translations import read_translation_file, translation_files
from assessments.question_bank import SHIPPED_BANKS, BankError, read_bank_file
from assessments.services import questionnaire_load


class Command(BaseCommand):
    help = (
        "Load (and publish) a question bank from a JSON file, or every shipped bank "
        "(parley-genai versions 1 and 2) when no file is given, with its translations "
        "(<bank>.<lang>.json beside it). Idempotent; translations of a published bank are "
        "updated in place."
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
            translations = [
                read_translation_file(file, bank, language)
                for language, file in translation_files(path)
            ]
            outcome = questionnaire_load(bank=bank, translations=translations)
        except BankError as error:
            raise CommandError(f"Question bank not loaded: {error}") from None
        label = f"{bank.slug}@{bank.version} ({len(bank.dimensions)} dimensions, "
        label += f"{bank.item_count} items"
        predicted = sum(item.predict for d in bank.dimensions for item in d.items)
        if predicted:
            label += f", {predicted} with a prediction"
        label += ", the felt question)" if bank.felt else ")"
        languages = ", ".join(t.language for t in translations)
        if languages:
            label += f" in English and {languages}"
        if outcome.created:
            self.stdout.write(self.style.SUCCESS(f"Loaded and published {label}."))
        elif outcome.translations_changed:
            self.stdout.write(self.style.SUCCESS(f"{label}: translations updated."))
        else:
            self.stdout.write(f"{label} is already loaded; nothing changed.")
        for translation in translations:
            for gap in translation.missing:
                self.stderr.write(f"{translation.language}: {gap} (English is shown)")
