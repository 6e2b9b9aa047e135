"""The practice's branding: what the site admin may store, and where it shows."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from assessments.invitations import respondent_revoke_link
from organizations.branding import PARLEY_NAME, current_branding
from organizations.contrast import contrast_ratio
from organizations.logo import MAX_LOGO_BYTES
from organizations.models import AuditEvent, Branding
from tests.branding_samples import SVG_OK, clear_branding_cache, png, svg
from tests.factories import UserFactory, assessment_with_links

pytestmark = pytest.mark.django_db
URL = reverse("branding:settings")
GOOD = {
    "name": "Acme Advisory",
    "primary_colour": "#0a3d62",
    "accent_colour": "#8a1538",
    "contact_line": "Acme Advisory · hello@acme.example",
    "legal_footer": "Acme Advisory LLP, registered in England no. 0C123456",
}


@pytest.fixture(autouse=True)
def _fresh_branding():
    clear_branding_cache()
    yield
    clear_branding_cache()


@pytest.fixture
def staff(client, staff_user):
    client.force_login(staff_user)
    return client


def _post(client, logo: bytes | None = None, name="logo.svg", **changes):
    data = {**GOOD, **changes}
    if logo is not None:
        data["logo"] = SimpleUploadedFile(name, logo)
    return client.post(URL, data)


def _errors(response) -> str:
    assert response.status_code == 400, response.status_code
    errors = response.context["form"].errors
    assert errors, "a refused form says why"
    return " ".join(message for messages in errors.values() for message in messages)


# --- What is refused, and why -------------------------------------------------------------


@pytest.mark.parametrize(
    ("logo", "reason"),
    [
        (svg("<script>alert(1)</script>"), "contains a <script> element"),
        (svg('<image href="https://evil.example/x.png"/>'), "refers to something outside itself"),
        (svg('<use xlink:href="http://evil.example/s.svg#a"/>'), "refers to something outside"),
        (svg('<rect style="fill: url(https://evil.example/p)"/>'), "refers to something outside"),
        (svg("<style>@import url(https://evil.example/a.css);</style>"), "imports another"),
        (svg("", attrs=' onload="alert(1)"'), "event handler (onload)"),
        (
            svg('<foreignObject><p xmlns="http://www.w3.org/1999/xhtml">x</p></foreignObject>'),
            "<foreignobject>",
        ),
        (svg('<a href="javascript:alert(1)"><rect/></a>'), "refers to something outside"),
        (svg('<image href="data:image/svg+xml;base64,PHN2Zz4="/>'), "refers to something outside"),
        (svg('<set attributeName="href" to="javascript:alert(1)"/>'), "<set>"),
        (
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
            "DOCTYPE or entities",
        ),
        (b"GIF89a not a logo", "PNG or an SVG"),
        (b"<html><body>hi</body></html>", "<svg> root element"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "damaged"),
        (png(width=5000, height=10), "5000×10 pixels"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_a_logo_that_could_run_code_or_fetch_anything_is_refused(staff, logo, reason):
    response = _post(staff, logo)
    assert reason in _errors(response)
    assert not Branding.objects.exists()
    # Nothing typed is lost: the other fields come back as they were sent.
    assert response.context["form"]["contact_line"].value() == GOOD["contact_line"]


def test_a_logo_over_the_size_limit_is_refused_with_the_limit(staff):
    too_big = svg("<!--" + "x" * MAX_LOGO_BYTES + "-->")
    assert "the limit is 200 KB" in _errors(_post(staff, too_big))
    assert not Branding.objects.exists()


@pytest.mark.parametrize("field", ["primary_colour", "accent_colour"])
def test_a_colour_below_wcag_aa_against_white_is_refused_with_its_ratio(staff, field):
    errors = _errors(_post(staff, **{field: "#ffcc00"}))
    assert "#ffcc00 has a contrast of 1.51:1 with white; WCAG AA needs at least 4.5:1" in errors
    assert not Branding.objects.exists()


def test_a_colour_just_below_aa_is_refused_and_just_above_is_accepted(staff):
    assert "4.48:1" in _errors(_post(staff, primary_colour="#777777"))
    assert _post(staff, primary_colour="#767676").status_code == 302


def test_a_colour_that_is_not_hex_is_refused(staff):
    assert "six hex digits" in _errors(_post(staff, accent_colour="red;}x"))


# --- What is accepted, and where it shows ---------------------------------------------------


@pytest.mark.parametrize(
    ("logo", "media_type"), [(png(), "image/png"), (SVG_OK, "image/svg+xml")], ids=["png", "svg"]
)
def test_a_clean_png_or_svg_is_stored_and_served_inert(staff, logo, media_type):
    assert _post(staff, logo, name="logo.bin").status_code == 302
    stored = Branding.objects.get()
    assert (bytes(stored.logo), stored.logo_type, stored.name) == (
        logo,
        media_type,
        "Acme Advisory",
    )
    served = Client().get(current_branding().logo_url)  # anonymous: the sign-in page shows it
    assert served.status_code == 200 and served.content == logo
    assert served["Content-Type"] == media_type
    assert served["Content-Security-Policy"].startswith("default-src 'none'")
    assert served["X-Content-Type-Options"] == "nosniff"


def test_saving_is_audited_and_shows_at_once_on_the_pages(staff, staff_user):
    response = _post(staff, png())
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditEvent.Action.BRANDING_CHANGED)
    assert (event.actor, event.target) == (staff_user, "Acme Advisory")
    page = staff.get(URL).content.decode()
    assert '<a class="navbar-brand fw-semibold" href="/"><img src="/branding/logo?v=' in page
    assert "Acme Advisory</a>" in page and GOOD["legal_footer"] in page
    assert "background-color: #0a3d62;" in page
    sign_in = Client().get(reverse("login")).content.decode()
    assert "Acme Advisory" in sign_in and "· Acme Advisory</title>" in sign_in


def test_the_stored_logo_is_kept_when_no_new_file_is_sent_and_removed_on_request(staff):
    _post(staff, png())
    _post(staff, name="Acme Advisory")
    assert bytes(Branding.objects.get().logo) == png()
    _post(staff, remove_logo="on")
    assert bytes(Branding.objects.get().logo) == b""
    assert Client().get(reverse("branding:logo")).status_code == 404


def test_reset_brings_back_parleys_branding_and_is_audited(staff):
    _post(staff, png())
    assert staff.post(reverse("branding:reset")).status_code == 302
    assert not Branding.objects.exists()
    assert current_branding().name == PARLEY_NAME and current_branding().is_default
    assert AuditEvent.objects.filter(target="reset to Parley").exists()
    assert "Acme Advisory" not in staff.get(URL).content.decode()


def test_without_branding_every_page_shows_parley(client, staff):
    assert current_branding().is_default
    body = Client().get(reverse("login")).content.decode()
    assert '<a class="navbar-brand fw-semibold" href="/">Parley</a>' in body
    assert "Parley — CEO and CISO alignment on generative AI" in body
    assert Client().get(reverse("branding:logo")).status_code == 404


def test_the_form_is_labelled_and_grouped(staff):
    body = staff.get(URL).content.decode()
    for legend in ("Name and logo", "Colours", "Contact and legal lines"):
        assert f'<legend class="h5">{legend}</legend>' in body
    for field in ("name", "logo", "primary_colour", "accent_colour", "contact_line"):
        assert f'for="id_{field}"' in body


def test_the_emails_to_executives_carry_the_branding(
    staff, questionnaire, mailoutbox, django_capture_on_commit_callbacks
):
    _post(staff)
    assessment, _tokens = assessment_with_links(questionnaire)
    with django_capture_on_commit_callbacks(execute=True):
        respondent_revoke_link(respondent=assessment.respondents.get(role="ceo"), send_new=True)
    (message,) = mailoutbox
    html = message.alternatives[0][0]
    assert ">Acme Advisory</div>" in html and "background:#0a3d62;" in html
    assert GOOD["contact_line"] in html and GOOD["legal_footer"] in html
    assert "background:#8a1538;" in html  # the button, in the accent colour
    assert f"Acme Advisory, on behalf of {assessment.organization.name}" in message.body
    assert GOOD["legal_footer"] in message.body


# --- Who may change it ----------------------------------------------------------------------


@pytest.mark.parametrize("is_superuser", [False, True])
def test_only_site_staff_reach_the_page(client, is_superuser):
    user = UserFactory(is_staff=False, is_superuser=is_superuser)
    client.force_login(user)
    assert client.get(URL).status_code == 404
    assert client.post(URL, GOOD).status_code == 404
    assert client.post(reverse("branding:reset")).status_code == 404
    assert not Branding.objects.exists()
    anonymous = Client().get(URL)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))


def test_the_contrast_ratio_is_wcags():
    assert round(contrast_ratio("#000000", "#ffffff"), 2) == 21.0
    assert contrast_ratio("#12324f", "#12324f") == 1.0
    assert round(contrast_ratio("#767676", "#ffffff"), 2) == 4.54  # the AA grey of WebAIM
    with pytest.raises(ValueError, match="not a #rrggbb colour"):
        contrast_ratio("red", "#ffffff")


def test_each_process_keeps_its_copy_for_local_seconds_then_reads_a_change_made_elsewhere(
    monkeypatch,
):
    """Another process saving clears the shared cache, not this process's copy: the change
    shows here once LOCAL_SECONDS have passed, and not a round trip to the cache before."""
    from django.core.cache import cache

    from organizations import branding

    clock = [1000.0]
    monkeypatch.setattr(branding, "monotonic", lambda: clock[0])
    assert current_branding().name == PARLEY_NAME
    # What branding_update does in another process: the row, then the shared cache cleared.
    Branding.objects.create(pk=Branding.SINGLETON_ID, **GOOD)
    cache.delete(branding.CACHE_KEY)
    clock[0] += branding.LOCAL_SECONDS - 1
    assert current_branding().name == PARLEY_NAME  # this process's copy, still fresh
    clock[0] += 2
    assert current_branding().name == "Acme Advisory"
