"""The report job: requested after scoring, claimed once, published atomically, failures kept.

Rendering is real in the first tests (WeasyPrint); the tests of the claim and of failures
replace the renderer with a stub that returns a small fake PDF, so they stay fast.
"""

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from alignment.services import assessment_score
from alignment.tasks import score_assessment
from assessments.models import Answer
from config.celery import app as celery_app
from reports import rendering
from reports.models import Report
from reports.packs import RenderOptions
from reports.services import (
    download_filename,
    report_render,
    report_request,
    reports_sweep,
    stale_claim_age,
)
from reports.tasks import render_report, sweep_reports
from tests.factories import completed_assessment, realistic_assessment

pytestmark = pytest.mark.django_db


class StubRenderer:
    """Stands in for the WeasyPrint renderer; counts calls, can fail or run a side effect."""

    def __init__(self, error=None, during=None):
        self.calls = 0
        self.options = []  # the options of every call, in order
        self.error = error
        self.during = during

    def __call__(self, result, *, page_size=None, generated_at=None, options=None):
        self.calls += 1
        self.options.append(options)
        if self.during:
            self.during()
        if self.error:
            raise self.error
        pdf = b"%PDF-1.7\n% stub report " + str(self.calls).encode() + b"\n%%EOF\n"
        return rendering.RenderedPdf(pdf=pdf, pages=11, html_ms=5.0, layout_ms=20.0)


@pytest.fixture
def stub(monkeypatch):
    renderer = StubRenderer()
    monkeypatch.setattr(rendering, "render_pdf", renderer)
    return renderer


@pytest.fixture
def result(questionnaire):
    assessment = completed_assessment(questionnaire, ceo=(4, 3, "dk"), ciso=(2, 3, 4))
    return assessment_score(assessment_id=assessment.pk)


@pytest.fixture
def pending(result, django_capture_on_commit_callbacks):
    # The render is enqueued on commit; not executing the callbacks leaves it pending.
    with django_capture_on_commit_callbacks(execute=False):
        return report_request(assessment=result.assessment, result=result)


def _report_files(report: Report) -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "reports" / report.assessment.code
    return sorted(folder.iterdir()) if folder.exists() else []


# --- requesting and rendering for real --------------------------------------------------------


def test_scoring_enqueues_a_report_that_renders_into_a_file(
    questionnaire, django_capture_on_commit_callbacks
):
    assessment = realistic_assessment(questionnaire)

    with django_capture_on_commit_callbacks(execute=True):
        score_assessment.delay(assessment.pk)

    report = Report.objects.get(assessment=assessment)
    assert report.status == Report.Status.READY
    data = report.file.read()
    assert data.startswith(b"%PDF-")
    assert report.sha256 == hashlib.sha256(data).hexdigest()
    assert 8 <= report.pages <= 14
    assert report.render_ms > 0
    assert report.page_size == settings.REPORT_PAGE_SIZE
    assert report.error == ""
    assert _report_files(report) == [Path(report.file.path)]


def test_the_render_task_runs_on_the_reports_queue_with_time_limits():
    route = celery_app.amqp.router.route({}, render_report.name, (1,), {})
    assert route["queue"].name == "reports"
    assert render_report.soft_time_limit == settings.CELERY_TASK_SOFT_TIME_LIMIT
    assert render_report.time_limit == settings.CELERY_TASK_TIME_LIMIT
    assert render_report.soft_time_limit < render_report.time_limit
    assert render_report.max_retries and render_report.retry_backoff


# --- when a new report is made ---------------------------------------------------------------


def test_a_second_request_for_the_same_answers_returns_the_same_report(result, stub):
    report_render(report_id=report_request(assessment=result.assessment).pk)
    again = report_request(assessment=result.assessment)
    assert Report.objects.count() == 1
    assert again.status == Report.Status.READY


def test_a_request_while_one_is_in_flight_returns_it(pending):
    again = report_request(assessment=pending.assessment, fresh=True)
    assert again.pk == pending.pk
    assert Report.objects.count() == 1


def test_each_pack_is_a_report_of_its_own_with_its_options(result, stub):
    """The dedup keys on the options: the same answers in another pack, language or with the
    comments left out is another report; the same options again is the same one."""
    assessment = result.assessment
    full = report_render(report_id=report_request(assessment=assessment).pk)
    board = report_request(assessment=assessment, options=RenderOptions.build("board"))
    ceo = report_request(
        assessment=assessment, options=RenderOptions.build("ceo", include_comments=False)
    )
    assert len({full.pk, board.pk, ceo.pk}) == 3
    rows = {r.pack: (r.include_comments, r.language) for r in Report.objects.filter(result=result)}
    assert rows == {"full": (True, "en"), "board": (False, "en"), "ceo": (False, "en")}
    report_render(report_id=board.pk)
    again = report_request(assessment=assessment, options=RenderOptions.build("board"))
    assert again.pk == board.pk, "the same options reuse the ready report"
    assert Report.objects.count() == 3
    assert [o.pack for o in stub.options] == ["full", "board"], "rendered with its own options"
    assert stub.options[1].include_comments is False


def test_two_packs_may_render_at_once_but_not_the_same_one_twice(pending):
    """One render in flight per result and options (the database constraint)."""
    board = report_request(assessment=pending.assessment, options=RenderOptions.build("board"))
    assert board.pk != pending.pk and board.in_flight
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(
            assessment=pending.assessment,
            result=pending.result,
            result_digest=pending.result_digest,
            pack="board",
            include_comments=False,
        )


def test_unknown_options_are_refused_with_a_clear_message():
    with pytest.raises(ValidationError, match="Unknown pack"):
        RenderOptions.build("poster")
    with pytest.raises(ValidationError, match="not offered in xx"):
        RenderOptions.build("full", language="xx")


def test_the_download_name_says_the_pack_the_language_and_the_redaction(result, stub):
    board = report_render(
        report_id=report_request(
            assessment=result.assessment, options=RenderOptions.build("board")
        ).pk
    )
    Report.objects.filter(pk=board.pk).update(language="de")
    board.refresh_from_db()
    slug, day = result.assessment.organization.slug, board.rendered_at.date().isoformat()
    assert download_filename(board) == f"parley-board-brief-{slug}-{day}-de-redacted.pdf"


def test_the_consultant_can_ask_for_a_fresh_render(result, stub):
    first = report_render(report_id=report_request(assessment=result.assessment).pk)
    fresh = report_request(assessment=result.assessment, fresh=True)
    assert fresh.pk != first.pk
    assert fresh.status == Report.Status.PENDING


def test_rescoring_different_answers_produces_a_new_report(result, stub):
    report_render(report_id=report_request(assessment=result.assessment).pk)
    Answer.objects.filter(respondent__assessment=result.assessment, question__code="1.1").update(
        value=1, dont_know=False
    )
    rescored = assessment_score(assessment_id=result.assessment_id)
    new = report_request(assessment=result.assessment, result=rescored)
    assert Report.objects.filter(assessment=result.assessment).count() == 2
    assert new.result_digest == rescored.answers_digest != result.answers_digest


def test_the_render_is_enqueued_only_once_the_request_commits(
    result, stub, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = report_request(assessment=result.assessment)
    assert len(callbacks) == 1
    assert Report.objects.get(pk=report.pk).status == Report.Status.PENDING
    callbacks[0]()
    assert Report.objects.get(pk=report.pk).status == Report.Status.READY


# --- the claim ------------------------------------------------------------------------------


def test_a_duplicate_message_renders_once_and_leaves_one_file(pending, stub):
    render_report.delay(pending.pk)
    render_report.delay(pending.pk)

    report = Report.objects.get(pk=pending.pk)
    assert stub.calls == 1
    assert report.status == Report.Status.READY
    assert report.attempts == 1
    assert _report_files(report) == [Path(report.file.path)]


def test_a_claim_held_by_a_live_worker_is_left_alone(pending, stub):
    Report.objects.filter(pk=pending.pk).update(
        status=Report.Status.RENDERING, claim="someone", claimed_at=timezone.now()
    )
    report = report_render(report_id=pending.pk)
    assert stub.calls == 0
    assert report.status == Report.Status.RENDERING
    assert _report_files(report) == []


def test_a_stale_claim_left_by_a_killed_worker_is_taken_over(pending, stub):
    abandoned = timezone.now() - stale_claim_age() - timedelta(seconds=1)
    Report.objects.filter(pk=pending.pk).update(
        status=Report.Status.RENDERING, claim="dead-worker", claimed_at=abandoned, attempts=1
    )
    report = report_render(report_id=pending.pk)
    assert stub.calls == 1
    assert report.status == Report.Status.READY
    assert report.attempts == 2


def test_a_worker_that_lost_its_claim_publishes_nothing(pending, monkeypatch):
    def taken_over():
        Report.objects.filter(pk=pending.pk).update(claim="another-worker")

    monkeypatch.setattr(rendering, "render_pdf", StubRenderer(during=taken_over))
    report = report_render(report_id=pending.pk)
    assert report.status == Report.Status.RENDERING
    assert report.claim == "another-worker"
    assert not report.file
    assert _report_files(report) == []


def test_a_ready_report_is_never_rendered_again(pending, stub):
    report_render(report_id=pending.pk)
    sha = Report.objects.get(pk=pending.pk).sha256
    report_render(report_id=pending.pk)
    assert stub.calls == 1
    assert Report.objects.get(pk=pending.pk).sha256 == sha


# --- failures -------------------------------------------------------------------------------


def test_a_failed_render_records_the_error(pending, monkeypatch):
    monkeypatch.setattr(rendering, "render_pdf", StubRenderer(error=ValueError("no glyphs")))
    render_report.delay(pending.pk)
    report = Report.objects.get(pk=pending.pk)
    assert report.status == Report.Status.FAILED
    assert report.error == "ValueError: no glyphs"
    assert not report.file
    assert _report_files(report) == []


def test_a_render_past_the_soft_time_limit_fails_with_a_reason(pending, monkeypatch):
    monkeypatch.setattr(rendering, "render_pdf", StubRenderer(error=SoftTimeLimitExceeded()))
    report = report_render(report_id=pending.pk)
    assert report.status == Report.Status.FAILED
    assert "took longer than" in report.error


def test_a_file_that_cannot_be_moved_into_place_leaves_no_file_at_all(pending, stub, monkeypatch):
    def refuse(*args):
        raise OSError("disk full")

    monkeypatch.setattr("reports.services.os.replace", refuse)
    report = report_render(report_id=pending.pk)
    assert report.status == Report.Status.FAILED
    assert "disk full" in report.error
    assert _report_files(report) == [], "no half-written or temporary file is left"


def test_a_transient_database_error_gives_the_claim_back_for_the_retry(pending, monkeypatch):
    monkeypatch.setattr(rendering, "render_pdf", StubRenderer(error=OperationalError("gone")))
    with pytest.raises(OperationalError):
        report_render(report_id=pending.pk)
    report = Report.objects.get(pk=pending.pk)
    assert report.status == Report.Status.PENDING
    assert report.claim == ""


def test_the_task_retries_a_transient_error_and_then_succeeds(pending, monkeypatch):
    flaky = StubRenderer(error=OperationalError("connection reset"))

    def once_then_fine(result, **kwargs):
        try:
            return flaky(result, **kwargs)
        finally:
            flaky.error = None

    monkeypatch.setattr(rendering, "render_pdf", once_then_fine)
    render_report.apply(args=(pending.pk,), throw=False)
    report = Report.objects.get(pk=pending.pk)
    assert flaky.calls == 2
    assert report.status == Report.Status.READY


# --- the command ----------------------------------------------------------------------------


def test_the_command_renders_a_report_to_a_file(questionnaire, tmp_path, capsys):
    assessment = realistic_assessment(questionnaire)
    assessment_score(assessment_id=assessment.pk)
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "report.pdf"

    call_command("render_report", assessment.code, "-o", str(target), "--page-size", "Letter")

    assert target.read_bytes().startswith(b"%PDF-")
    assert f"Wrote {target} (full, en, with comments):" in capsys.readouterr().out
    assert list(folder.iterdir()) == [target], "no temporary file is left"
    assert not Report.objects.exists(), "the command makes no job row"


def test_the_command_refuses_an_unknown_or_unscored_assessment(questionnaire, tmp_path):
    with pytest.raises(CommandError, match="No assessment"):
        call_command("render_report", "nope", "-o", str(tmp_path / "x.pdf"))
    unscored = completed_assessment(questionnaire)
    with pytest.raises(CommandError, match="no result yet"):
        call_command("render_report", unscored.code, "-o", str(tmp_path / "x.pdf"))


# --- the sweeper ----------------------------------------------------------------------------


def test_the_sweeper_recovers_lost_renders_and_missing_reports(
    questionnaire, stub, django_capture_on_commit_callbacks
):
    later = timezone.now() + timedelta(minutes=10)
    lost, stuck, unreported, failed = (
        assessment_score(assessment_id=completed_assessment(questionnaire).pk) for _ in range(4)
    )
    with django_capture_on_commit_callbacks(execute=False):
        lost_report = report_request(assessment=lost.assessment)
        stuck_report = report_request(assessment=stuck.assessment)
        failed_report = report_request(assessment=failed.assessment)
    killed_at = timezone.now() - stale_claim_age() - timedelta(seconds=1)
    Report.objects.filter(pk=stuck_report.pk).update(
        status=Report.Status.RENDERING, claim="dead", claimed_at=killed_at
    )
    Report.objects.filter(pk=failed_report.pk).update(status=Report.Status.FAILED, error="x")

    with django_capture_on_commit_callbacks(execute=True):
        found = reports_sweep(now=later)  # ten minutes on: past the grace and the claim's age

    assert found == {"renders": 2, "requested": 1}
    assert Report.objects.get(pk=lost_report.pk).status == Report.Status.READY
    assert Report.objects.get(pk=stuck_report.pk).status == Report.Status.READY
    assert Report.objects.get(assessment=unreported.assessment).status == Report.Status.READY
    assert Report.objects.get(pk=failed_report.pk).status == Report.Status.FAILED, (
        "a failed report waits for the consultant"
    )


def test_the_sweeper_asks_for_the_full_report_even_when_a_pack_was_rendered(result, stub):
    """A board brief made by hand does not stand in for the full report a result must have."""
    board = report_request(assessment=result.assessment, options=RenderOptions.build("board"))
    report_render(report_id=board.pk)
    found = reports_sweep(now=timezone.now() + timedelta(minutes=10))
    assert found == {"renders": 0, "requested": 1}
    assert Report.objects.filter(result=result, pack="full").exists()


def test_the_sweeper_leaves_fresh_work_alone(pending, stub):
    assert sweep_reports.delay().get() == {"renders": 0, "requested": 0}
    assert Report.objects.get(pk=pending.pk).status == Report.Status.PENDING
    assert "sweep-reports" in settings.CELERY_BEAT_SCHEDULE
