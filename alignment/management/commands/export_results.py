"""`manage.py export_results CODE`: an assessment's current result as JSON on stdout.

The document's shape is alignment.exports.result_document; the serialisation is one of
alignment.exports.WRITERS (JSON for now: other formats plug in there, picked by an option).
"""

from django.core.management.base import BaseCommand, CommandError

from alignment.exports import WRITERS, result_document
from alignment.presentation.model import round_view
from alignment.spreadsheets import TABLE_SLUGS, export_file
from assessments.models import Assessment


class Command(BaseCommand):
    help = (
        "Print an assessment's current alignment result as JSON (full precision), or write "
        "its answers, scores and workshop actions as CSV or XLSX (--format)."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", metavar="CODE", help="the assessment's code")
        # Spreadsheets (alignment.spreadsheets): answers, scores and workshop actions.
        parser.add_argument(
            "--format",
            choices=["csv", "xlsx"],
            help="a spreadsheet instead of the JSON result: xlsx (every table, needs -o) or "
            "csv (one table, see --table)",
        )
        parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE")
        parser.add_argument(
            "--table",
            default="answers",
            choices=list(TABLE_SLUGS),
            help="the table of a CSV export (default: answers)",
        )

    def handle(self, *args, **options):
        assessment = _assessment(options["code"])
        if options["format"]:
            done = export_file(
                assessment,
                fmt=options["format"],
                output=options["output"],
                table=options["table"],
                stdout=self.stdout,
            )
            if done:
                self.stderr.write(done)
            return
        view = round_view(assessment)
        if not view.scored:
            raise CommandError(_not_scored(assessment))
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as stream:
                WRITERS["json"](result_document(view), stream)
            return
        WRITERS["json"](result_document(view), self.stdout)


def _assessment(code: str) -> Assessment:
    assessment = (
        Assessment.objects.filter(code=code).select_related("organization", "questionnaire").first()
    )
    if assessment is None:
        raise CommandError(f"No assessment with code {code!r}.")
    return assessment


def _not_scored(assessment: Assessment) -> str:
    submitted = assessment.respondents.filter(submitted_at__isnull=False).count()
    if submitted < 2:
        return (
            f"Assessment {assessment.code} is not scored yet: {submitted} of 2 executives have "
            "submitted, and results exist once both have."
        )
    separator = "-- " if assessment.code.startswith("-") else ""
    return (
        f"Assessment {assessment.code} is fully submitted but not scored yet (scoring may be "
        f"queued); run `manage.py rescore {separator}{assessment.code}` to score it now."
    )
