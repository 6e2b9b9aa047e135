"""`manage.py render_report CODE [-o FILE.pdf] [--pack full|board|ceo|ciso] [--no-comments]
[--lang xx]`: render one pack of an assessment's report right here.

Synchronous, without the job queue and without a Report row: for consultants who want a file
now, and for tests. The packs and their defaults are reports.packs'. The assessment must have a current result (it is scored once both
executives have submitted).
"""

import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from alignment.selectors import current_result
from assessments.models import Assessment
from reports.packs import PACKS, RenderOptions
from reports.services import PACK_FILE_STEMS


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
        parser.add_argument(
            "--pack",
            choices=PACKS,
            default="full",
            help="full report, board brief (2 pages) or the CEO's or the CISO's one-pager.",
        )
        comments = parser.add_mutually_exclusive_group()
        comments.add_argument(
            "--no-comments",
            dest="include_comments",
            action="store_false",
            default=None,
            help="Leave out the executives' verbatim comments (the cover says so).",
        )
        comments.add_argument(
            "--comments",
            dest="include_comments",
            action="store_true",
            help="Include the verbatim comments (the default, except in the board brief).",
        )
        parser.add_argument(
            "--lang",
            default=None,
            help="Language code, e.g. ja (default: the organisation's report language).",
        )

    def handle(self, *args, code, output=None, page_size=None, **options):
        from reports.rendering import render_pdf  # WeasyPrint: loaded only when rendering

        assessment = Assessment.objects.select_related("organization").filter(code=code).first()
        if assessment is None:
            raise CommandError(f"No assessment with code {code!r}.")
        try:
            render_options = RenderOptions.build(
                options["pack"],
                options["include_comments"],
                options["lang"],
                organization=assessment.organization,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        result = current_result(assessment)
        if result is None:
            raise CommandError(
                f"Assessment {code} has no result yet: both executives must submit and the "
                "answers be scored first."
            )
        rendered = render_pdf(result, page_size=page_size, options=render_options)
        day = timezone.localdate().isoformat()
        stem = PACK_FILE_STEMS[render_options.pack]
        path = Path(output or f"parley-{stem}-{assessment.organization.slug}-{day}.pdf")
        _write_atomically(path, rendered.pdf)
        self.stdout.write(
            f"Wrote {path} ({render_options.pack}, {render_options.language}, "
            f"{'with' if render_options.include_comments else 'without'} comments): "
            f"{rendered.pages} pages, {len(rendered.pdf):,} bytes, "
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
