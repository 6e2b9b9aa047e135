"""Personal links: 256-bit tokens stored hashed, expiry, revocation, clear error pages."""

import logging
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.errors import LinkError
from assessments.invitations import link_issue, respondent_revoke_link
from assessments.models import Invitation
from assessments.selectors import respondent_for_token
from assessments.tokens import hash_token, looks_like_token, new_token

from .journey import text

pytestmark = pytest.mark.django_db


def test_it_draws_tokens_of_256_bits_that_are_never_repeated():
    tokens = {new_token() for _ in range(200)}
    assert len(tokens) == 200
    for token in tokens:
        assert looks_like_token(token)
        assert len(token) == 43  # 32 bytes in URL-safe base64


def test_it_stores_only_the_sha256_of_a_token(rnd):
    token = rnd.tokens["ceo"]
    stored = set(Invitation.objects.values_list("token_hash", flat=True))
    assert hash_token(token) in stored
    assert all(token not in value for value in stored)
    assert len(hash_token(token)) == 64


def test_it_opens_the_questionnaire_of_the_link_holder(client, rnd):
    response = client.get(rnd.url("ceo"))
    assert response.status_code == 200
    assert "as Acme Health’s CEO" in text(response)
    assert (
        response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    )
    assert response["X-Robots-Tag"] == "noindex, nofollow"


@pytest.mark.parametrize(
    "token",
    ["x" * 43, "short", "a" * 200, "%2e%2e", "DROP TABLE"],
    ids=["right-shape", "short", "long", "dots", "spaces"],
)
def test_it_answers_an_unknown_link_with_a_clear_404(client, rnd, token):
    response = client.get(f"/r/{token}/")
    assert response.status_code == 404
    assert b"This link does not work" in response.content


def test_it_answers_a_tampered_link_with_404(client, rnd):
    token = rnd.tokens["ceo"]
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    response = client.get(reverse("respond:welcome", kwargs={"token": tampered}))
    assert response.status_code == 404
    assert b"This link does not work" in response.content


def test_it_answers_a_revoked_link_with_410_and_whom_to_contact(client, rnd, consultant):
    respondent_revoke_link(respondent=rnd.respondent("ceo"), send_new=False)
    response = client.get(rnd.url("ceo"))
    assert response.status_code == 410
    assert b"This link has been withdrawn" in response.content
    assert consultant.email.encode() in response.content


def test_a_revoked_link_page_points_to_the_newer_link(
    client, rnd, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        respondent_revoke_link(respondent=rnd.respondent("ceo"), send_new=True)
    response = client.get(rnd.url("ceo"))
    assert response.status_code == 410
    assert b"A newer link was sent to you on" in response.content
    assert len(mailoutbox) == 1


def test_it_answers_an_expired_link_with_410(client, rnd, consultant):
    respondent = rnd.respondent("ceo")
    rnd.assessment.due_date = timezone.localdate() - timedelta(days=40)
    rnd.assessment.save()
    respondent.token_expires_at = timezone.now() - timedelta(minutes=1)
    respondent.save()
    response = client.get(rnd.url("ceo"))
    assert response.status_code == 410
    assert b"This link has expired" in response.content
    assert consultant.email.encode() in response.content
    assert client.post(rnd.url("ceo", "autosave"), {"question": "1.1"}).status_code == 410


def test_it_keeps_a_link_valid_for_invitation_ttl_days(settings, rnd):
    settings.INVITATION_TTL_DAYS = 30
    respondent = rnd.respondent("ceo")
    rnd.assessment.due_date = None
    rnd.assessment.save()
    token = link_issue(respondent=respondent)
    respondent.refresh_from_db()
    expected = timezone.now() + timedelta(days=30)
    assert abs((respondent.token_expires_at - expected).total_seconds()) < 60
    in_29_days = timezone.now() + timedelta(days=29)
    assert respondent_for_token(token, now=in_29_days).pk == respondent.pk
    with pytest.raises(LinkError) as error:
        respondent_for_token(token, now=timezone.now() + timedelta(days=31))
    assert error.value.reason == LinkError.EXPIRED


def test_it_never_expires_a_link_before_the_due_date(settings, rnd):
    settings.INVITATION_TTL_DAYS = 1
    rnd.assessment.due_date = timezone.localdate() + timedelta(days=60)
    rnd.assessment.save()
    respondent = rnd.respondent("ciso")
    token = link_issue(respondent=respondent)
    on_due_date = timezone.now() + timedelta(days=60)
    assert respondent_for_token(token, now=on_due_date).pk == respondent.pk
    with pytest.raises(LinkError):
        respondent_for_token(token, now=timezone.now() + timedelta(days=62))


def test_a_new_link_leaves_the_earlier_ones_working(rnd):
    respondent = rnd.respondent("ceo")
    second = link_issue(respondent=respondent)
    assert respondent_for_token(rnd.tokens["ceo"]).pk == respondent.pk
    assert respondent_for_token(second).pk == respondent.pk


def test_revoking_stops_every_earlier_link_and_the_replacement_works(
    rnd, mailoutbox, django_capture_on_commit_callbacks
):
    respondent = rnd.respondent("ceo")
    second = link_issue(respondent=respondent)
    with django_capture_on_commit_callbacks(execute=True):
        respondent_revoke_link(respondent=respondent, send_new=True)
    for old in (rnd.tokens["ceo"], second):
        with pytest.raises(LinkError) as error:
            respondent_for_token(old)
        assert error.value.reason == LinkError.REVOKED
    new = _token_from(mailoutbox[-1].body)
    assert respondent_for_token(new).pk == respondent.pk


def test_urls_carry_no_sequential_ids(client, rnd):
    body = client.get(rnd.page("ceo", "D1")).content.decode()
    assessment = rnd.assessment
    assert f"/{assessment.pk}/" not in body
    assert assessment.code not in rnd.url("ceo")
    for url in (rnd.url("ceo"), rnd.page("ceo"), rnd.url("ceo", "autosave")):
        assert all(not part.isdigit() for part in url.split("/"))


def test_tokens_never_reach_the_request_log(client, rnd, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.post(rnd.url("ceo", "autosave"), {"question": "1.1", "answer": "9"})
    assert "Bad Request" in caplog.text
    assert rnd.tokens["ceo"] not in caplog.text
    assert "/r/[token]/answer/" in caplog.text


def test_a_denied_report_download_is_audited_without_its_token(client, rnd, consultant, caplog):
    """Probe hole 3: the 404 of a signed-in user was audited with the live token in it."""
    from organizations.models import AuditEvent

    client.force_login(consultant)
    with caplog.at_level(logging.INFO):
        response = client.get(f"/r/{rnd.tokens['ceo']}/report.pdf")
    assert response.status_code == 404
    event = AuditEvent.objects.get(action=AuditEvent.Action.ACCESS_DENIED)
    assert event.target == "/r/[token]/report.pdf"
    assert rnd.tokens["ceo"] not in caplog.text
    assert not AuditEvent.objects.filter(target__contains=rnd.tokens["ceo"][:20]).exists()


@pytest.mark.parametrize(
    "spelling",
    [
        "/r/{token}/report.pdf",
        "/r/%41{rest}/report.pdf",
        "/%72/{token}/",
        "/%72%2F{token}",
        "%2Fr%2f{token}",
        "/r/{token}",
        "/R/{token}/",
    ],
)
def test_every_spelling_of_a_token_path_is_redacted(spelling):
    """The development server and gunicorn log the request line as received."""
    from config.redaction import redact

    token = new_token()
    line = '"GET ' + spelling.format(token=token, rest=token[1:]) + ' HTTP/1.1" 404 179'
    cleaned = redact(line)
    assert token[1:] not in cleaned
    assert "[token]" in cleaned


def _console_line(logger: str, msg: str, *args) -> str:
    """What the configured console handler writes for one record of `logger`."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    record = logging.getLogger(logger).makeRecord(logger, logging.WARNING, "x", 1, msg, args, None)
    assert handler.filter(record)
    return handler.format(record)


def test_a_percent_encoded_token_never_reaches_any_log(rnd, caplog):
    token = rnd.tokens["ceo"]
    encoded = "".join(f"%{ord(c):02X}" for c in token[:10]) + token[10:]
    with caplog.at_level(logging.INFO, logger="django.server"):
        logging.getLogger("django.server").info(
            '"%s" %s %s', f"GET /r/{encoded}/report.pdf HTTP/1.1", "404", "179"
        )
    assert token[10:] not in caplog.text and "/r/[token]/report.pdf" in caplog.text
    # Any logger, the token split between the format and its argument.
    line = _console_line("parley.anything", "odd link /%%72/%s", token)
    assert token not in line and line.endswith("odd link /r/[token]")
    gunicorn_atoms = {"r": f"GET /r/{encoded}/ HTTP/1.1", "s": "404"}
    line = _console_line("gunicorn.access", "%(r)s %(s)s", gunicorn_atoms)
    assert line.endswith("GET /r/[token]/ HTTP/1.1 404")


def _token_from(body: str) -> str:
    import re

    return re.search(r"/r/([A-Za-z0-9_-]{43})/", body).group(1)
