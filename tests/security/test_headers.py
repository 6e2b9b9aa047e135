"""What production sends: HTTPS only, HSTS, secure and HttpOnly cookies with SameSite, a
Content-Security-Policy without inline scripts, nosniff, a referrer policy, no framing.

The production settings are loaded in a fresh interpreter with the environment they require
(as tests/config/test_deploy_check.py does for `check --deploy`), and real requests go
through the whole middleware stack there. Only the static files storage is swapped: the
manifest that `collectstatic` writes at build time does not exist in a checkout.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
HOST = "parley.example.com"
ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "a-real-deployment-would-use-a-random-value-" + "x" * 40,
    "ALLOWED_HOSTS": f"{HOST},www.{HOST}",
    "DATABASE_URL": "postgres://parley@db.invalid:5432/parley",
    "CELERY_BROKER_URL": "redis://127.0.0.1:1/0",  # refused at once
}

PROBE = r"""
import json
import django
from django.test.utils import override_settings

django.setup()
from django.conf import settings
from django.test import Client

HOST = %(host)r
STATIC = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}


def summary(response):
    cookies = {
        name: {key: str(morsel[key]) for key in ("secure", "httponly", "samesite", "path")}
        for name, morsel in response.cookies.items()
    }
    return {
        "status": response.status_code,
        "headers": dict(response.headers),
        "cookies": cookies,
        "body": response.content.decode(errors="replace"),
    }


with override_settings(STORAGES={**settings.STORAGES, "staticfiles": STATIC}):
    client = Client(HTTP_HOST=HOST)
    proxied = {"HTTP_X_FORWARDED_PROTO": "https"}
    out = {
        "plain": summary(client.get("/accounts/login/?next=/organisations/")),
        "login": summary(client.get("/accounts/login/", **proxied)),
        "link": summary(client.get("/r/not-a-link/", **proxied)),
        "not_found": summary(client.get("/no-such-page/", **proxied)),
        "healthcheck": summary(Client(HTTP_HOST=HOST).get("/healthz", **proxied)),
        "bare_healthcheck": summary(Client(HTTP_HOST="127.0.0.1:8000").get("/healthz")),
        "settings": {
            name: getattr(settings, name)
            for name in (
                "DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
                "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
                "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
                "CSRF_COOKIE_SECURE", "CSRF_COOKIE_HTTPONLY", "CSRF_COOKIE_SAMESITE",
                "SESSION_COOKIE_AGE", "X_FRAME_OPTIONS", "SECURE_CONTENT_TYPE_NOSNIFF",
                "SECURE_REFERRER_POLICY", "CSRF_FAILURE_VIEW",
            )
        },
        "proxy_header": list(settings.SECURE_PROXY_SSL_HEADER),
    }
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def production() -> dict:
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    done = subprocess.run(
        [sys.executable, "-c", PROBE % {"host": HOST}],
        cwd=ROOT,
        env={**keep, **ENV},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _csp(response: dict) -> dict[str, list[str]]:
    header = response["headers"]["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def test_plain_http_is_redirected_to_https(production):
    plain = production["plain"]
    assert plain["status"] == 301
    assert plain["headers"]["Location"] == f"https://{HOST}/accounts/login/?next=/organisations/"
    assert production["proxy_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert production["settings"]["DEBUG"] is False


def test_https_responses_carry_hsts_for_a_year_with_subdomains(production):
    assert (
        production["login"]["headers"]["Strict-Transport-Security"]
        == "max-age=31536000; includeSubDomains; preload"
    )


@pytest.mark.parametrize("page", ["login", "link", "not_found"])
def test_every_page_gets_the_security_headers(production, page):
    response = production[page]
    headers = response["headers"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    csp = _csp(response)
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"] and csp["form-action"] == ["'self'"]


@pytest.mark.parametrize("page", ["login", "link"])
def test_scripts_come_only_from_the_app_itself(production, page):
    csp = _csp(production[page])
    assert csp["script-src"] == ["'self'"]
    for directive in ("script-src", "default-src", "connect-src"):
        assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "https:"} & set(
            csp[directive]
        ), directive


def test_cookies_are_secure_httponly_and_same_site(production):
    csrf = production["login"]["cookies"]["csrftoken"]
    assert csrf["secure"] == "True" and csrf["httponly"] == "True"
    assert csrf["samesite"] == "Lax"
    settings = production["settings"]
    assert settings["SESSION_COOKIE_SECURE"] and settings["SESSION_COOKIE_HTTPONLY"]
    assert settings["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert settings["CSRF_COOKIE_SECURE"] and settings["CSRF_COOKIE_HTTPONLY"]
    assert settings["SESSION_COOKIE_AGE"] == 12 * 60 * 60


def test_respondent_pages_are_not_indexed_or_cached(production):
    headers = production["link"]["headers"]
    assert production["link"]["status"] == 404
    assert headers["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in headers["Cache-Control"]


def test_an_error_page_is_the_friendly_one(production):
    not_found = production["not_found"]
    assert not_found["status"] == 404
    assert "Page not found" in not_found["body"]
    assert "/no-such-page/" not in not_found["body"]  # the path is not echoed (links are keys)
    assert "Traceback" not in not_found["body"] and "URLconf" not in not_found["body"]
    assert production["settings"]["CSRF_FAILURE_VIEW"] == "config.errors.csrf_failure"


def test_the_health_check_the_containers_send_is_not_redirected(production):
    """The compose healthcheck sends the proxy's headers; without them the production
    settings answer a bare http://127.0.0.1 request with a redirect or a 400."""
    assert production["healthcheck"]["status"] in (200, 503)  # not 301, not 400
    assert production["bare_healthcheck"]["status"] in (301, 400)
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    command = compose["services"]["web"]["healthcheck"]["test"][-1]
    assert '"X-Forwarded-Proto": "https"' in command
    assert 'os.environ["ALLOWED_HOSTS"]' in command
    compile(command, "healthcheck", "exec")
