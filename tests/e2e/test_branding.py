"""A site admin brands the product in the browser: the form with the keyboard-reachable
fields, a logo upload, a refused colour, and the result on the page with CSP enforced."""

import os
import re
from pathlib import Path

import pytest

from tests.branding_samples import SVG_OK, clear_branding_cache
from tests.factories import DEFAULT_PASSWORD

from .conftest import watch
from .test_accessibility import _violations

pytestmark = pytest.mark.e2e
SHOTS = os.environ.get("PARLEY_SCREENSHOTS")


@pytest.fixture(autouse=True)
def _fresh_branding():
    clear_branding_cache()
    yield
    clear_branding_cache()


def test_a_site_admin_brands_the_product(new_context, base_url, staff_user, axe_source):
    page = watch(new_context().new_page())
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email address").fill(staff_user.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/organisations/$"))
    page.get_by_role("link", name="Branding").click()
    page.get_by_label("Practice name").fill("Acme Advisory")
    page.get_by_label("Primary colour (bands and headings)").fill("#ffcc00")
    page.get_by_label("Logo").set_input_files(
        files=[{"name": "acme.svg", "mimeType": "image/svg+xml", "buffer": SVG_OK}]
    )
    page.get_by_label("Legal footer").fill("Acme Advisory LLP, registered in England")
    page.get_by_role("button", name="Save the branding").click()
    assert "has a contrast of 1.51:1 with white" in page.locator("main").inner_text()
    assert page.get_by_label("Practice name").input_value() == "Acme Advisory"  # kept
    assert [error[:4] for error in page.errors] == ["400 "]  # the refused form, as it should
    page.errors.clear()

    page.get_by_label("Primary colour (bands and headings)").fill("#0a3d62")
    page.get_by_label("Logo").set_input_files(
        files=[{"name": "acme.svg", "mimeType": "image/svg+xml", "buffer": SVG_OK}]
    )
    page.get_by_role("button", name="Save the branding").click()
    page.get_by_text("The branding is saved").wait_for()
    page.wait_for_load_state("load")
    brand = page.locator(".navbar-brand")
    assert brand.inner_text().strip() == "Acme Advisory"
    loaded = brand.locator("img").evaluate("img => img.complete && img.naturalWidth > 0")
    assert loaded, page.errors
    assert "Acme Advisory LLP, registered in England" in page.locator("footer").inner_text()
    assert page.errors == []  # the logo loads under the pages' Content-Security-Policy
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / "branding.png"), full_page=True)
    checked = new_context(bypass_csp=True).new_page()
    checked.context.add_cookies(page.context.cookies())
    checked.goto(base_url + "/settings/branding/")
    assert _violations(checked, axe_source) == []
