"""The pseudo-locale check (tests/i18n/pseudo.py) on what test_pseudo_locale.py does not
open: the organisation admin's pages (audit log, members, API tokens, webhooks), the site
admin's branding page, every chart and the spreadsheets' headers and sheet names.

Only the page's own content (`<main>`) is read: the shared frame (base.html) is checked by
test_pseudo_locale.py.
"""

import re

import pytest
from django.urls import reverse

from alignment import charts
from alignment.presentation.model import round_view
from alignment.spreadsheets import export_tables
from api.models import WebhookDelivery
from api.tokens import api_token_create
from api.webhooks import webhook_endpoint_create
from organizations.audit import Action, audit_record
from tests.factories import scored_assessment

from .pseudo import CLOSE, OPEN, PSEUDO, build_pseudo_locale, format_leaks, leaks, pseudo_language

_MAIN = re.compile(r"<main\b.*?</main>", re.DOTALL)


@pytest.fixture(scope="module")
def pseudo_locale(tmp_path_factory):
    return build_pseudo_locale(tmp_path_factory.mktemp("i18n-settings"))


def _main(client, url) -> str:
    """The page's <main> (the checker reads a sentence with a link in it as one text, and
    skips a <button>'s value: what the form sends, never shown)."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return _MAIN.search(response.content.decode()).group()


def _fixture_data(organization, users, *extra) -> list[str]:
    data = ["Parley", organization.name, organization.slug, *extra]
    for user in users:
        data += [user.email, user.full_name]
    return data


@pytest.mark.django_db
def test_the_admins_pages_show_no_unmarked_text(
    client, pseudo_locale, organization, org_admin, staff_user
):
    with pseudo_language(pseudo_locale):
        for user in (org_admin, staff_user):  # the pages follow the user's own language
            user.language = PSEUDO
            user.save(update_fields=["language"])
        issued = api_token_create(user=org_admin, name="CRM sync", organization=organization)
        api_token_create(user=org_admin, name="Nightly", read_only=True, expires_in_days=None)
        endpoint = webhook_endpoint_create(
            organization=organization, url="https://hooks.example.com/x", events=["report.ready"]
        )
        WebhookDelivery.objects.create(
            endpoint=endpoint, message_id="msg_1", event="report.ready", payload={}, attempts=2,
            status=WebhookDelivery.Status.RETRYING, response_status=500, response_ms=12,
        )  # fmt: skip
        audit_record(action=Action.WEBHOOK_CHANGED, actor_label="x@example.com",
                     organization=organization, target="webhook")  # fmt: skip
        client.force_login(org_admin)
        pages = {
            "members": _main(client, reverse("organizations:members", args=[organization.slug])),
            "audit log": _main(
                client, reverse("organizations:audit_log", args=[organization.slug])
            ),
            "api tokens": _main(client, reverse("api_tokens")),
            "webhooks": _main(client, reverse("api_webhooks", args=[organization.slug])),
        }
        client.force_login(staff_user)
        pages["branding"] = _main(client, reverse("branding:settings"))
    data = _fixture_data(
        organization, [org_admin, staff_user], issued.token.prefix, "CRM sync", "Nightly",
        endpoint.url, "msg_1", "report.ready", "x@example.com", "webhook",
        # The audit log's "object" column is stored text (in English), shown as it is.
        *(f"API token {token.prefix}" for token in org_admin.api_tokens.all()),
        *(token.prefix for token in org_admin.api_tokens.all()),
    )  # fmt: skip
    # Dates ("1 Dec 2026") are Django's own formats: the checker leaves month names out.
    found = leaks(pages, data)
    assert not found, format_leaks(found)


@pytest.mark.django_db
def test_charts_and_spreadsheet_headers_are_all_marked(
    pseudo_locale, questionnaire_v2, organization
):
    assessment = scored_assessment(questionnaire_v2, organization=organization)
    with pseudo_language(pseudo_locale):
        view = round_view(assessment)
        svgs = {
            "radar": view.radar_svg(),
            "bars": view.bars_svg(),
            "heatmap": view.heatmap_svg(),
            "felt": view.perception.felt_chart_svg(),
            "trend": charts.trend_chart({"D1": 50.0}, {"D1": 70.0}, names={"D1": "Strategy"}),
        }
        tables = export_tables([assessment])
        # Headers are lazy: worded when a file is written, in the language active then.
        headers = [str(column.header) for table in tables for column in table.columns]
    names = [d.name for d in questionnaire_v2.dimensions.all()]
    data = [*names, "Strategy", *(d.code for d in questionnaire_v2.dimensions.all())]
    pages = dict(svgs)  # the checker reads an SVG's <text>, <title> and <desc>
    # Wrapped dimension names print in pieces: the checker takes a chart's line that is a run
    # of a name's words as data.
    assert not leaks(pages, data), format_leaks(leaks(pages, data))
    for table in tables:
        assert table.title.startswith(OPEN) and table.title.endswith(CLOSE), table.title
    assert all(header.startswith(OPEN) for header in headers), headers
