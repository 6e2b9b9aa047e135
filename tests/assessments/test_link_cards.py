"""The consultant's round page shows a dead link as dead: a revoked or expired link's card
says so and offers neither "Remind now" nor a validity date (a resend is the way back)."""

from datetime import timedelta

import pytest
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

from assessments.models import Respondent

from .journey import words

pytestmark = pytest.mark.django_db


def _card(consultant_client, assessment, role: str) -> str:
    """The visible words of one executive's card on the round page."""
    url = reverse(
        "assessments:detail",
        kwargs={"org_slug": assessment.organization.slug, "code": assessment.code},
    )
    page = consultant_client.get(url).content.decode()
    start = page.index(f'id="role-{role}"')
    end = page.find("<section", start)
    return words(HttpResponse(page[start : end if end > 0 else None]))


def test_a_live_link_card_offers_a_reminder_and_says_until_when_it_works(consultant_client, rnd):
    card = _card(consultant_client, rnd.assessment, "ceo")
    assert "Remind now" in card
    assert "Link valid until" in card


def test_a_revoked_link_card_says_revoked_and_offers_no_reminder_nor_validity(
    consultant_client, rnd
):
    revoke = reverse(
        "assessments:revoke",
        kwargs={
            "org_slug": rnd.assessment.organization.slug,
            "code": rnd.assessment.code,
            "role": "ceo",
        },
    )
    consultant_client.post(revoke, {})
    card = _card(consultant_client, rnd.assessment, "ceo")
    assert "Link revoked" in card
    assert "Revoke link" not in card  # already done
    assert "Remind now" not in card
    assert "Link valid until" not in card
    assert "Resend invitation" in card
    assert "Remind now" in _card(consultant_client, rnd.assessment, "ciso")


def test_an_expired_link_card_says_expired_and_offers_no_reminder_nor_validity(
    consultant_client, rnd
):
    past = timezone.now() - timedelta(days=1)
    rnd.assessment.due_date = (past - timedelta(days=1)).date()
    rnd.assessment.save(update_fields=["due_date"])
    Respondent.objects.filter(assessment=rnd.assessment, role="ciso").update(token_expires_at=past)
    card = _card(consultant_client, rnd.assessment, "ciso")
    assert "Link expired" in card
    assert "Remind now" not in card
    assert "Link valid until" not in card
    assert "Resend invitation" in card
