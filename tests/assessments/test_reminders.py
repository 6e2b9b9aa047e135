"""Reminders: a few days before the due date and when overdue, three at most, never after
submission or revocation; the daily task, the sweeper and the beat schedule."""

from datetime import date, timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from assessments import tasks
from assessments.invitations import (
    REMINDER_LIMIT,
    ReminderRefused,
    invitation_queue,
    invitations_requeue_unsent,
    reminder_due,
    reminders_send_due,
    respondent_remind,
    respondent_revoke_link,
)
from assessments.models import Invitation

from .journey import answer_everything

DUE = date(2030, 6, 15)


def _due(today, count=0, last=None):
    return reminder_due(due_date=DUE, today=today, reminder_count=count, last_reminded_on=last)


def test_it_reminds_once_in_the_days_before_the_due_date():
    assert not _due(DUE - timedelta(days=4))
    assert _due(DUE - timedelta(days=3))
    assert not _due(DUE - timedelta(days=2), count=1, last=DUE - timedelta(days=3))
    assert not _due(DUE, count=1, last=DUE - timedelta(days=3))


def test_it_reminds_when_overdue_then_weekly():
    soon = DUE - timedelta(days=3)
    assert _due(DUE + timedelta(days=1), count=1, last=soon)
    after = DUE + timedelta(days=1)
    assert not _due(DUE + timedelta(days=5), count=2, last=after)
    assert _due(DUE + timedelta(days=8), count=2, last=after)


def test_it_never_reminds_more_than_the_limit_nor_without_a_due_date():
    assert not _due(DUE + timedelta(days=30), count=REMINDER_LIMIT, last=DUE)
    assert not reminder_due(due_date=None, today=DUE, reminder_count=0, last_reminded_on=None)


@given(
    days=st.lists(st.integers(min_value=-20, max_value=60), min_size=1, max_size=80, unique=True)
)
def test_over_any_sequence_of_daily_runs_at_most_three_reminders_go_out(days):
    count, last = 0, None
    for offset in sorted(days):
        today = DUE + timedelta(days=offset)
        if _due(today, count, last):
            count, last = count + 1, today
    assert count <= REMINDER_LIMIT


@pytest.mark.django_db
class TestDailyRun:
    def _round_due_in(self, rnd, days):
        rnd.assessment.due_date = timezone.localdate() + timedelta(days=days)
        rnd.assessment.save()
        return rnd

    def test_it_reminds_both_executives_three_days_before_the_due_date(
        self, rnd, mailoutbox, django_capture_on_commit_callbacks
    ):
        self._round_due_in(rnd, 3)
        with django_capture_on_commit_callbacks(execute=True):
            assert reminders_send_due() == 2
        assert sorted(m.to[0] for m in mailoutbox) == sorted(
            r.email for r in rnd.assessment.respondents.all()
        )
        assert "are due on" in mailoutbox[0].body
        with django_capture_on_commit_callbacks(execute=True):
            assert reminders_send_due() == 0  # a second run the same day sends nothing
        assert len(mailoutbox) == 2

    def test_it_reminds_when_overdue_with_a_link_that_works(
        self, rnd, client, mailoutbox, django_capture_on_commit_callbacks
    ):
        self._round_due_in(rnd, -1)
        with django_capture_on_commit_callbacks(execute=True):
            reminders_send_due()
        message = mailoutbox[0]
        assert message.subject.startswith("Overdue:")
        import re

        path = re.search(r"https?://[^/]+(/r/\S+/)", message.body).group(1)
        assert client.get(path).status_code == 200

    def test_it_does_not_remind_early_in_the_round(self, rnd, mailoutbox):
        self._round_due_in(rnd, 10)
        assert reminders_send_due() == 0

    def test_it_never_reminds_after_submission_or_revocation(
        self, rnd, client, mailoutbox, django_capture_on_commit_callbacks
    ):
        self._round_due_in(rnd, 2)
        answer_everything(client, rnd, "ceo")
        client.post(rnd.url("ceo", "submit"), {"confirm": "yes"})
        respondent_revoke_link(respondent=rnd.respondent("ciso"), send_new=False)
        with django_capture_on_commit_callbacks(execute=True):
            assert reminders_send_due() == 0
        assert mailoutbox == []

    def test_a_reminder_queued_before_submission_is_not_sent_after_it(
        self, rnd, client, mailoutbox, django_capture_on_commit_callbacks
    ):
        invitation = respondent_remind(respondent=rnd.respondent("ceo"))
        answer_everything(client, rnd, "ceo")
        client.post(rnd.url("ceo", "submit"), {"confirm": "yes"})
        assert tasks.send_invitation(invitation.pk) is False
        assert mailoutbox == []

    def test_remind_now_stops_at_three(self, rnd, mailoutbox):
        ceo = rnd.respondent("ceo")
        for _ in range(REMINDER_LIMIT):
            respondent_remind(respondent=ceo)
        with pytest.raises(ReminderRefused, match="maximum of 3"):
            respondent_remind(respondent=ceo)
        rnd.assessment.due_date = timezone.localdate() - timedelta(days=1)
        rnd.assessment.save()
        assert reminders_send_due() == 1  # only the CISO

    def test_the_beat_schedule_runs_the_reminders_daily_and_the_sweeper(self):
        schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
        assert {"assessments.send_due_reminders", "assessments.requeue_unsent_invitations"} <= (
            schedule
        )


@pytest.mark.django_db
def test_the_sweeper_sends_an_invitation_the_broker_lost(
    rnd, mailoutbox, django_capture_on_commit_callbacks
):
    with mock.patch("assessments.invitations.enqueue_on_commit"):  # the message is lost
        invitation = invitation_queue(respondent=rnd.respondent("ceo"), kind="invitation")
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert invitations_requeue_unsent() == 1
    assert len(mailoutbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert invitations_requeue_unsent() == 0


@pytest.mark.django_db
def test_sending_is_idempotent_and_a_failed_send_leaves_no_live_token(rnd, mailoutbox):
    with mock.patch("assessments.invitations.enqueue_on_commit"):
        invitation = invitation_queue(respondent=rnd.respondent("ciso"), kind="invitation")
    with mock.patch(
        "django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("SMTP down")
    ):
        with pytest.raises(OSError):
            tasks.send_invitation.run(invitation.pk)
    invitation.refresh_from_db()
    assert invitation.token_hash is None and invitation.sent_at is None
    assert invitation.last_error == "SMTP down"
    assert tasks.send_invitation.run(invitation.pk) is True
    assert tasks.send_invitation.run(invitation.pk) is False  # redelivered: nothing more
    assert len(mailoutbox) == 1
