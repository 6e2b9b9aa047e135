"""How complete each language is: interface strings (locale/<lang>/LC_MESSAGES/django.po)
and the shipped question banks' translation files. `make i18n-report` runs it."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand

from assessments.bank_translations import read_translation_file, translation_files
from assessments.question_bank import SHIPPED_BANKS, BankError, read_bank_file


def catalog_status(path: Path) -> tuple[int, int, int]:
    """(translated, fuzzy, total) entries of a catalog, obsolete ones left out. A fuzzy entry
    is not used at run time: it counts as untranslated."""
    po = polib.pofile(str(path))
    entries = [e for e in po if not e.obsolete]
    fuzzy = sum("fuzzy" in e.flags for e in entries)
    translated = sum(e.translated() for e in entries)
    return translated, fuzzy, len(entries)


class Command(BaseCommand):
    help = "Print each language's share of interface strings and bank texts translated."

    def handle(self, *args, **options):
        languages = [(code, name) for code, name in settings.LANGUAGES if code != "en"]
        self.stdout.write("Interface strings (locale/<lang>/LC_MESSAGES/django.po):")
        for code, name in languages:
            self.stdout.write(f"  {code} {name}: {self._interface(code)}")
        for bank_path in SHIPPED_BANKS:
            self.stdout.write(f"Question bank {bank_path.name}:")
            files = dict(translation_files(bank_path))
            bank = read_bank_file(bank_path)
            for code, name in languages:
                self.stdout.write(f"  {code} {name}: {self._bank(bank, files.get(code), code)}")

    def _interface(self, code: str) -> str:
        path = Path(settings.LOCALE_PATHS[0]) / code / "LC_MESSAGES" / "django.po"
        if not path.exists():
            return "no catalog yet"
        translated, fuzzy, total = catalog_status(path)
        share = 100 * translated / total if total else 100.0
        text = f"{translated} of {total} strings translated ({share:.1f} %)"
        return text + (f", {fuzzy} fuzzy (not used until reviewed)" if fuzzy else "")

    def _bank(self, bank, path, code: str) -> str:
        if path is None:
            return "no translation file (English is shown)"
        try:
            translation = read_translation_file(path, bank, code)
        except BankError as error:
            return f"refused: {error}"
        if not translation.missing:
            return "complete"
        return f"{len(translation.missing)} texts missing (English is shown), first: {translation.missing[0]}"
