"""`manage.py rescore`: batches, a progress bar, a summary line, and nothing scored twice."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from alignment import services, tasks
from alignment.models import AlignmentResult
from alignment.services import assessment_score
from assessments.models import Answer
from tests.factories import completed_assessment

pytestmark = pytest.mark.django_db

SUMMARY = re.compile(
    r"^rescored (\d+) assessments in [\d.]+ s \(\d+/s\); "
    r"skipped (\d+) not fully submitted; failed (\d+)$"
)


@pytest.fixture
def followed(monkeypatch):
    """The results `on_scored` was called with (instead of requesting PDF reports)."""
    calls = []
    monkeypatch.setattr(tasks, "on_scored", calls.append)
    return calls


def _rescore(*args, codes=()):
    out, err = StringIO(), StringIO()
    # "--" before the codes, as a careful script passes any argument (docs/operations.md).
    call_command("rescore", *args, "--", *codes, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _counts(out: str) -> tuple[int, int, int]:
    match = SUMMARY.match(out.strip().splitlines()[-1])
    assert match, out
    return tuple(int(n) for n in match.groups())


def test_it_rescores_everything_in_batches_with_a_progress_bar(questionnaire, followed):
    done = [completed_assessment(questionnaire) for _ in range(5)]
    completed_assessment(questionnaire, submit=False)

    out, err = _rescore("--all", "--batch-size", "2")

    assert _counts(out) == (5, 1, 0)
    assert AlignmentResult.objects.count() == 5
    bars = [line for line in err.splitlines() if line.startswith("[")]
    assert bars[-1].endswith("6/6 (100%)")
    assert len(bars) == 3  # one per batch of 2, never more than one per tenth
    assert {r.assessment_id for r in followed} == {a.pk for a in done}


def test_rescoring_again_changes_nothing_and_requests_no_new_report(questionnaire, followed):
    assessment = completed_assessment(questionnaire)
    first = assessment_score(assessment_id=assessment.pk)

    out, _ = _rescore("--all")

    assert _counts(out) == (1, 0, 0)
    assert list(AlignmentResult.objects.values_list("pk", flat=True)) == [first.pk]
    assert followed == []


def test_it_follows_up_a_result_whose_answers_changed(questionnaire, followed):
    assessment = completed_assessment(questionnaire)
    assessment_score(assessment_id=assessment.pk)
    Answer.objects.filter(respondent__assessment=assessment, question__code="2.1").update(value=5)

    _rescore(codes=[assessment.code])

    assert [r.assessment_id for r in followed] == [assessment.pk]


def test_it_rescores_the_given_codes_only(questionnaire, followed):
    chosen, other = completed_assessment(questionnaire), completed_assessment(questionnaire)
    out, _ = _rescore(codes=[chosen.code, chosen.code])
    assert _counts(out) == (1, 0, 0)
    assert list(AlignmentResult.objects.values_list("assessment_id", flat=True)) == [chosen.pk]
    assert not AlignmentResult.objects.filter(assessment=other).exists()


def test_it_refuses_unknown_codes_before_doing_anything(questionnaire):
    known = completed_assessment(questionnaire)
    with pytest.raises(CommandError, match="Unknown assessment code.*nope"):
        _rescore(codes=[known.code, "nope"])
    assert not AlignmentResult.objects.exists()


@pytest.mark.parametrize(
    "args, codes", [((), ()), (("--all",), ("somecode",)), (("--all", "--batch-size", "0"), ())]
)
def test_it_needs_either_all_or_codes(db, args, codes):
    with pytest.raises(CommandError):
        _rescore(*args, codes=codes)


def test_an_empty_database_is_fine(db):
    out, _ = _rescore("--all")
    assert _counts(out) == (0, 0, 0)


def test_a_failing_assessment_is_counted_and_the_others_are_scored(
    questionnaire, followed, monkeypatch
):
    good = completed_assessment(questionnaire)
    bad = completed_assessment(questionnaire, ceo=(5,))
    engine = services.scoring.score

    def picky(dimensions, items, ceo, ciso, perceived=None):
        if set(ceo.values()) == {5}:
            raise ValueError("invalid ceo answer for item 1.1")
        return engine(dimensions, items, ceo, ciso, perceived)

    monkeypatch.setattr(services.scoring, "score", picky)
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="1 assessment"):
        call_command("rescore", "--all", stdout=out, stderr=err)
    assert _counts(out.getvalue()) == (1, 0, 1)
    assert f"failed {bad.code}: invalid ceo answer" in err.getvalue()
    assert AlignmentResult.objects.filter(assessment=good).exists()


def test_a_batch_that_breaks_is_retried_one_by_one(questionnaire, followed, monkeypatch):
    assessments = [completed_assessment(questionnaire) for _ in range(3)]
    real = services._score

    def fragile(ids, cache):
        if len(set(ids)) > 1:
            raise RuntimeError("deadlock detected")
        return real(ids, cache)

    monkeypatch.setattr(services, "_score", fragile)
    out, err = _rescore("--all")
    assert _counts(out) == (3, 0, 0)
    assert "one by one" in err
    assert AlignmentResult.objects.count() == len(assessments)
