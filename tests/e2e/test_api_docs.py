"""The API's browsable docs and the tokens page in a real Chromium: Swagger UI is served
from the app's own static files (no CDN) under the site's Content Security Policy, lists the
operations, and a signed-in consultant creates a token that then reads the API."""

import re

import pytest

from tests.factories import DEFAULT_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _sign_in(page, base_url, user):
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/organisations/$"))


def test_the_docs_render_from_local_files_and_a_new_token_reads_the_api(
    page, base_url, consultant, organization
):
    from playwright.sync_api import expect

    requested = []
    page.on("request", lambda request: requested.append(request.url))
    _sign_in(page, base_url, consultant)
    page.goto(base_url + "/api/docs/")
    expect(page.get_by_text("Parley API").first).to_be_visible()
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.locator(".opblock").count() >= 20
    assert all(url.startswith(base_url) for url in requested), [
        url for url in requested if not url.startswith(base_url)
    ]
    assert page.errors == []

    page.goto(base_url + "/account/api-tokens/")
    page.get_by_label("Name").fill("Browser test")
    page.get_by_label("Organisation").select_option(organization.slug)
    page.get_by_role("button", name="Create token").click()
    raw = page.get_by_label("Token").input_value()
    assert raw.startswith("prly_")
    response = page.request.get(
        base_url + "/api/v1/organizations/", headers={"Authorization": f"Bearer {raw}"}
    )
    assert response.status == 200
    assert response.json()["results"][0]["slug"] == organization.slug
    page.reload()
    assert raw not in page.content()


def test_the_tokens_page_is_accessible(new_context, base_url, axe_source, consultant):
    from tests.e2e.test_accessibility import _violations

    page = new_context(bypass_csp=True).new_page()  # axe is injected as a script
    _sign_in(page, base_url, consultant)
    page.goto(base_url + "/account/api-tokens/")
    page.get_by_label("Name").fill("Accessibility")
    page.get_by_role("button", name="Create token").click()
    assert page.get_by_label("Token").input_value().startswith("prly_")
    assert _violations(page, axe_source) == []
