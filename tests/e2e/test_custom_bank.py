"""A round on a custom question bank, end to end in real Chromium: a consultant with the
bank-editor permission uploads a broken spreadsheet (every problem listed, nothing saved),
then the corrected one (a draft), previews it as the CEO and as the CISO, publishes it,
creates a round on it, sends the invitations; both executives answer their own wording and
submit; the round is scored and its results and report show the custom bank."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alignment.models import AlignmentResult
from assessments.bank_xlsx import write_bank_xlsx
from assessments.models import Assessment, Questionnaire
from assessments.question_bank import BankData, DimensionData, ItemData
from reports.models import Report
from tests.factories import DEFAULT_PASSWORD
from tests.security.test_bank_pages import bank_editor

from .conftest import watch
from .test_respondent_journey import LINK, _finish, _submit

pytestmark = pytest.mark.e2e

SCALE = ("Not at all", "A little", "Partly", "Mostly", "Fully")


def _item(code, topic, reverse=False):
    return ItemData(
        code=code,
        ceo_text=f"CEO: how far is {topic} settled?",
        ciso_text=f"CISO: how far is {topic} under control?",
        scale="A",
        anchors=SCALE,
        reverse=reverse,
        references=("ISO 42001 6.1",),
        benchmarks=(),
    )


SMALL_BANK = BankData(
    slug="board-pulse",
    version=1,
    title="Board pulse",
    description="A short custom bank.",
    dimensions=(
        DimensionData("D1", "Ownership", "Who decides", (_item("1.1", "ownership"),)),
        DimensionData(
            "D2",
            "Controls",
            "What protects us",
            (_item("2.1", "data leakage"), _item("2.2", "shadow AI", reverse=True)),
        ),
    ),
    content_hash="",
    translations={"de": {"items": {"1.1": {"ceo_text": "CEO: Wie klar ist die Zuständigkeit?"}}}},
)


def _expect():
    from playwright.sync_api import expect

    return expect


def _broken(tmp_path):
    """The bank with item 2.1's CISO wording removed."""
    import io

    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(write_bank_xlsx(SMALL_BANK)))
    workbook["Items"]["D3"] = None
    path = tmp_path / "board-pulse-broken.xlsx"
    workbook.save(path)
    return path


def _sign_in(page, base_url, user):
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _import_preview_publish(page, base_url, tmp_path):
    expect = _expect()
    page.get_by_role("link", name="Question banks").click()
    expect(page.get_by_role("heading", name="Question banks", exact=True)).to_be_visible()

    page.get_by_label("Bank file").set_input_files(str(_broken(tmp_path)))
    page.get_by_role("button", name="Check and import as a draft").click()
    problems = page.locator("#import-problems")
    expect(problems).to_contain_text("there is 1 problem. Nothing was saved.")
    expect(problems).to_contain_text("Items, row 3, column D (ciso_text): is missing")
    assert not Questionnaire.objects.filter(slug="board-pulse").exists()

    good = tmp_path / "board-pulse.xlsx"
    good.write_bytes(write_bank_xlsx(SMALL_BANK))
    page.get_by_label("Bank file").set_input_files(str(good))
    page.get_by_role("button", name="Check and import as a draft").click()
    expect(page.get_by_text("Imported board-pulse@1 as a draft")).to_be_visible()
    expect(page.locator("[data-status]")).to_contain_text("Draft")

    page.get_by_role("link", name="Preview as the CEO").click()
    expect(page.get_by_text("CEO: how far is ownership settled?")).to_be_visible()
    expect(page.get_by_text("CISO: how far is ownership under control?")).to_have_count(0)
    expect(page.locator("fieldset[disabled] input[type=radio]").first).to_be_disabled()
    page.get_by_role("link", name="Preview as the CISO").click()
    expect(page.get_by_text("CISO: how far is ownership under control?")).to_be_visible()
    expect(page.get_by_text("CEO: how far is ownership settled?")).to_have_count(0)

    page.get_by_role("link", name="board-pulse@1").click()
    page.get_by_role("button", name="Publish this version").click()
    expect(page.get_by_text("Published board-pulse@1")).to_be_visible()


def _create_round_on_the_bank(page, organization):
    expect = _expect()
    page.get_by_role("link", name="Organisations").first.click()
    page.get_by_role("link", name=organization.name).click()
    page.get_by_role("link", name="New assessment").click()
    page.get_by_label("Title").fill("Board pulse, spring")
    page.get_by_label("Question bank").select_option(label="Board pulse (board-pulse, version 1)")
    page.get_by_label("Due date").fill((timezone.localdate() + timedelta(days=20)).isoformat())
    page.get_by_label("CEO’s email").fill("alex@acme.example")
    page.get_by_label("CISO’s email").fill("sam@acme.example")
    page.get_by_role("button", name="Create draft").click()
    expect(page.get_by_text("Assessment created as a draft")).to_be_visible()
    page.get_by_role("button", name="Send invitations").click()
    expect(page.get_by_text("both invitations are on their way")).to_be_visible()


def test_a_round_on_a_custom_bank_end_to_end(
    page, new_context, base_url, organization, questionnaire, mailoutbox, tmp_path
):
    expect = _expect()
    editor = bank_editor(organization)
    _sign_in(page, base_url, editor)
    _import_preview_publish(page, base_url, tmp_path)
    _create_round_on_the_bank(page, organization)

    links = {m.to[0]: base_url + LINK.search(m.body).group(1) for m in mailoutbox}
    for email, value, own_words in (
        ("alex@acme.example", "4", "CEO: how far is data leakage settled?"),
        ("sam@acme.example", "2", "CISO: how far is data leakage under control?"),
    ):
        executive = watch(new_context().new_page())
        executive.goto(links[email])
        executive.get_by_role("link", name="Start").click()
        expect(executive.get_by_text("Topic 1 of 2")).to_be_visible()
        expect(executive.get_by_text("of 3 questions answered")).to_be_visible()
        executive.goto(links[email] + "topics/D2/")
        expect(executive.get_by_text(own_words)).to_be_visible()
        executive.goto(links[email] + "topics/D1/")
        _finish(executive, value)
        _submit(executive)
        assert executive.errors == []

    assessment = Assessment.objects.get(title="Board pulse, spring")
    assert assessment.questionnaire.label == "board-pulse@1"
    assert assessment.status == Assessment.Status.SCORED
    result = AlignmentResult.objects.get(assessment=assessment)
    # Every item: CEO 4, CISO 2, a gap of 2 (25 points off each): an index of 50.
    assert [row["code"] for row in result.items] == ["1.1", "2.1", "2.2"]
    assert result.overall["alignment_index"] == 50

    page.goto(
        f"{base_url}/organisations/{organization.slug}/assessments/{assessment.code}/results/"
    )
    main = page.locator("main")
    expect(main.locator("text=Ownership >> visible=true").first).to_be_visible()
    expect(main.locator("text=how far is shadow AI >> visible=true").first).to_be_visible()
    report = Report.objects.filter(assessment=assessment).order_by("-pk").first()
    assert report is not None and report.status == Report.Status.READY
    # The one refused upload answers 400 (with its problems); nothing else failed.
    assert page.errors == [f"400 {base_url}/banks/"]


def test_the_bank_pages_pass_axe(new_context, base_url, organization, axe_source, tmp_path):
    from .test_accessibility import _violations

    page = watch(new_context(bypass_csp=True).new_page())  # axe is injected as a script
    path = tmp_path / "board-pulse.xlsx"
    path.write_bytes(write_bank_xlsx(SMALL_BANK))
    _sign_in(page, base_url, bank_editor(organization))
    page.goto(base_url + "/banks/")
    page.get_by_label("Bank file").set_input_files(str(path))
    page.get_by_role("button", name="Check and import as a draft").click()
    for address in (
        "/banks/",
        "/banks/board-pulse/1/",
        "/banks/board-pulse/1/preview/ceo/",
        "/banks/board-pulse/1/preview/ciso/",
    ):
        page.goto(base_url + address)
        assert _violations(page, axe_source) == [], address
    assert page.errors == []
