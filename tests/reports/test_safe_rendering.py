"""Text that executives and consultants typed reaches the PDF as text, never as markup.

The organisation's name, the round's title, a respondent's name and the comments carry markup
that would read a local file into the PDF, attach it, fetch from the network or add a
javascript: link if it were ever interpreted. The report must show it literally, fetch nothing
and attach nothing.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

from alignment.services import assessment_score
from assessments.models import Answer
from reports.rendering import build_html, render_pdf
from tests.factories import OrganizationFactory, realistic_assessment
from tests.reports import pdftools

pytestmark = pytest.mark.django_db

IMG = '<img src="file:///etc/passwd">'
ATTACH = '<link rel="attachment" href="file:///etc/passwd">'
IMPORT = "<style>@import url(http://127.0.0.1:1/x)</style>"
JS = '<a href="javascript:alert(1)">open</a>'
PAYLOAD = f"{IMG} {ATTACH} {IMPORT} {JS}"


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture
def hostile_result(questionnaire, http_server):
    base, hits = http_server
    organization = OrganizationFactory(name=f"Evil {IMG} Corp", slug="evil-corp")
    assessment = realistic_assessment(
        questionnaire, organization=organization, title=f"Round {ATTACH} {JS}"
    )
    assessment.respondents.filter(role="ceo").update(name=f"Mallory {IMPORT}")
    live_import = f"<style>@import url({base}/comment.css)</style>"
    comments = {"1.1": PAYLOAD, "3.1": f"{live_import} <img src='{base}/pixel.png'>"}
    for code, comment in comments.items():
        Answer.objects.filter(respondent__assessment=assessment, question__code=code).update(
            comment=comment
        )
    return assessment_score(assessment_id=assessment.pk), hits, base


def test_user_text_is_escaped_in_the_html(hostile_result):
    result, _hits, base = hostile_result
    html = build_html(result)
    for markup in (IMG, ATTACH, IMPORT, JS, f"{base}/pixel.png'>"):
        assert markup not in html
    assert "&lt;img src=&quot;file:///etc/passwd&quot;&gt;" in html
    assert "&lt;link rel=&quot;attachment&quot;" in html


def test_no_report_template_turns_escaping_off():
    folder = Path(settings.BASE_DIR) / "templates" / "reports"
    for template in folder.rglob("*.html"):
        source = template.read_text()
        assert "|safe" not in source and "autoescape off" not in source, template


def test_the_pdf_shows_the_text_literally_and_fetches_and_attaches_nothing(hostile_result):
    result, hits, base = hostile_result
    rendered = render_pdf(result)

    assert rendered.refused == [], "nothing in the document even tried to load a URL"
    assert hits == [], "the renderer made a network request"

    text = _squeeze(pdftools.text(rendered.pdf))
    for shown in (f"Evil {IMG} Corp", f"Round {ATTACH} {JS}", f"Mallory {IMPORT}", PAYLOAD):
        assert _squeeze(shown) in text
    assert _squeeze(f"@import url({base}/comment.css)") in text
    assert "root:x:0:0" not in text

    assert pdftools.attachments(rendered.pdf) == "0 embedded files"
    assert b"/EmbeddedFile" not in rendered.pdf
    assert pdftools.info(rendered.pdf)["JavaScript"] == "no"
    outward = ("javascript:", "file:", "http:", "https:")
    assert not [href for href in pdftools.links(rendered.pdf) if href.lower().startswith(outward)]
