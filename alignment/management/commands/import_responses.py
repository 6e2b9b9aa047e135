"""`manage.py import_responses CODE FILE.csv [--submit]`: load answers from a CSV file.

See alignment.imports for the file's format and the all-or-nothing rules.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from alignment.imports import ImportRejected, read_responses_csv, responses_import
from assessments.models import Assessment, Respondent
from config.tasking import Sends

MAX_FILE_BYTES = 5 * 1024 * 1024  # 88 answers with long comments are well under 1 MB


class Command(BaseCommand):
    help = (
        "Import CEO and CISO answers (bank version 2: also CODE/predicted and felt rows) from a "
        "CSV file with the header question,role,value,comment "
        "(role ceo|ciso, value 1..5 or dk). All or nothing; --submit then submits both."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", metavar="CODE", help="the assessment's code")
        parser.add_argument("file", metavar="FILE.csv", help="the CSV file (UTF-8)")
        parser.add_argument(
            "--submit",
            action="store_true",
            help="then submit both respondents (scoring starts as after a browser submit)",
        )

    def handle(self, *args, **options):
        assessment = Assessment.objects.filter(code=options["code"]).first()
        if assessment is None:
            raise CommandError(f"No assessment with code {options['code']!r}. Nothing imported.")
        data = _read(Path(options["file"]))
        try:
            rows = read_responses_csv(data)
            sends = Sends()
            summary = responses_import(
                assessment=assessment, rows=rows, submit=options["submit"], sends=sends
            )
        except ImportRejected as rejected:
            for error in rejected.errors:
                self.stderr.write(f"{options['file']}: {error}")
            count = len(rejected.errors)
            raise CommandError(
                f"Nothing imported: {count} problem(s) found (listed above)."
            ) from None
        labels = dict(Respondent.Role.choices)
        per_role = ", ".join(f"{labels[role]} {n}" for role, n in summary.per_role.items() if n)
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {summary.answers} answers into {assessment.code} ({per_role}; "
                f"{summary.created} new, {summary.replaced} replaced)."
            )
        )
        if summary.predictions or summary.felt:
            self.stdout.write(
                f"Imported {summary.predictions} prediction(s) and {summary.felt} answer(s) "
                "to the felt question."
            )
        if summary.submitted:
            who = " and ".join(str(labels[role]) for role in summary.submitted)
            self.stdout.write(f"Submitted the {who}.{_scoring_news(sends)}")


def _scoring_news(sends: Sends) -> str:
    """What became of the scoring message, known once the import has committed."""
    if sends.failed:
        return (
            " Both have submitted. The task queue is unavailable, so scoring could not start:"
            " the round will be scored when it is back (the sweeper re-sends it)."
        )
    if sends.tried:
        return " Both have submitted: scoring is under way."
    return ""


def _read(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise CommandError(f"{path} is {size} bytes; the limit is {MAX_FILE_BYTES}.")
        return path.read_bytes()
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror or error}.") from None
