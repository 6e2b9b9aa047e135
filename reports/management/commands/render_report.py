"""`manage.py render_report CODE [-o FILE.pdf]`: render an assessment's report right here.

Synchronous, without the job queue and without a Report row: for consultants who want a file
now, and for tests. The assessment must have a current result (it is scored once both
executives have submitted).
"""

import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from alignment.selectors import current_result
from assessments.models import Assessment


class Command(BaseCommand):
    help = "Render the PDF alignment report of one assessment (by its code) to a file."

    def add_arguments(self, parser):
        parser.add_argument("code", help="The assessment's code, as in its URL.")
        parser.add_argument(
            "-o",
            "--output",
            help="Where to write the PDF (default: parley-report-<org-slug>-<date>.pdf here).",
        )
        parser.add_argument(
            "--page-size",
            choices=["A4", "Letter"],
            default=None,
            help=f"Paper size (default: REPORT_PAGE_SIZE, now {settings.REPORT_PAGE_SIZE}).",
        )

    def handle(self, *args, code, output=None, page_size=None, **options):
        from reports.rendering import render_pdf  # WeasyPrint: loaded only when rendering

        assessment = Assessment.objects.select_related("organization").filter(code=code).first()
        if assessment is None:
            raise CommandError(f"No assessment with code {code!r}.")
        result = current_result(assessment)
        if result is None:
            raise CommandError(
                f"Assessment {code} has no result yet: both executives must submit and the "
                "answers be scored first."
            )
        rendered = render_pdf(result, page_size=page_size)
        day = timezone.localdate().isoformat()
        path = Path(output or f"parley-report-{assessment.organization.slug}-{day}.pdf")
        _write_atomically(path, rendered.pdf)
        self.stdout.write(
            f"Wrote {path}: {rendered.pages} pages, {len(rendered.pdf):,} bytes, "
            f"rendered in {rendered.total_ms:.0f} ms."
        )


def _write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then move it into place."""
    folder = path.resolve().parent
    if not folder.is_dir():
        raise CommandError(f"Folder {folder} does not exist.")
    fd, name = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".pdf")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(name, path)
    finally:
        Path(name).unlink(missing_ok=True)
