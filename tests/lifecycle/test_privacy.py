"""What executives are told before they answer, and the download of what Parley holds."""

import json

import pytest
from django.urls import reverse

from assessments.models import PrivacyNotice
from organizations.models import AuditEvent

pytestmark = pytest.mark.django_db


def _get(client, name, token):
    return client.get(reverse(name, kwargs={"token": token}))


def test_the_welcome_page_says_what_is_kept_and_links_the_full_notice(tenant, client):
    page = _get(client, "respond:welcome", tenant.open_tokens["ceo"]).content.decode()
    assert "What happens to your answers" in page
    assert "seen by the CISO once" in page
    assert reverse("respond:privacy", kwargs={"token": tenant.open_tokens["ceo"]}) in page
    assert reverse("respond:my_data", kwargs={"token": tenant.open_tokens["ceo"]}) in page
    full = _get(client, "respond:privacy", tenant.open_tokens["ceo"]).content.decode()
    for heading in ("What is collected", "Who sees it", "Where it is stored", "How long"):
        assert heading in full


def test_the_practice_sets_its_own_words_and_they_are_escaped(tenant, client, settings):
    PrivacyNotice.objects.create(
        pk=1,
        summary="Kept by Harbour Advisory for 2 years.\n\n<script>alert(1)</script>",
        full_text="Harbour Advisory's full notice.",
        contact="dpo@harbour.example",
    )
    page = _get(client, "respond:welcome", tenant.open_tokens["ceo"]).content.decode()
    assert "Kept by Harbour Advisory for 2 years." in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "Parley keeps your name" not in page  # the default gives way
    full = _get(client, "respond:privacy", tenant.open_tokens["ceo"]).content.decode()
    assert "Harbour Advisory's full notice." in full.replace("&#x27;", "'")
    assert "dpo@harbour.example" in full


def test_the_retention_period_is_stated_when_set(tenant, client, settings):
    settings.PARLEY_RETENTION_MONTHS = 18
    page = _get(client, "respond:welcome", tenant.open_tokens["ceo"]).content.decode()
    assert "deleted\n  18 months after" in page or "18 months after" in " ".join(page.split())


def test_my_data_before_submitting_holds_my_own_words_and_never_the_other_executives(
    tenant, client
):
    response = _get(client, "respond:my_data", tenant.open_tokens["ceo"])
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    document = json.loads(response.content)
    assert document["you"]["role"] == "CEO"
    assert document["both_submitted"] is False
    comments = [a["comment"] for a in document["answers"] if a["comment"]]
    assert comments == ["zq7lifecycle ceo open comment"]
    assert len(document["answers"]) == 5  # what the CEO has saved so far
    # The CISO has submitted, with a comment: none of it is in the CEO's file.
    assert "ciso open comment" not in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DATA_DOWNLOADED).count() == 1


def test_my_data_after_both_submitted_still_holds_only_my_own_answers(tenant, client):
    response = _get(client, "respond:my_data", tenant.scored_tokens["ciso"])
    document = json.loads(response.content)
    assert document["both_submitted"] is True
    assert document["activity"]["submitted_at"]
    assert document["you"]["email"] == "ciso@zq7lifecycle.test"
    text = response.content.decode()
    assert "zq7lifecycle ciso scored comment" in text
    assert "ceo scored comment" not in text and "ceo@zq7lifecycle.test" not in text


def test_a_link_that_is_not_live_downloads_nothing(tenant, client):
    response = client.get(reverse("respond:my_data", kwargs={"token": "x" * 43}))
    assert response.status_code == 404
    assert b"zq7lifecycle" not in response.content
