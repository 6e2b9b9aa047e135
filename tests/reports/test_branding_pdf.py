"""The practice's branding in the PDF: on the cover, in every running header and footer, with
the logo inlined so that the locked-down fetcher still loads nothing but the app's files."""

import pytest

from alignment.services import assessment_score
from organizations.branding import branding_update
from reports.rendering import build_html, render_pdf
from tests.branding_samples import SVG_OK, clear_branding_cache, png
from tests.factories import UserFactory, completed_assessment
from tests.reports import pdftools

pytestmark = pytest.mark.django_db
LEGAL = "Acme Advisory LLP, registered in England no. OC123456"


@pytest.fixture(autouse=True)
def _fresh_branding():
    clear_branding_cache()
    yield
    clear_branding_cache()


def _brand(logo: bytes, media_type: str, name: str = "Acme Advisory") -> None:
    branding_update(
        actor=UserFactory(is_staff=True),
        name=name,
        primary_colour="#0a3d62",
        accent_colour="#8a1538",
        contact_line="hello@acme.example · +44 20 7946 0000",
        legal_footer=LEGAL,
        logo=logo,
        logo_type=media_type,
    )


@pytest.mark.parametrize(
    ("logo", "media_type"), [(png(), "image/png"), (SVG_OK, "image/svg+xml")], ids=["png", "svg"]
)
def test_the_branded_pdf_names_the_practice_on_every_page_and_fetches_nothing(
    questionnaire, logo, media_type
):
    _brand(logo, media_type)
    result = assessment_score(assessment_id=completed_assessment(questionnaire).pk)
    rendered = render_pdf(result)
    assert rendered.refused == []
    text = pdftools.text(rendered.pdf)
    cover = text.split("Report date")[0]
    assert "ACME ADVISORY" in cover  # the cover's brand line is set in capitals
    assert "hello@acme.example" in text
    # Every page after the cover: the practice in the header, its legal line in the footer.
    assert text.count("Acme Advisory · ") >= rendered.pages - 1
    assert text.count(f"Confidential · {LEGAL}") >= rendered.pages - 1
    assert "Parley · " not in text
    assert pdftools.info(rendered.pdf)["Author"] == "Acme Advisory"


def test_the_logo_reaches_the_pdf_inline_and_typed_text_cannot_escape_the_css(questionnaire):
    hostile = 'Acme"; } @page { @top-left { content: url(file:///etc/passwd) } } </style><b>x'
    _brand(png(), "image/png", name=hostile[:80])
    result = assessment_score(assessment_id=completed_assessment(questionnaire).pk)
    html = build_html(result)
    assert 'class="brand-logo" src="data:image/png;base64,' in html
    # The name stays one CSS string: its quote, braces and tags are CSS escapes.
    assert 'content: "Acme\\22 ; \\7d  @page' in html
    assert 'Acme"' not in html and "<b>x" not in html
    rendered = render_pdf(result)
    assert rendered.refused == []
    assert 'Acme"; } @page' in pdftools.text(rendered.pdf)  # printed as text, not obeyed


def test_without_branding_the_pdf_is_parleys(questionnaire):
    result = assessment_score(assessment_id=completed_assessment(questionnaire).pk)
    html = build_html(result)
    assert '<div class="brand">Parley</div>' in html and "cover-brandline" not in html
    assert ".cover-band { background:" not in html
