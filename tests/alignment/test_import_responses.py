"""`manage.py import_responses CODE FILE.csv [--submit]`: all or nothing, every bad row named."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from alignment import tasks
from alignment.imports import ImportRejected, read_responses_csv, responses_import
from alignment.models import AlignmentResult
from assessments.models import Answer, Respondent
from tests.factories import AssessmentFactory, RespondentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(questionnaire):
    assessment = AssessmentFactory(questionnaire=questionnaire)
    for role in ("ceo", "ciso"):
        RespondentFactory(assessment=assessment, role=role)
    return assessment


def _csv(rows, header="question,role,value,comment") -> str:
    return "\n".join([header, *rows]) + "\n"


def _full_file(questionnaire, ceo="4", ciso="2") -> str:
    codes = questionnaire.questions.order_by("order").values_list("code", flat=True)
    rows = [
        f"{code},{role},{value},"
        for role, value in (("ceo", ceo), ("ciso", ciso))
        for code in codes
    ]
    return _csv(rows)


def _import(assessment, tmp_path, content, *args, encoding="utf-8"):
    path = tmp_path / "answers.csv"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding=encoding)
    out, err = StringIO(), StringIO()
    try:
        # "--" before the code, as a careful script passes any argument (docs/operations.md)
        call_command(
            "import_responses", *args, "--", assessment.code, str(path), stdout=out, stderr=err
        )
    finally:
        _import.err = err.getvalue()
    return out.getvalue()


def _rejected(assessment, tmp_path, content, *args) -> list[str]:
    with pytest.raises(CommandError, match="Nothing imported"):
        _import(assessment, tmp_path, content, *args)
    assert not Answer.objects.filter(respondent__assessment=assessment).exists()
    return [line.split(": ", 1)[1] for line in _import.err.splitlines()]


def test_it_imports_every_answer_and_submit_triggers_scoring(
    assessment, questionnaire, tmp_path, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(tasks, "on_scored", lambda result: None)  # no PDF here
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        out = _import(assessment, tmp_path, _full_file(questionnaire), "--submit")

    assert "Imported 88 answers" in out and "CEO 44, CISO 44; 88 new, 0 replaced" in out
    # Scoring is enqueued when the test's transaction "commits", after the command printed:
    # so it says nothing of it (tests/reliability/test_scoring_news.py commits for real).
    assert "Submitted the CEO and CISO." in out
    assert Answer.objects.filter(respondent__assessment=assessment).count() == 88
    assert not Respondent.objects.filter(assessment=assessment, submitted_at__isnull=True).exists()
    # As after a browser submit: the second submit enqueued scoring on commit (in-process here).
    assert len(callbacks) == 1
    result = AlignmentResult.objects.get(assessment=assessment)
    assert result.alignment_index == pytest.approx(50.0)


def test_it_reports_every_bad_row_with_its_line_and_imports_nothing(assessment, tmp_path):
    content = _csv(
        [
            "1.1,ceo,4,fine",  # line 2
            "9.9,ceo,4,",  # 3: unknown question
            "1.2,cfo,4,",  # 4: bad role
            "1.3,ceo,7,",  # 5: bad value
            "1.1,CEO,3,",  # 6: duplicate of line 2 (role case does not matter)
            "1.4,ceo",  # 7: too short
            "1.5,ceo,2,a comment,extra",  # 8: too long
            ",ciso,dk,",  # 9: no question code
        ]
    )
    errors = _rejected(assessment, tmp_path, content)
    assert errors == [
        "line 3: unknown question code '9.9'",
        "line 4: role must be ceo or ciso, not 'cfo'",
        "line 5: value must be 1, 2, 3, 4, 5 or dk, not '7'",
        "line 6: duplicate of line 2 (question 1.1, role ceo)",
        "line 7: missing field(s) for column(s) value, comment",
        "line 8: 1 field(s) more than the header has",
        "line 9: the question code is empty",
    ]


def test_line_numbers_count_the_lines_of_multi_line_comments(assessment, tmp_path):
    content = _csv(['1.1,ceo,4,"first line\nsecond line"', "1.2,ceo,six,"])
    assert _rejected(assessment, tmp_path, content) == [
        "line 4: value must be 1, 2, 3, 4, 5 or dk, not 'six'"
    ]


def test_a_file_that_is_not_utf8_is_refused(assessment, tmp_path):
    content = _csv(["1.1,ceo,4,ok", "1.2,ceo,3,caf\u00e9"]).encode("latin-1")
    errors = _rejected(assessment, tmp_path, content)
    assert errors == ["line 3: the file is not UTF-8 text (byte 0xe9); save it as UTF-8"]


@pytest.mark.parametrize(
    "header, reason",
    [
        ("question,role,value", "missing column(s): comment"),
        ("question,role,value,comment,score", "unknown column(s): 'score'"),
        ("question,role,role,value,comment", "repeated column(s): role"),
    ],
)
def test_a_wrong_header_is_refused(assessment, tmp_path, header, reason):
    errors = _rejected(assessment, tmp_path, _csv(["1.1,ceo,4,"], header=header))
    assert errors == [f"line 1: {reason} (the header must be question,role,value,comment)"]


@pytest.mark.parametrize(
    "content, reason",
    [
        ("", "the file is empty: expected question,role,value,comment"),
        ("question,role,value,comment\n", "the file has a header but no answers"),
    ],
)
def test_an_empty_file_is_refused(assessment, tmp_path, content, reason):
    with pytest.raises(CommandError):
        _import(assessment, tmp_path, content)
    assert reason in _import.err


def test_excel_csv_with_bom_and_capitalised_header_and_blank_lines_is_read(assessment, tmp_path):
    content = (
        "\ufeffQuestion, Role ,VALUE,Comment\r\n1.1,CEO, dk ,\r\n\r\n1.2,ciso,3,\u00e0 voir\r\n"
    )
    out = _import(assessment, tmp_path, content)
    assert "Imported 2 answers" in out
    ceo = Answer.objects.get(respondent__role="ceo", question__code="1.1")
    assert (ceo.value, ceo.dont_know) == (None, True)
    ciso = Answer.objects.get(respondent__role="ciso", question__code="1.2")
    assert (ciso.value, ciso.comment) == (3, "\u00e0 voir")
    assert Respondent.objects.get(assessment=assessment, role="ceo").started_at is not None


def test_it_replaces_answers_already_saved(assessment, tmp_path):
    _import(assessment, tmp_path, _csv(["1.1,ceo,4,", "1.2,ceo,4,"]))
    out = _import(assessment, tmp_path, _csv(["1.1,ceo,2,on reflection", "1.3,ceo,1,"]))
    assert "2 answers" in out and "1 new, 1 replaced" in out
    answer = Answer.objects.get(respondent__role="ceo", question__code="1.1")
    assert (answer.value, answer.comment) == (2, "on reflection")
    assert Answer.objects.filter(respondent__assessment=assessment).count() == 3


def test_it_refuses_to_change_a_respondent_who_has_submitted(assessment, tmp_path):
    Respondent.objects.filter(assessment=assessment, role="ciso").update(
        submitted_at=timezone.now()
    )
    errors = _rejected(assessment, tmp_path, _csv(["1.1,ceo,4,", "1.1,ciso,4,", "1.2,ciso,4,"]))
    assert len(errors) == 1
    assert errors[0].startswith("line 3: the CISO submitted on ")
    assert "submitted answers cannot be changed" in errors[0]


def test_a_refused_submit_undoes_the_whole_import(assessment, tmp_path):
    errors = _rejected(assessment, tmp_path, _csv(["1.1,ceo,4,", "1.1,ciso,3,"]), "--submit")
    assert errors[0].startswith("cannot submit the CEO: 43 item(s) unanswered (1.2, 1.3, ")
    assert errors[1].startswith("cannot submit the CISO: 43 item(s) unanswered")
    assert not Respondent.objects.filter(submitted_at__isnull=False).exists()


def test_a_missing_respondent_is_named(questionnaire, tmp_path):
    assessment = AssessmentFactory(questionnaire=questionnaire)
    RespondentFactory(assessment=assessment, role="ceo")
    errors = _rejected(assessment, tmp_path, _csv(["1.1,ceo,4,", "1.1,ciso,4,"]))
    assert errors == ["line 3: the assessment has no CISO respondent: add one before importing"]


def test_an_unknown_assessment_or_file_is_a_clear_error(assessment, tmp_path):
    with pytest.raises(CommandError, match="No assessment with code 'nope'"):
        call_command("import_responses", "--", "nope", str(tmp_path / "a.csv"))
    with pytest.raises(CommandError, match="Cannot read .*missing.csv"):
        call_command("import_responses", "--", assessment.code, str(tmp_path / "missing.csv"))


def test_the_service_reads_rows_from_any_source(assessment):
    rows = read_responses_csv(b"question,role,value,comment\n1.1,ceo,5,\n1.1,ciso,1,\n")
    summary = responses_import(assessment=assessment, rows=rows)
    assert (summary.answers, summary.per_role, summary.submitted) == (2, {"ceo": 1, "ciso": 1}, [])
    with pytest.raises(ImportRejected) as rejected:
        responses_import(
            assessment=assessment,
            rows=read_responses_csv(b"question,role,value,comment\n1.1,x,5,\n"),
        )
    assert [str(e) for e in rejected.value.errors] == ["line 2: role must be ceo or ciso, not 'x'"]


def test_a_control_character_in_a_comment_is_named_by_line(assessment, tmp_path):
    """Probe hole 5: a NUL used to end in a traceback from the database."""
    errors = _rejected(
        assessment, tmp_path, _csv(["1.1,ceo,3,ok", "1.2,ceo,3,bad\x00here", "1.3,ceo,2,b\x0bc"])
    )
    assert errors == [
        "line 3: the comment contains an invisible control character (U+0000) at position 4; "
        "remove it and try again.",
        "line 4: the comment contains an invisible control character (U+000B) at position 2; "
        "remove it and try again.",
    ]


def test_an_unterminated_quote_is_refused_with_its_line(assessment, tmp_path):
    """Probe hole 5: the open quote used to swallow the rest of the file silently."""
    content = _csv(["1.1,ceo,3,ok", '1.2,ceo,3,"never closed', "1.3,ceo,2,", "1.4,ceo,2,"])
    errors = _rejected(assessment, tmp_path, content)
    assert errors == ['line 3: a quoted field is never closed (a " opened here has no closing ")']
