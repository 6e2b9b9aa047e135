"""Server CPU per completed questionnaire, against gunicorn (2 workers) on PostgreSQL.

Run from the repository root: ``.venv/bin/python bench/bench_questionnaire.py`` (or
``make bench``). It (re)creates the database ``parley_bench`` on the PostgreSQL server of
BENCH_DATABASE_URL (default ``postgres://postgres@127.0.0.1:5432/parley_bench``), migrates
it, creates the assessments through the services, starts gunicorn with the base settings
(DEBUG off, persistent connections as in production), and drives it from one client on
loopback that completes the questionnaires one after another as a browser with JavaScript
does: the welcome page, each of the 10 pages, one autosave per item, the review, the submit
and the read-only page it leads to.

Server CPU is the gunicorn workers' own utime + stime (/proc/<pid>/stat) before and after.
Then BENCH_BREAKDOWN more questionnaires are measured request by request (Meter), and two
floors: the cheapest request through the whole stack, and gunicorn alone serving an app
that answers "ok" (bench/hello_wsgi.py). A fixed Python loop gives the machine's speed, so
figures from different machines or days can be compared. Scoring is enqueued on a Redis broker (database 15, flushed after) when one is reachable,
so, as in production, the web workers only publish it. Without PostgreSQL it prints why and
exits 0. BENCH_QUESTIONNAIRES, BENCH_WARMUP, BENCH_BREAKDOWN and BENCH_PORT size and place
the run; BENCH_QUESTIONNAIRE (SLUG:VERSION, default the latest published version of
parley-genai) chooses the bank: version 2 adds ten predictions and the felt question, each
one more autosave (55 questions instead of 44). BENCH_LANGUAGE (e.g. ``de``, ``ja``; default
blank: English) sets every respondent's language, so the pages render in it from the
compiled catalogs (``make messages``) and the bank's translation files.
"""

import http.client
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/parley_bench"
)
BROKER_URL = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/15")
QUESTIONNAIRES = int(os.environ.get("BENCH_QUESTIONNAIRES", "300"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "20"))
BREAKDOWN = int(os.environ.get("BENCH_BREAKDOWN", "50"))  # measured request by request
PORT = int(os.environ.get("BENCH_PORT", "8765"))
BANK = os.environ.get("BENCH_QUESTIONNAIRE", "parley-genai")
LANGUAGE = os.environ.get("BENCH_LANGUAGE", "")
TARGET_MS = 50
CHOICES = ["1", "2", "3", "4", "5"] * 6 + ["dk"]
STATIC_ROOT = str(Path(tempfile.gettempdir()) / "parley-bench-static")


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or default_port), timeout=1):
            return True
    except OSError:
        return False


def _env() -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DEBUG="false",
        DATABASE_URL=DATABASE_URL,
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SECRET_KEY="bench-" + "x" * 60,
        LOG_LEVEL="ERROR",
        # The client fetches no static files; an existing folder keeps WhiteNoise quiet.
        STATIC_ROOT=STATIC_ROOT,
        PARLEY_BASE_URL=f"http://127.0.0.1:{PORT}",
        CELERY_BROKER_URL=BROKER_URL if _reachable(BROKER_URL, 6379) else "memory://",
    )
    return env


def _recreate_database(url: str = DATABASE_URL) -> str | None:
    """Drop and create the bench database; a reason string when PostgreSQL is not there."""
    try:
        import psycopg2
    except ImportError:
        return "psycopg2 is not installed"
    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        return f"unexpected database name {name!r}"
    try:
        connection = psycopg2.connect(
            host=parsed.hostname,
            port=parsed.port or 5432,
            user=parsed.username or "postgres",
            password=parsed.password or None,
            dbname="postgres",
            connect_timeout=2,
        )
    except Exception as error:
        reason = " ".join(str(error).split())
        return f"PostgreSQL at {parsed.hostname}:{parsed.port or 5432} is not reachable ({reason})"
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    return None


def _manage(*args) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=_env(),
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _setup_django():
    os.environ.update(_env())
    import django

    django.setup()


def _create_links(count: int) -> list[str]:
    """`count` respondents' raw tokens, in pairs (CEO then CISO of each assessment)."""
    from datetime import timedelta

    from django.utils import timezone

    from assessments.forms import published_questionnaires
    from assessments.invitations import link_issue
    from assessments.services import Person, assessment_create, assessment_open
    from organizations.models import Organization

    organization, _ = Organization.objects.get_or_create(
        slug="bench-org", defaults={"name": "Bench Org"}
    )
    slug, _, version = BANK.partition(":")
    banks = published_questionnaires().filter(slug=slug).order_by("-version")
    questionnaire = (banks.filter(version=int(version)) if version else banks).first()
    PAGES[:] = questionnaire.dimensions.order_by("order").values_list("code", flat=True)
    tokens = []
    for n in range((count + 1) // 2):
        assessment = assessment_create(
            organization=organization,
            questionnaire=questionnaire,
            title=f"Bench {n}",
            due_date=timezone.localdate() + timedelta(days=30),
            ceo=Person(f"ceo{n}@bench.example", language=LANGUAGE),
            ciso=Person(f"ciso{n}@bench.example", language=LANGUAGE),
        )
        assessment_open(assessment=assessment, send_invitations=False)
        for respondent in assessment.respondents.order_by("role"):
            tokens.append(link_issue(respondent=respondent))
    return tokens[:count]


_TRANSACTION = {"BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"}


def _query_counts(token: tuple[str, str]) -> dict:
    """Queries per request of one questionnaire (the second token's), measured in-process
    with the test client after a page of the first token's."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    counts = {}
    # The questionnaire's layout is read once per process (assessments.selectors); count
    # the queries of a process that has served a page already, as a running server has.
    warm_up_token, token = token
    assert client.get(_page_paths(warm_up_token)[0]).status_code == 200
    client = Client()

    def measure(label, method, path, data=None):
        with CaptureQueriesContext(connection) as captured:
            response = getattr(client, method)(path, data or {})
        assert response.status_code < 400, (label, response.status_code)
        statements = [
            q for q in captured.captured_queries if q["sql"].split()[0] not in _TRANSACTION
        ]
        counts.setdefault(label, set()).add(len(statements))
        return response

    base = f"/r/{token}/"
    welcome = measure("welcome", "get", base).content.decode()
    # the pages really are in BENCH_LANGUAGE (a typo would bench English twice)
    assert f'<html lang="{LANGUAGE or "en"}"' in welcome, "the pages are not in BENCH_LANGUAGE"
    pages = _page_paths(token)
    for path in pages:
        html = measure("questionnaire page", "get", path).content.decode()
        for code in re.findall(r'data-code="([^"]+)"', html):
            measure(
                _autosave_kind(code), "post", base + "answer/", {"question": code, "answer": "3"}
            )
    measure("review", "get", base + "review/")
    measure("submit", "post", base + "submit/", {"confirm": "yes"})
    measure("read-only page", "get", base)
    return {label: sorted(values) for label, values in counts.items()}


PAGES: list[str] = []  # the questionnaire's dimension codes, in order (read after setup)


def _autosave_kind(code: str) -> str:
    """An answer's autosave, or a prediction's or the felt question's (bank version 2; a
    prediction has its own one-statement quick path, the felt question takes the full path)."""
    return "autosave" if code[0].isdigit() and "/" not in code else "prediction autosave"


def _page_paths(token: str) -> list[str]:
    return [f"/r/{token}/topics/{code}/" for code in PAGES]


class Browser:
    """A minimal cookie-keeping HTTP client on loopback (gunicorn's sync workers close each
    connection after its response, as they do behind a proxy)."""

    def __init__(self):
        self.cookies = {}

    def request(self, method, path, data=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        connection.close()
        return response.status, content


class Meter:
    """Server CPU per kind of request: the workers' on-CPU time (/proc/<pid>/schedstat, in
    nanoseconds) from the start of one request to the start of the next. The client sends
    one request at a time, so that span holds the request and what the worker does after
    sending its response (closing the connection, Django's request_finished), and nothing of
    any other request."""

    def __init__(self, workers: list[int] | None = None):
        self.workers = workers or []
        self.ns: dict[str, int] = {}
        self.count: dict[str, int] = {}
        self._open: tuple[str, int] | None = None  # the request being measured, its start

    def _now(self) -> int:
        return sum(
            int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) for pid in self.workers
        )

    def _close(self, now: int) -> None:
        if self._open:
            kind, started = self._open
            self.ns[kind] = self.ns.get(kind, 0) + now - started
            self.count[kind] = self.count.get(kind, 0) + 1
        self._open = None

    def request(self, kind: str, browser: "Browser", *args, **kwargs):
        if self.workers:
            now = self._now()
            self._close(now)
            self._open = (kind, now)
        return browser.request(*args, **kwargs)

    def finish(self) -> None:
        time.sleep(0.2)  # let the worker finish after the last response
        self._close(self._now())

    def summary(self, questionnaires: int) -> str:
        """'kind N x M ms' for each kind, and the share of a questionnaire it makes."""
        parts = []
        for kind, total in self.ns.items():
            each = total / self.count[kind] / 1e6
            per_questionnaire = total / questionnaires / 1e6
            parts.append(
                f"{kind} {self.count[kind] / questionnaires:g} x {each:.2f} ms "
                f"= {per_questionnaire:.1f} ms"
            )
        return "; ".join(parts)


def _complete(token: str, rng: random.Random, autosave_ms: list, expected: dict, meter=None):
    meter = meter or Meter()
    browser = Browser()
    base = f"/r/{token}/"
    status, _ = meter.request("welcome", browser, "GET", base)
    assert status == 200, status
    for path in _page_paths(token):
        status, html = meter.request("page", browser, "GET", path)
        assert status == 200, (path, status)
        csrf = browser.cookies["csrftoken"]  # set by the first page with a form
        for code in re.findall(rb'data-code="([^"]+)"', html):
            code = code.decode()
            answer = rng.choice(CHOICES)
            started = time.perf_counter()
            status, body = meter.request(
                _autosave_kind(code),
                browser,
                "POST",
                base + "answer/",
                {"question": code, "answer": answer, "comment": ""},
                {"X-CSRFToken": csrf, "Accept": "application/json"},
            )
            autosave_ms.append((time.perf_counter() - started) * 1000)
            assert status == 200, (code, status, body)
            expected[(token, code)] = answer
    status, _ = meter.request("review", browser, "GET", base + "review/")
    assert status == 200
    status, _ = meter.request(
        "submit", browser, "POST", base + "submit/", {"confirm": "yes", "csrfmiddlewaretoken": csrf}
    )
    assert status == 302, status
    status, _ = meter.request("read-only", browser, "GET", base)
    assert status == 200


def _floor(workers: list[int], token: str, count: int = 1000) -> float:
    """CPU (ms) of the cheapest request through the whole stack: an autosave with a link of
    the wrong shape, refused before any query (gunicorn, middleware, CSRF, routing, JSON)."""
    browser = Browser()
    browser.request("GET", f"/r/{token}/topics/D1/")
    headers = {"X-CSRFToken": browser.cookies["csrftoken"]}
    before = _cpu_seconds(workers)
    for _ in range(count):
        browser.request("POST", "/r/not-a-link/answer/", {"question": "1.1"}, headers)
    return (_cpu_seconds(workers) - before) * 1000 / count


def _bare_gunicorn_floor(count: int = 1000) -> float:
    """CPU (ms) per request of gunicorn alone, serving a WSGI app that only answers "ok"
    (bench/hello_wsgi.py), driven by the same client: what no application can go below."""
    server = _start_gunicorn("hello_wsgi:application", cwd=ROOT / "bench", ready_path="/")
    try:
        workers = _worker_pids(server.pid)
        browser = Browser()
        for _ in range(50):
            browser.request("POST", "/", {"question": "1.1"})
        before = _cpu_seconds(workers)
        for _ in range(count):
            browser.request("POST", "/", {"question": "1.1"})
        return (_cpu_seconds(workers) - before) * 1000 / count
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def _machine_speed_ms() -> float:
    """CPU (ms) of a fixed pure-Python loop (10 million additions), best of three: figures
    from different machines, or from one machine on different days, compare through it."""
    best = float("inf")
    for _ in range(3):
        started, total = time.process_time(), 0
        for n in range(10_000_000):
            total += n
        best = min(best, time.process_time() - started)
    return best * 1000


def _worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def _cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / ticks


def _start_gunicorn(
    app: str = "config.wsgi", cwd: Path = ROOT, ready_path: str = "/healthz"
) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            app,
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=cwd,
        env=_env(),
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            connection.request("GET", ready_path)
            if connection.getresponse().status == 200 and len(_worker_pids(process.pid)) == 2:
                return process
        except OSError:
            pass
        time.sleep(0.2)
    process.terminate()
    raise SystemExit("gunicorn did not start")


def _verify(expected: dict, tokens: list[str]) -> tuple[int, int, int]:
    """(answers stored, answers differing from what was sent, respondents submitted)."""
    from assessments.models import Answer, Invitation, Respondent
    from assessments.tokens import hash_token

    by_hash = {hash_token(token): token for token in tokens}
    respondent_token = {
        respondent_id: by_hash[token_hash]
        for respondent_id, token_hash in Invitation.objects.filter(
            token_hash__in=list(by_hash)
        ).values_list("respondent_id", "token_hash")
    }
    stored, wrong = 0, 0
    rows = Answer.objects.filter(respondent_id__in=list(respondent_token)).values_list(
        "respondent_id", "question__code", "value", "dont_know", "predicted_value",
        "predicted_cant_say",
    )  # fmt: skip
    saved = []
    for respondent_id, code, value, dont_know, predicted, cant_say in rows:
        token = respondent_token[respondent_id]
        saved.append(((token, code), "dk" if dont_know else str(value)))
        if (token, f"{code}/predicted") in expected:  # bank version 2: "can't say" is "dk"
            saved.append(((token, f"{code}/predicted"), "dk" if cant_say else str(predicted)))
    felt = Respondent.objects.filter(pk__in=list(respondent_token)).values_list(
        "pk", "felt_value", "felt_cant_say"
    )
    for respondent_id, value, cant_say in felt:
        key = (respondent_token[respondent_id], "felt")
        if key in expected:
            saved.append((key, "dk" if cant_say else str(value)))
    for key, value in saved:
        stored += 1
        wrong += expected.get(key) != value
    submitted = Respondent.objects.filter(
        pk__in=list(respondent_token), submitted_at__isnull=False
    ).count()
    return stored, wrong, submitted


def _terminated(signum, frame):
    raise SystemExit(128 + signum)  # so that gunicorn is stopped on the way out


def main() -> int:
    signal.signal(signal.SIGTERM, _terminated)
    Path(STATIC_ROOT).mkdir(exist_ok=True)
    reason = _recreate_database()
    if reason:
        print(f"questionnaire bench skipped: {reason}")
        return 0
    _manage("migrate", "--noinput", "-v", "0")
    _manage("load_question_bank")
    _setup_django()
    tokens = _create_links(WARMUP + QUESTIONNAIRES + BREAKDOWN + 3)
    floor_token = tokens.pop()
    counts = _query_counts((tokens.pop(), tokens.pop()))
    breakdown = [tokens.pop() for _ in range(BREAKDOWN)]
    warmup, measured = tokens[:WARMUP], tokens[WARMUP:]

    from django.db import connections

    connections.close_all()
    server = _start_gunicorn()
    rng = random.Random(44)
    autosave_ms, expected = [], {}
    try:
        for token in warmup:
            _complete(token, rng, [], expected)
        workers = _worker_pids(server.pid)
        cpu_before = _cpu_seconds(workers)
        started = time.perf_counter()
        for token in measured:
            _complete(token, rng, autosave_ms, expected)
        wall = time.perf_counter() - started
        cpu = _cpu_seconds(workers) - cpu_before
        # Then a few more, request by request, for the breakdown (reading /proc around each
        # request slows the client, not the server, so it is kept out of the figures above).
        meter = Meter(workers)
        for token in breakdown:
            _complete(token, rng, [], expected, meter)
        meter.finish()
        floor = _floor(workers, floor_token)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        if _env()["CELERY_BROKER_URL"].startswith("redis"):
            import redis

            redis.Redis.from_url(BROKER_URL).flushdb()

    bare = _bare_gunicorn_floor()
    speed = _machine_speed_ms()
    completed = warmup + measured + breakdown
    stored, wrong, submitted = _verify(expected, completed)
    per_questionnaire = cpu * 1000 / len(measured)
    autosave_ms.sort()
    p95 = autosave_ms[int(0.95 * (len(autosave_ms) - 1))]
    items = len(expected) // len(completed)
    # welcome, each page, each autosave, review, submit, the read-only page after it
    requests = len(measured) * (1 + len(PAGES) + items + 3)
    print(
        f"questionnaire: {per_questionnaire:.1f} ms server CPU per completed {items}-item "
        "questionnaire "
        f"(target < {TARGET_MS} ms: {'met' if per_questionnaire < TARGET_MS else 'NOT met'}; "
        f"{len(measured)} questionnaires, {requests} requests, language {LANGUAGE or 'en'}, "
        f"gunicorn 2 workers, PostgreSQL, broker {_env()['CELERY_BROKER_URL'].split(':')[0]})"
    )
    print(
        f"questionnaire: autosave of one answer: median {statistics.median(autosave_ms):.2f} ms, "
        f"p95 {p95:.2f} ms (client wall time on loopback); {requests / wall:.0f} requests/s"
    )
    per_request = requests / len(measured)
    print(f"questionnaire: server CPU by request: {meter.summary(len(breakdown))}")
    print(
        f"questionnaire: framework floor {floor:.2f} ms CPU per request (no query, no template) "
        f"x {per_request:.0f} requests = {floor * per_request:.1f} ms of each questionnaire; "
        f'of it gunicorn alone (an app answering "ok") {bare:.2f} ms '
        f"x {per_request:.0f} = {bare * per_request:.1f} ms"
    )
    print(
        f"questionnaire: this machine runs a 10-million-step Python loop in {speed:.0f} ms "
        "(compare figures between machines or days through it)"
    )
    print("questionnaire: queries per request (BEGIN/COMMIT not counted): " + json.dumps(counts))
    print(
        f"questionnaire: answers stored {stored} of {len(expected)}, "
        f"{wrong} differing from what was sent; {submitted} of {len(completed)} "
        "questionnaires submitted"
    )
    if stored != len(expected) or wrong or submitted != len(completed):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
