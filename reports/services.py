"""Requesting and rendering PDF reports.

The lifecycle: ``report_request`` creates a pending Report and enqueues ``render_report`` once
the transaction commits; the task calls ``report_render``, which claims the report, renders it
and publishes the file.

Decisions:

* **One report per scored answers and options.** A request for a result whose answers were
  already reported (the same ``answers_digest``) with the same options (pack, comments,
  language: reports.packs) returns that report when it is pending, rendering or ready, so a
  duplicate scoring message never renders twice; other options are another report. A
  re-scoring of different answers asks for a new report; ``fresh=True`` (the consultant's
  "render a fresh copy") always makes a new one unless one with the same options is already
  in flight. At most one report per result and options is in flight (a database
  constraint), so concurrent requests cannot both start a render.
* **Idempotent rendering.** ``report_render`` claims with a conditional UPDATE (pending ->
  rendering, or a rendering claim older than ``REPORT_STALE_CLAIM_SECONDS``, by default the
  hard time limit plus 30 s, left by a killed worker).
  Whoever does not win the claim does nothing. The PDF is written to a temporary file in the
  final folder and moved into place with ``os.replace`` only while the claim is still held, in
  the same transaction that marks the report ready, so no half-written file is ever visible
  and a duplicate message never leaves a second file: a report has exactly one file name.
  Temporary files left by a killed worker are removed by the render that publishes.
* **Failures.** A render that raises marks the report failed with the error. A transient
  database error releases the claim (back to pending) and re-raises for the task to retry.
* **Storage.** On a local (or mounted) file system ``os.replace`` is what makes publishing
  atomic. On an object store (settings.STORAGES, see config.storage) the object is written
  while the report's row is locked by the claim holder, and the row is marked ready in the
  same transaction; one PUT of the whole object is atomic on S3, so nobody reads half a file.
* **Deleted under a render.** A round purged while its report renders (assessments.lifecycle)
  takes the report's row: the render publishes nothing, removes its temporary file and
  returns None; the purge removes whatever file the round had.
"""

import hashlib
import logging
import os
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext

from alignment.models import AlignmentResult
from alignment.scoring import SCORING_VERSION
from alignment.selectors import current_result
from assessments.models import Assessment
from config import handoffs
from config.tasking import enqueue_on_commit

from .models import IN_FLIGHT, Report
from .packs import RenderOptions

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS = (OperationalError, InterfaceError)
MAX_ERROR_CHARS = 2000


class NothingToReport(Exception):
    """The assessment has no current result: score it first."""


def stale_claim_age() -> timedelta:
    """How old a rendering claim must be before another worker may take it over:
    settings.REPORT_STALE_CLAIM_SECONDS, by default the task's hard time limit (the worker
    that held it has been killed by then) plus 30 s; the settings refuse a value that is not
    above the hard time limit, which would let a slow render still running be taken over."""
    return timedelta(seconds=settings.REPORT_STALE_CLAIM_SECONDS)


def report_filename(report: Report) -> str:
    """The one storage name a report's PDF ever has."""
    return f"reports/{report.assessment.code}/parley-report-{report.code}.pdf"


# The file names of the packs other than the full report (which keeps parley-report-…).
PACK_FILE_STEMS = {"full": "report", "board": "board-brief", "ceo": "ceo", "ciso": "ciso"}


def download_filename(report: Report) -> str:
    """What the browser saves the file as: parley-report-<org-slug>-<date>.pdf for the full
    report in English with comments; the pack, a language other than English and "redacted"
    are added to the name otherwise (parley-board-brief-<org-slug>-<date>-de-redacted.pdf)."""
    day = timezone.localdate(report.rendered_at or report.created_at)
    name = f"parley-{PACK_FILE_STEMS[report.pack]}-{report.assessment.organization.slug}"
    name += f"-{day.isoformat()}"
    if report.language != "en":
        name += f"-{report.language}"
    if not report.include_comments:
        name += "-redacted"
    return f"{name}.pdf"


# --------------------------------------------------------------------------- requesting


def _existing(result: AlignmentResult, options: RenderOptions, *, fresh: bool) -> Report | None:
    reports = Report.objects.filter(result=result, **options.as_fields())
    in_flight = reports.filter(status__in=IN_FLIGHT).first()
    if in_flight is not None or fresh:
        return in_flight
    return reports.filter(status=Report.Status.READY, result_digest=result.answers_digest).first()


@transaction.atomic
def report_request(
    *,
    assessment: Assessment,
    result: AlignmentResult | None = None,
    fresh: bool = False,
    requested_by=None,
    options: RenderOptions | None = None,
) -> Report:
    """The report for the assessment's current result with these options (by default the full
    report with comments in the organisation's report language), created (pending) when there is none.

    Enqueues the render on commit whenever the report returned is not ready. See the module
    docstring for when an existing report is returned instead of a new one.
    """
    result = result or current_result(assessment)
    if result is None:
        raise NothingToReport(f"assessment {assessment.code} has no result yet")
    # Scoring, the workshop, the sweeper and the API ask without options: the full report in
    # the organisation's report language.
    options = options or RenderOptions.build(organization=assessment.organization)
    report = _existing(result, options, fresh=fresh)
    if report is None:
        try:
            with transaction.atomic():
                report = Report.objects.create(
                    assessment=assessment,
                    result=result,
                    result_digest=result.answers_digest,
                    page_size=settings.REPORT_PAGE_SIZE,
                    requested_by=requested_by,
                    **options.as_fields(),
                )
        except IntegrityError:
            # Another request created the in-flight report between our read and our insert
            # (it may even be ready by now).
            report = _existing(result, options, fresh=False)
            if report is None:
                raise
    if report.status != Report.Status.READY:
        from .tasks import render_report  # the task module imports this one

        enqueue_on_commit(render_report, report.pk)
    return report


# --------------------------------------------------------------------------- rendering


def _claim(report_id: int) -> str | None:
    """Take the report for rendering; the claim token, or None when someone else has it."""
    token = secrets.token_hex(8)
    now = timezone.now()
    claimable = Q(status=Report.Status.PENDING) | Q(
        status=Report.Status.RENDERING, claimed_at__lt=now - stale_claim_age()
    )
    claimed = Report.objects.filter(claimable, pk=report_id).update(
        status=Report.Status.RENDERING,
        claim=token,
        claimed_at=now,
        attempts=F("attempts") + 1,
        updated_at=now,
    )
    return token if claimed == 1 else None


def _temporary_prefix(final_path: Path) -> str:
    return f".tmp-{final_path.stem}-"


def _write_temporary(final_path: Path, pdf: bytes) -> Path:
    """The PDF in a hidden temporary file beside its final place (same file system), named
    after it so that what a killed worker leaves behind can be found and removed."""
    final_path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(
        dir=final_path.parent, prefix=_temporary_prefix(final_path), suffix=".pdf"
    )
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(pdf)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def _local_path(name: str) -> Path | None:
    """The file's path when the default storage is a file system; None for an object store."""
    try:
        return Path(default_storage.path(name))
    except NotImplementedError:
        return None


def _mark_ready(report: Report, token: str, name: str, pdf: bytes, pages, render_ms) -> int:
    """The digest recorded is that of the result as rendered (a re-scoring between the
    request and the render is in the file, so the report stands for the newer answers)."""
    return Report.objects.filter(pk=report.pk, status=Report.Status.RENDERING, claim=token).update(
        status=Report.Status.READY,
        file=name,
        result_digest=report.result.answers_digest,
        pages=pages,
        render_ms=round(render_ms),
        sha256=hashlib.sha256(pdf).hexdigest(),
        error="",
        claim="",
        rendered_at=timezone.now(),
        updated_at=timezone.now(),
    )


def _publish(report: Report, token: str, pdf: bytes, pages: int, render_ms: float) -> bool:
    """Put the file in place and mark the report ready, if the claim is still ours."""
    name = report_filename(report)
    final_path = _local_path(name)
    if final_path is None:
        return _publish_to_object_store(report, token, name, pdf, pages, render_ms)
    temporary = _write_temporary(final_path, pdf)
    try:
        with transaction.atomic():
            published = _mark_ready(report, token, name, pdf, pages, render_ms)
            if published == 1:
                # Inside the transaction: on PostgreSQL the row stays locked until the file is
                # in place, so a worker that took over a stale claim cannot interleave.
                os.replace(temporary, final_path)
    finally:
        temporary.unlink(missing_ok=True)
    if published == 1:
        _remove_leftovers(final_path)
        handoffs.report_ready.send(sender=Report, report=report)
    return published == 1


def _publish_to_object_store(report, token, name, pdf, pages, render_ms) -> bool:
    """Write the object while holding the report's row, then mark it ready. A round purged
    meanwhile has taken the row: nothing is written. An object written whose row could not be
    marked is deleted again."""
    with transaction.atomic():
        held = (
            Report.objects.select_for_update()
            .filter(pk=report.pk, status=Report.Status.RENDERING, claim=token)
            .exists()
        )
        if not held:
            return False
        default_storage.save(name, ContentFile(pdf, name=name))
        try:
            published = _mark_ready(report, token, name, pdf, pages, render_ms)
        except BaseException:
            default_storage.delete(name)
            raise
    return published == 1


def _remove_leftovers(final_path: Path) -> None:
    """Delete the temporary files of this report that earlier claims left (a worker killed
    while writing). Only the claim holder publishes, so once it has, any other temporary
    file of the report belongs to a worker that lost: it will never be moved into place."""
    for leftover in final_path.parent.glob(_temporary_prefix(final_path) + "*.pdf"):
        leftover.unlink(missing_ok=True)
        logger.info(
            "report file %s: removed %s left by an earlier claim", final_path.name, leftover
        )


def _fail(report_id: int, token: str, error: str) -> None:
    Report.objects.filter(pk=report_id, claim=token).update(
        status=Report.Status.FAILED,
        error=error[:MAX_ERROR_CHARS],
        claim="",
        updated_at=timezone.now(),
    )


def _release(report_id: int, token: str) -> None:
    """Give a claim back after a transient error, so the retry can take it again."""
    try:
        Report.objects.filter(pk=report_id, status=Report.Status.RENDERING, claim=token).update(
            status=Report.Status.PENDING, claim="", claimed_at=None, updated_at=timezone.now()
        )
    except TRANSIENT_ERRORS:
        # The database is still away; the stale claim is taken over once it has aged.
        logger.warning("report %s: could not release the claim", report_id)


def _current(report_id: int) -> Report | None:
    """The report as it stands, or None when its round was purged meanwhile."""
    return Report.objects.filter(pk=report_id).first()


def report_render(*, report_id: int) -> Report | None:
    """Render a pending report into its file (idempotent; see the module docstring).

    Returns the report as it stands afterwards: ready, failed, or - when another worker holds
    it or it was already done - whatever that worker left; None when the report is gone (its
    round was purged).
    """
    token = _claim(report_id)
    if token is None:
        logger.info("report %s: not claimable (done, failed, being rendered or gone)", report_id)
        return _current(report_id)
    report = Report.objects.select_related("assessment", "result").filter(pk=report_id).first()
    if report is None:
        return None
    try:
        from .rendering import render_pdf  # WeasyPrint loads Pango: only where reports render

        rendered = render_pdf(
            report.result, page_size=report.page_size, options=RenderOptions.of(report)
        )
        published = _publish(report, token, rendered.pdf, rendered.pages, rendered.total_ms)
    except TRANSIENT_ERRORS:
        _release(report_id, token)
        raise
    except SoftTimeLimitExceeded:
        limit = settings.CELERY_TASK_SOFT_TIME_LIMIT
        _fail(
            report_id,
            token,
            gettext("Rendering took longer than %(limit)s s and was stopped.") % {"limit": limit},
        )
        return _current(report_id)
    except Exception as exc:  # any other failure is recorded on the report, not lost
        logger.exception("report %s: rendering failed", report_id)
        _fail(report_id, token, f"{type(exc).__name__}: {exc}")
        return _current(report_id)
    except BaseException:  # the worker is stopping: leave the report for the redelivery
        _release(report_id, token)
        raise
    if not published:
        logger.warning("report %s: claim lost (another worker, or purged); discarded", report_id)
    return _current(report_id)


# --------------------------------------------------------------------------- sweeping

SWEEP_GRACE = timedelta(minutes=2)
SWEEP_BATCH = 200


def reports_sweep(*, now=None) -> dict[str, int]:
    """Recover report work a lost message would otherwise lose; returns what it found.

    * pending reports older than a grace period (their render message was lost): re-enqueued;
    * rendering claims older than the hard time limit (a killed worker): re-enqueued, and the
      render takes the claim over;
    * current results with no full report for the answers they scored (the request after
      scoring was lost): requested.

    A failed report is left for the consultant to re-render: a render that fails every time
    must not be retried for ever. Idempotent: a render that turns up twice finds it claimed.
    """
    from .tasks import render_report

    now = now or timezone.now()
    lost = Report.objects.filter(
        Q(status=Report.Status.PENDING, created_at__lt=now - SWEEP_GRACE)
        | Q(status=Report.Status.RENDERING, claimed_at__lt=now - stale_claim_age())
    ).values_list("pk", flat=True)[:SWEEP_BATCH]
    lost = list(lost)
    for report_id in lost:
        enqueue_on_commit(render_report, report_id)
    # The full report is the one every result must have (a board brief made by hand for the
    # same answers does not stand in for it).
    reported = Report.objects.filter(
        result=OuterRef("pk"), result_digest=OuterRef("answers_digest"), pack=Report.Pack.FULL
    )
    unreported = list(
        AlignmentResult.objects.filter(
            scoring_version=SCORING_VERSION,
            computed_at__lt=now - SWEEP_GRACE,
            assessment__deleted_at__isnull=True,
        )
        .exclude(Exists(reported))
        .select_related("assessment")[:SWEEP_BATCH]
    )
    for result in unreported:
        report_request(assessment=result.assessment, result=result)
    if lost or unreported:
        logger.warning(
            "report sweeper: %d renders re-enqueued, %d reports requested",
            len(lost),
            len(unreported),
        )
    return {"renders": len(lost), "requested": len(unreported)}
