"""The pseudo-locale check (tests/i18n/pseudo.py): every page a respondent, a consultant, an
organisation admin and the site staff see, the sign-in and error pages, and every email
(subject, text, HTML), rendered in a language whose every marked string is bracketed; any
other text that is not fixture data is a string nobody marked, and fails the test.

The data allowed on a page is read from the fixture's objects (names, bank wording, codes,
comments, addresses); the checker itself is tested at the end of this file.
"""

import re
from datetime import timedelta
from html import escape
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.shortcuts import render
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.views import defaults

from alignment.models import ActionItem
from assessments.invitations import (
    invitation_queue,
    invitation_send,
    link_issue,
    links_revoke,
    respondent_remind,
)
from assessments.lifecycle import retention_apply
from assessments.models import Answer, Assessment, Dimension, Question, Respondent
from assessments.services import respondent_submit
from config.errors import csrf_failure
from organizations.models import AuditEvent, Organization
from organizations.ratelimit import limit_from_settings
from organizations.services import colleague_invite
from organizations.views import too_many_requests
from tests.assessments.journey import Round, answer_everything
from tests.factories import (
    ActionItemFactory,
    WorkshopSessionFactory,
    assessment_with_links,
    scored_assessment,
)
from tests.services import require_executable

from .pseudo import (
    OPEN,
    PSEUDO,
    build_pseudo_locale,
    escaped_msgids,
    format_leaks,
    leaks,
    mark,
    pseudo_language,
)


@pytest.fixture(scope="session")
def pseudo_root(tmp_path_factory):
    require_executable("xgettext")  # makemessages: Debian's gettext (installed in CI)
    return tmp_path_factory.mktemp("i18n")


@pytest.fixture(scope="session")
def pseudo_locale(pseudo_root):
    return build_pseudo_locale(pseudo_root)


def test_no_marked_string_is_written_with_an_escape(pseudo_locale, pseudo_root):
    """ "CEO\\u2019s" in a Python source is extracted as typed, backslash and all, so it
    never matches the string at run time: such a string is never translated."""
    found = escaped_msgids(
        pseudo_root / "extract" / "locale" / PSEUDO / "LC_MESSAGES" / "django.po"
    )
    assert not found, "Write the character itself, not its escape:\n" + "\n".join(found)


def _bank_text(questionnaire) -> list[str]:
    """A bank's wording is data: shown in English when the language has no bank file."""
    text = [questionnaire.slug, questionnaire.title, questionnaire.description, questionnaire.felt_ceo_text,
            questionnaire.felt_ciso_text, *questionnaire.felt_anchors]  # fmt: skip
    for d in Dimension.objects.filter(questionnaire=questionnaire):
        text += [d.name, d.description, d.code]
    for q in Question.objects.filter(questionnaire=questionnaire):
        text += [q.ceo_text, q.ciso_text, q.code, *q.anchors, *q.references]
    return text


def _data(*assessments, users=()) -> list[str]:
    """Everything the fixture put on the pages that is data, not interface: read from the
    fixture's objects, never listed by hand."""
    data = ["Parley", "parley", "Pseudo", *(name for _, name in settings.LANGUAGES)]
    for assessment in assessments:
        org = assessment.organization
        data += [org.name, org.slug, org.sector, org.region, assessment.title, assessment.code]
        data += _bank_text(assessment.questionnaire)
        for r in Respondent.objects.filter(assessment=assessment):
            data += [r.name, r.email]
        data += Answer.objects.filter(respondent__assessment=assessment).values_list(
            "comment", flat=True
        )
        data += ActionItem.objects.filter(session__assessment=assessment).values_list(
            "description", flat=True
        )
    for user in users:
        data += [user.email, user.full_name]
    data += Organization.objects.values_list("name", flat=True)
    return data


def _get(client, url, status=200, **headers) -> str:
    response = client.get(url, follow=True, headers=headers)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def _mail_pages(name: str) -> dict[str, str]:
    """Each email of the outbox as pages: its subject, its text (one paragraph a line) and
    its HTML."""
    pages = {}
    for n, message in enumerate(mail.outbox):
        key = f"{name} #{n}"
        pages[f"{key}: subject"] = f"<p>{escape(message.subject)}</p>"
        pages[f"{key}: text"] = "".join(
            f"<p>{escape(line)}</p>" for line in message.body.splitlines()
        )
        for body, kind in getattr(message, "alternatives", []):
            if kind == "text/html":
                pages[f"{key}: html"] = body
    mail.outbox.clear()
    return pages


def _check(pages: dict[str, str], data: list[str]) -> None:
    """No leak on `pages`, each of which was read in the pseudo language (a page that fell
    back to English, or to a sign-in page, would prove nothing)."""
    english = [name for name, html in pages.items()
               if "<html" in html and f'<html lang="{PSEUDO}"' not in html]  # fmt: skip
    assert not english, f"not in the pseudo language: {english}"
    found = leaks(pages, data)
    print(f"{len(pages)} pages read")
    print(format_leaks(found))
    assert not found, format_leaks(found)


@pytest.fixture
def world(pseudo_locale, questionnaire_v2, organization, consultant):
    """In the pseudo language: a scored round with a previous one (a trend), a workshop
    action, and an open round whose two executives hold live links."""
    with pseudo_language(pseudo_locale):
        previous = scored_assessment(questionnaire_v2, organization=organization)
        scored = scored_assessment(questionnaire_v2, organization=organization)
        assessment, tokens = assessment_with_links(
            questionnaire_v2, organization=organization, created_by=consultant,
            due_date=timezone.localdate() + timedelta(days=14),
        )  # fmt: skip
        session = WorkshopSessionFactory(assessment=scored)
        ActionItemFactory(session=session, dimension=questionnaire_v2.dimensions.first())
        Respondent.objects.filter(assessment__organization=organization).update(language=PSEUDO)
        _speaks_pseudo(consultant)
        yield {"previous": previous, "scored": scored, "open": Round(assessment, tokens)}


def _speaks_pseudo(user):
    """A signed-in user's pages are in their own language (User.language)."""
    user.language = PSEUDO
    user.save(update_fields=["language"])


def test_no_unmarked_text_reaches_a_respondent(client, world, consultant):
    rnd, scored = world["open"], world["scored"]
    pages = {}
    for name in ("welcome", "review", "privacy"):
        pages[f"respond:{name}"] = _get(client, rnd.url("ceo", name))
    for dimension in rnd.assessment.questionnaire.dimensions.all():
        pages[f"respond:page {dimension.code}"] = _get(client, rnd.page("ceo", dimension.code))
    pages["respond:no such page"] = _get(client, rnd.page("ceo", "D99"), status=404)
    results_token = link_issue(respondent=scored.respondents.get(role="ceo"))
    # The autosave's refusals, which the questionnaire's script shows as they come.
    for name, post in {
        "no such item": {"question": "99.9", "answer": "3"},
        "not a value": {"question": "1.1", "answer": "9"},
    }.items():
        response = client.post(rnd.url("ceo", "autosave"), post)
        assert response.status_code >= 400, name
        pages[f"respond:autosave, {name}"] = f"<p>{escape(response.json()['error'])}</p>"
    pages["respond:results pending"] = _get(
        client,
        reverse("workspace:respondent_results", kwargs={"token": rnd.tokens["ceo"]}),
        status=404,
    )
    answer_everything(client, rnd, "ceo")
    pages["respond:review, all answered"] = _get(client, rnd.url("ceo", "review"))
    respondent_submit(respondent=rnd.respondent("ceo"))
    pages["respond:submitted"] = _get(client, rnd.url("ceo", "welcome"))
    pages["respondent results"] = _get(
        client, reverse("workspace:respondent_results", kwargs={"token": results_token})
    )
    # The link errors: unknown (the browser's language), withdrawn and expired (theirs).
    pages["link error: unknown"] = _get(
        client, "/r/" + "x" * 43 + "/", status=404, **{"Accept-Language": PSEUDO}
    )
    links_revoke(respondent=rnd.respondent("ciso"))
    pages["link error: withdrawn"] = _get(client, rnd.url("ciso"), status=410)
    expired = link_issue(respondent=scored.respondents.get(role="ciso"))
    Respondent.objects.filter(assessment=scored, role="ciso").update(
        token_expires_at=timezone.now() - timedelta(days=1)
    )
    Assessment.objects.filter(pk=scored.pk).update(due_date=None)
    pages["link error: expired"] = _get(
        client, reverse("respond:welcome", kwargs={"token": expired}), status=410
    )
    _check(pages, _data(world["previous"], scored, rnd.assessment, users=[consultant]))


def test_no_unmarked_text_reaches_a_consultant_or_an_admin(
    client, world, organization, consultant, org_admin, staff_user
):
    rnd, scored = world["open"], world["scored"]
    slug = organization.slug
    round_kwargs = {"org_slug": slug, "code": scored.code}
    open_kwargs = {"org_slug": slug, "code": rnd.assessment.code}
    client.force_login(consultant)
    pages = {}
    for name, url in {
        "dashboard": reverse("workspace:dashboard"),
        "portfolio": reverse("workspace:portfolio"),
        "organisation portfolio": reverse("workspace:organization_portfolio", args=[slug]),
        "assessments": reverse("assessments:list", kwargs={"org_slug": slug}),
        "new assessment": reverse("assessments:new", kwargs={"org_slug": slug}),
        "round": reverse("assessments:detail", kwargs=round_kwargs),
        "open round": reverse("assessments:detail", kwargs=open_kwargs),
        "edit executive": reverse("assessments:edit", kwargs={**open_kwargs, "role": "ciso"}),
        "erase executive": reverse("assessments:erase", kwargs={**round_kwargs, "role": "ceo"}),
        "delete round": reverse("assessments:delete", kwargs=open_kwargs),
        "deleted rounds": reverse("assessments:deleted", kwargs={"org_slug": slug}),
        "results": reverse("workspace:results", kwargs=round_kwargs),
        "results, not scored": reverse("workspace:results", kwargs=open_kwargs),
        "gap map": reverse("workspace:gap_map", kwargs=round_kwargs),
        "workshop": reverse("workspace:presenter", kwargs=round_kwargs),
        "trend": reverse("workspace:trend", kwargs=round_kwargs),
        "next round": reverse("workspace:next_round", kwargs=round_kwargs),
        "report": reverse("reports:status", kwargs={"slug": slug, "code": scored.code}),
        "actions": reverse("workspace:actions", kwargs={"org_slug": slug}),
        "members": reverse("organizations:members", kwargs={"slug": slug}),
        "new organisation": reverse("organizations:create"),
        "organisation settings": reverse("organizations:settings", kwargs={"slug": slug}),
        "language": reverse("account_language"),
        "api tokens": reverse("api_tokens"),
    }.items():
        pages[name] = _get(client, url)
    _speaks_pseudo(org_admin)
    client.force_login(org_admin)
    for name, url in {
        "audit log": reverse("organizations:audit_log", args=[slug]),
        "webhooks": reverse("api_webhooks", args=[slug]),
        "delete organisation": reverse("assessments:delete_organization", args=[slug]),
    }.items():
        pages[name] = _get(client, url)
    _speaks_pseudo(staff_user)
    client.force_login(staff_user)
    bank = rnd.assessment.questionnaire
    bank_kwargs = {"bank": bank.slug, "version": bank.version}
    for name, url in {
        "branding": reverse("branding:settings"),
        "deleted organisations": reverse("lifecycle:deleted_organizations"),
        "banks": reverse("banks:list"),
        "bank": reverse("banks:detail", kwargs=bank_kwargs),
        "bank preview": reverse("banks:preview", kwargs={**bank_kwargs, "role": "ciso"}),
    }.items():
        pages[name] = _get(client, url)
    data = _data(world["previous"], scored, rnd.assessment,
                 users=[consultant, org_admin, staff_user])  # fmt: skip
    _check(pages, data)


def test_no_unmarked_text_reaches_sign_in_error_pages_or_emails(
    client,
    world,
    organization,
    consultant,
    org_admin,
    settings,
    django_capture_on_commit_callbacks,
):
    rnd, scored = world["open"], world["scored"]
    browser = {"Accept-Language": PSEUDO}
    pages = {}
    for name, url in {
        "sign in": reverse("login"),
        "password reset": reverse("password_reset"),
        "password reset sent": reverse("password_reset_done"),
        "password reset done": reverse("password_reset_complete"),
        "password reset, bad link": reverse(
            "password_reset_confirm", kwargs={"uidb64": "MQ", "token": "x-y"}
        ),
    }.items():
        pages[name] = _get(client, url, **browser)
    pages["not found"] = _get(client, "/no-such-page/", status=404, **browser)
    request = RequestFactory().get("/", headers=browser)
    request.user = AnonymousUser()
    pages["server error"] = defaults.server_error(request).content.decode()
    pages["bad request"] = defaults.bad_request(request, Exception()).content.decode()
    pages["forbidden"] = defaults.permission_denied(request, Exception()).content.decode()
    pages["expired form"] = csrf_failure(request).content.decode()
    limit = limit_from_settings("sign-in-ip", "RATE_LIMIT_SIGN_IN_PER_IP")
    pages["too many requests"] = too_many_requests(request, limit).content.decode()
    pages["locked out"] = render(request, "registration/locked_out.html").content.decode()

    mail.outbox.clear()
    invitation_send(invitation_id=invitation_queue(respondent=rnd.respondent("ciso"),
                                                   kind="invitation").pk)  # fmt: skip
    pages |= _mail_pages("invitation email")
    invitation_send(invitation_id=respondent_remind(respondent=rnd.respondent("ciso")).pk)
    pages |= _mail_pages("reminder email")
    client.post(reverse("password_reset"), {"email": consultant.email}, headers=browser)
    link = re.search(r"https?://\S+/accounts/reset/\S+/", mail.outbox[0].body).group()
    pages |= _mail_pages("password reset email")
    pages["choose a password"] = _get(client, urlsplit(link).path, **browser)
    with django_capture_on_commit_callbacks(execute=True):
        colleague_invite(organization=organization, inviter=org_admin,
                         email="new.colleague@client.example", role="consultant")  # fmt: skip
    pages |= _mail_pages("colleague invitation email")
    settings.PARLEY_RETENTION_MONTHS = 1
    # The warning goes out in each manager's own language, else the organisation's.
    get_user_model().objects.update(language=PSEUDO)
    Organization.objects.update(report_language=PSEUDO)
    retention_apply(now=timezone.now() + timedelta(days=400))
    pages |= _mail_pages("retention warning email")
    assert {page.split(" #")[0] for page in pages if "email" in page} == {
        "invitation email", "reminder email", "password reset email",
        "colleague invitation email", "retention warning email",
    }  # fmt: skip
    data = _data(world["previous"], scored, rnd.assessment, users=[consultant, org_admin])
    data += ["new.colleague@client.example", settings.PARLEY_BASE_URL]
    # Django's password rules, worded by Django's own catalog (with their number in, so the
    # checker cannot look them up there by the text).
    data += [str(v.get_help_text()) for v in password_validation.get_default_password_validators()]
    _check(pages, data)


def test_the_pseudo_catalog_brackets_every_marked_string(pseudo_locale):
    """The machinery itself: a string marked in the source comes out bracketed."""
    from django.utils.translation import gettext

    with pseudo_language(pseudo_locale):
        assert gettext("interface language") == mark("interface language")


def test_leaks_tells_data_and_marked_text_from_unmarked_text():
    page = (
        "<html><title>⟦Results⟧</title><p>⟦Hello Dana Whitfield⟧</p><p>Dana Whitfield</p>"
        '<img alt="A chart"><p>42 %</p><p>Tue 15 December 2026</p><script>var x = "ignored";</script><p>Plain words</p>'
        "</html>"
    )
    assert leaks({"p": page}, ["Dana Whitfield"]) == [("p", "A chart"), ("p", "Plain words")]


def test_a_marked_sentence_with_inline_tags_is_one_text():
    """A sentence marked as one message keeps its link, <strong>, <code>, <kbd> inside its
    brackets: read as one text, it is not a leak."""
    page = (
        '<p>⟦Questions? Contact <a href="mailto:dana@example.com">Dana Whitfield</a> at '
        "<strong>dana@example.com</strong>, or press <kbd>Esc</kbd> and read "
        "<code>the guide</code>.⟧</p>"
        "<ul><li><span>⟦Open⟧</span> <em>⟦the gap map⟧</em></li></ul>"
    )
    assert leaks({"p": page}, ["Dana Whitfield", "dana@example.com"]) == []


def test_an_unmarked_string_is_caught_wherever_it_is_read():
    """Unmarked text in a block beside a marked sentence, in an inline element, in each
    attribute a person reads or hears, in <title>, on an input button, in the words a
    script shows (data-msg-*, data-say-*): each is caught."""
    page = (
        "<html><head><title>Sign in · Parley</title></head><body>"
        "<p>⟦Marked⟧ <a href='/x'>unmarked link</a></p>"
        '<img alt="Unmarked alt"><a title="Unmarked title" href="/">⟦ok⟧</a>'
        '<button aria-label="Unmarked label">⟦Go⟧</button>'
        '<input placeholder="Unmarked placeholder">'
        '<input type="submit" value="Unmarked submit">'
        '<form data-msg-saved="Unmarked script text" data-say-offline="⟦Offline⟧"></form>'
        "<div>⟦One⟧<div>Unmarked block</div></div>"
        "</body></html>"
    )
    assert [text for _page, text in leaks({"p": page}, ["Parley"])] == sorted([
        "Sign in · Parley", "⟦Marked⟧ unmarked link", "Unmarked alt", "Unmarked title",
        "Unmarked label", "Unmarked placeholder", "Unmarked submit", "Unmarked block",
        "Unmarked script text",
    ])  # fmt: skip


def test_attributes_that_are_not_shown_are_not_read():
    """A <button>'s value is what the form sends; name, id, href, data-* are for the
    machine: none of them is text a person reads."""
    page = (
        '<form><button name="action" value="send reminder" id="send-now" '
        'data-message="saved quietly">⟦Send⟧</button>'
        '<input type="hidden" name="next" value="back to the list">'
        '<a href="/organisations/new/">⟦New⟧</a></form>'
    )
    assert leaks({"p": page}, []) == []


def test_a_chart_line_may_be_a_piece_of_a_wrapped_name():
    """In an <svg>, a line that is a run of whole words of a datum is data (charts wrap long
    names); the same line outside a chart, or a word not in the datum, is not."""
    name = "Governance, policy & accountability"
    svg = "<svg><text>Governance, policy &amp;</text><text>accountability</text></svg>"
    assert leaks({"chart": svg}, [name]) == []
    assert leaks({"chart": "<svg><text>policy and more</text></svg>"}, [name]) == [
        ("chart", "policy and more")
    ]
    assert leaks({"page": "<p>accountability</p>"}, [name]) == [("page", "accountability")]


def test_the_audit_log_is_kept_in_english_whatever_the_executive_reads(client, world):
    """The executive reads in the pseudo language (every marked word bracketed): the records
    of their link opened, their answers submitted, their invitation sent are in English, like
    every other record of the log (an admin reads it, in any language)."""
    rnd = world["open"]
    _get(client, rnd.url("ciso", "welcome"))
    invitation_send(invitation_id=invitation_queue(respondent=rnd.respondent("ciso"),
                                                   kind="invitation").pk)  # fmt: skip
    answer_everything(client, rnd, "ciso")
    respondent_submit(respondent=rnd.respondent("ciso"))
    events = AuditEvent.objects.filter(organization=rnd.assessment.organization)
    assert events.count() >= 3
    assert all(OPEN not in e.actor_label + e.target for e in events), [
        (e.actor_label, e.target) for e in events
    ]
    assert events.filter(target__startswith="Invitation to the CISO ").exists()
