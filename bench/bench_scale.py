"""Server time of the consultant's pages with thousands of client organisations.

Run from the repository root: ``.venv/bin/python bench/bench_scale.py`` (or
``make bench-scale``); ``--orgs 200 --rounds 2`` makes a quick run. It (re)creates the
database ``parley_scale`` on the PostgreSQL server of BENCH_SCALE_DATABASE_URL (default
``postgres://postgres@127.0.0.1:5432/parley_scale``; never the test database), migrates it,
loads the question bank and fills it in bulk:

- ``--orgs`` organisations, all managed by one consultant (the worst case for the
  dashboard and the portfolio), and a few other consultants with ten organisations each;
- ``--rounds`` scored rounds per organisation (three months apart), each with its CEO and
  CISO, 44 answers each (COPY), and its AlignmentResult. Each distinct answer pattern is
  scored once by the real engine (alignment.scoring) and the result reused;
- one open round half answered on every 50th organisation, a finished workshop with
  actions on every 100th.

Then, in-process with Django's test Client (logged in as the consultant, DEBUG off), each
page is requested ``--repeat`` times after one warm-up, and the table gives the median and
p95 server time, the queries of one request (BEGIN/COMMIT/SAVEPOINT not counted) and the
response size. ``--keep`` leaves the database for EXPLAIN; ``--reuse`` measures an existing
filled database without filling it again (same --orgs/--rounds). Without PostgreSQL it says
why and exits 0.
"""

import argparse
import io
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_questionnaire import STATIC_ROOT, _recreate_database  # noqa: E402

DATABASE_URL = os.environ.get(
    "BENCH_SCALE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/parley_scale"
)
PATTERNS = 64  # distinct answer patterns, each scored once by the engine
TARGET_P95_MS = 150
PASSWORD = "bench-scale-password"  # nosec B105 - a throwaway local database


def _env() -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DEBUG="false",
        # The consultant measured has no second factor enrolled: enrolment is not what the
        # bench measures (with DEBUG off Parley would otherwise send them to enrol first).
        PARLEY_REQUIRE_MFA="false",
        DATABASE_URL=DATABASE_URL,
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SECRET_KEY="bench-" + "x" * 60,
        LOG_LEVEL="ERROR",
        CELERY_BROKER_URL="memory://",
        CELERY_TASK_ALWAYS_EAGER="false",
        STATIC_ROOT=STATIC_ROOT,  # an existing folder keeps WhiteNoise quiet
    )
    return env


def _drop_database(name: str) -> None:
    """Leave no gigabytes behind. The name was checked by _recreate_database."""
    import psycopg2

    parsed = urlparse(DATABASE_URL)
    connection = psycopg2.connect(
        host=parsed.hostname,
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password or None,
        dbname="postgres",
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    connection.close()


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
    Path(STATIC_ROOT).mkdir(exist_ok=True)
    import django

    django.setup()


# --- Filling ----------------------------------------------------------------------------------


def _patterns(spec, rng: random.Random) -> list[tuple[dict, dict, dict, str]]:
    """PATTERNS answer pairs, each scored once: (ceo answers, ciso answers, result data,
    answers digest). Answers are 1..5 with a few "don't know"; the CISO's lean lower by a
    pattern-specific amount, so indices spread over every band."""
    from alignment import scoring
    from alignment.services import answers_digest

    patterns = []
    for n in range(PATTERNS):
        spread = n % 4
        ceo, ciso = {}, {}
        for item in spec.items:
            base = rng.randint(2, 5)
            ceo[item.code] = scoring.DONT_KNOW if rng.random() < 0.03 else base
            other = min(5, max(1, base - rng.randint(0, spread)))
            ciso[item.code] = scoring.DONT_KNOW if rng.random() < 0.03 else other
        data = scoring.score(spec.dimensions, spec.items, ceo, ciso)
        patterns.append((ceo, ciso, data, answers_digest({"ceo": ceo, "ciso": ciso})))
    return patterns


def _set_created(table: str, moments: dict[int, object]) -> None:
    """auto_now_add overrides what bulk_create is given: set created_at afterwards."""
    from django.db import connection

    rows = "\n".join(f"{pk}\t{moment.isoformat()}" for pk, moment in moments.items())
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_moments (id bigint, at timestamptz)")
        cursor.copy_expert("COPY bench_moments FROM STDIN", io.StringIO(rows))
        cursor.execute(
            f"UPDATE {table} t SET created_at = m.at, updated_at = m.at "  # nosec B608
            "FROM bench_moments m WHERE t.id = m.id"
        )
        cursor.execute("DROP TABLE bench_moments")


def _copy_answers(rows: list[str]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.copy_expert(
            "COPY assessments_answer (respondent_id, question_id, value, dont_know, comment, "
            "created_at, updated_at) FROM STDIN",
            io.StringIO("\n".join(rows)),
        )


def _answer_rows(respondent_id: int, answers: dict, codes: dict[str, int], at: str, limit=None):
    from alignment import scoring

    rows = []
    for code, answer in list(answers.items())[:limit]:
        dont_know = answer == scoring.DONT_KNOW
        value = r"\N" if dont_know else str(answer)
        rows.append(
            f"{respondent_id}\t{codes[code]}\t{value}\t{'t' if dont_know else 'f'}\t\t{at}\t{at}"
        )
    return rows


def fill(orgs: int, rounds: int, seed: int = 7) -> dict:
    """Fill the database; return what the measurements need (slugs, codes, the user)."""
    from django.db import transaction
    from django.utils import timezone

    from alignment.models import (
        ActionItem,
        AlignmentResult,
        WorkshopSession,
        dimension_indices_of,
        perception_summary_of,
    )
    from alignment.selectors import questionnaire_specs
    from assessments.forms import published_questionnaires
    from assessments.models import Assessment, Respondent
    from organizations.models import Membership, Organization, User

    rng = random.Random(seed)
    questionnaire = published_questionnaires().first()
    spec = questionnaire_specs([questionnaire.pk])[questionnaire.pk]
    codes = {code: pk for pk, code in spec.codes.items()}
    patterns = _patterns(spec, rng)
    now = timezone.now()
    sectors = ["Finance", "Health", "Retail", "Energy", "Public sector", "Technology"]

    with transaction.atomic():
        consultant = User.objects.create_user(email="consultant@scale.example", password=PASSWORD)
        others = [
            User.objects.create_user(email=f"other{k}@scale.example", password=PASSWORD)
            for k in range(3)
        ]
        organizations = Organization.objects.bulk_create(
            [
                Organization(
                    name=f"Client {n:05d} {sectors[n % len(sectors)]}",
                    slug=f"client-{n:05d}",
                    sector=sectors[n % len(sectors)],
                )
                for n in range(orgs)
            ],
            batch_size=2000,
        )
        memberships = [
            Membership(user=consultant, organization=o, role=Membership.Role.CONSULTANT)
            for o in organizations
        ]
        for k, other in enumerate(others):
            memberships += [
                Membership(user=other, organization=o, role=Membership.Role.CONSULTANT)
                for o in organizations[k * 10 : k * 10 + 10]
            ]
        Membership.objects.bulk_create(memberships, batch_size=5000)

        # Rounds: `rounds` scored ones per organisation, plus an open one on every 50th.
        plan = []  # (organization, round number, pattern or None for the open round)
        for n, organization in enumerate(organizations):
            for r in range(rounds):
                plan.append((organization, r, rng.randrange(PATTERNS)))
            if n % 50 == 0:
                plan.append((organization, rounds, None))
        assessments = Assessment.objects.bulk_create(
            [
                Assessment(
                    organization=o,
                    questionnaire=questionnaire,
                    title=f"Round {r + 1}",
                    status=Assessment.Status.SCORED if p is not None else Assessment.Status.OPEN,
                    created_by=consultant,
                    opened_at=now - timedelta(days=90 * (rounds - r)),
                    due_date=(now + timedelta(days=30)).date() if p is None else None,
                )
                for o, r, p in plan
            ],
            batch_size=2000,
        )
        moments = {
            a.pk: now - timedelta(days=90 * (rounds - r) + 1)
            for a, (_o, r, _p) in zip(assessments, plan, strict=True)
        }
        _set_created("assessments_assessment", moments)

        respondents = []
        for assessment, (_o, _r, p) in zip(assessments, plan, strict=True):
            submitted = moments[assessment.pk] + timedelta(days=10) if p is not None else None
            for role in (Respondent.Role.CEO, Respondent.Role.CISO):
                respondents.append(
                    Respondent(
                        assessment=assessment,
                        role=role,
                        email=f"{role}-{assessment.pk}@scale.example",
                        invited_at=moments[assessment.pk],
                        started_at=moments[assessment.pk] + timedelta(days=2)
                        if p is not None or role == Respondent.Role.CEO
                        else None,
                        submitted_at=submitted,
                    )
                )
        respondents = Respondent.objects.bulk_create(respondents, batch_size=5000)

        rows = []
        for k, (assessment, (_o, _r, p)) in enumerate(zip(assessments, plan, strict=True)):
            ceo, ciso = respondents[2 * k], respondents[2 * k + 1]
            at = (moments[assessment.pk] + timedelta(days=5)).isoformat()
            if p is None:  # the open round: the CEO half way, the CISO not started
                rows += _answer_rows(ceo.pk, patterns[0][0], codes, at, limit=22)
                continue
            rows += _answer_rows(ceo.pk, patterns[p][0], codes, at)
            rows += _answer_rows(ciso.pk, patterns[p][1], codes, at)
            if len(rows) > 200_000:
                _copy_answers(rows)
                rows = []
        _copy_answers(rows)

        results = [
            AlignmentResult(
                assessment=assessment,
                scoring_version=patterns[p][2]["scoring_version"],
                computed_at=moments[assessment.pk] + timedelta(days=10),
                alignment_index=patterns[p][2]["overall"]["alignment_index"],
                band=patterns[p][2]["overall"]["band"] or "",
                answers_digest=patterns[p][3],
                data=patterns[p][2],
                dimension_indices=dimension_indices_of(patterns[p][2]),
                perception_summary=perception_summary_of(patterns[p][2]),
            )
            for assessment, (_o, _r, p) in zip(assessments, plan, strict=True)
            if p is not None
        ]
        AlignmentResult.objects.bulk_create(results, batch_size=1000)

        latest = {}
        for assessment, (o, _r, p) in zip(assessments, plan, strict=True):
            if p is not None:
                latest[o.pk] = assessment
        dimensions = list(questionnaire.dimensions.order_by("order"))
        sessions = WorkshopSession.objects.bulk_create(
            [
                WorkshopSession(assessment=latest[o.pk], started_by=consultant, finished_at=now)
                for o in organizations[::100]
            ]
        )
        ActionItem.objects.bulk_create(
            [
                ActionItem(
                    session=session,
                    dimension=dimensions[k],
                    description=f"Agree who owns action {k + 1}",
                    owner_role=ActionItem.OwnerRole.CISO,
                    created_by=consultant,
                    status=ActionItem.Status.OPEN if k % 2 else ActionItem.Status.DONE,
                )
                for session in sessions
                for k in range(3)
            ]
        )
    from django.db import connection

    with connection.cursor() as cursor:
        # What autovacuum does to a live database: statistics, and the visibility map
        # without which no index-only scan skips the table (the portfolio's figures).
        cursor.execute("VACUUM ANALYZE")
    middle = organizations[len(organizations) // 2]
    scored = (
        Assessment.objects.filter(organization=middle, status=Assessment.Status.SCORED)
        .order_by("-created_at")
        .first()
    )
    return {"user": consultant, "organization": middle, "assessment": scored}


def existing() -> dict:
    from assessments.models import Assessment
    from organizations.models import Organization, User

    consultant = User.objects.get(email="consultant@scale.example")
    middle = Organization.objects.get(slug=f"client-{Organization.objects.count() // 2:05d}")
    scored = (
        Assessment.objects.filter(organization=middle, status=Assessment.Status.SCORED)
        .order_by("-created_at")
        .first()
    )
    return {"user": consultant, "organization": middle, "assessment": scored}


# --- Measuring --------------------------------------------------------------------------------


def _pages(world: dict) -> list[tuple[str, str]]:
    from django.urls import reverse

    org = world["organization"].slug
    code = world["assessment"].code
    round_kwargs = {"org_slug": org, "code": code}
    return [
        ("dashboard", reverse("workspace:dashboard")),
        ("dashboard search", reverse("workspace:dashboard") + "?q=02500"),
        ("dashboard page 250", reverse("workspace:dashboard") + "?page=250"),
        ("portfolio", reverse("workspace:portfolio")),
        ("organisation portfolio", reverse("workspace:organization_portfolio", args=[org])),
        ("organisation page", reverse("assessments:list", kwargs={"org_slug": org})),
        ("assessment page", reverse("assessments:detail", kwargs=round_kwargs)),
        ("results", reverse("workspace:results", kwargs=round_kwargs)),
        ("gap map", reverse("workspace:gap_map", kwargs=round_kwargs)),
        ("workshop", reverse("workspace:presenter", kwargs=round_kwargs)),
        ("trend", reverse("workspace:trend", kwargs=round_kwargs)),
        ("round xlsx", reverse("workspace:xlsx", kwargs=round_kwargs)),
        (
            "round csv (answers)",
            reverse("workspace:csv", kwargs={**round_kwargs, "table": "answers"}),
        ),
        (
            "organisation csv",
            reverse("workspace:org_csv", kwargs={"org_slug": org, "table": "answers"}),
        ),
        ("organisation xlsx", reverse("workspace:org_xlsx", args=[org])),
    ]


def _queries(captured) -> int:
    skipped = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK")
    return sum(1 for q in captured if not q["sql"].upper().startswith(skipped))


def _backend_pid(connection) -> int | None:
    """The PostgreSQL backend serving `connection`, when the server runs on this machine."""
    if urlparse(DATABASE_URL).hostname not in ("127.0.0.1", "localhost"):
        return None
    raw = connection.connection
    return raw.get_backend_pid() if raw is not None and not raw.closed else None


def _cpu_ms(pid: int | None) -> float | None:
    """CPU time used so far by this process and by the backend `pid` (Linux /proc; the
    backend's in 10 ms ticks): what requests cost whatever else the machine is running."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, TypeError):
        return None
    backend = (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")
    return 1000 * time.process_time() + backend


def _p95(values: list[float]) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]


def measure(world: dict, repeat: int) -> list[dict]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(world["user"])
    figures = []
    for name, url in _pages(world):
        response = client.get(url)  # warm-up: caches, connection, templates
        if response.status_code != 200:
            raise SystemExit(f"{name}: {url} answered {response.status_code}")
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        # captured_queries reads the connection's log, which the next request clears.
        queries = _queries(captured.captured_queries)
        times, cpu = [], []
        for _ in range(repeat):
            pid = _backend_pid(connection)
            cpu_start, start = _cpu_ms(pid), time.perf_counter()
            client.get(url)
            times.append(1000 * (time.perf_counter() - start))
            cpu_end = _cpu_ms(pid)
            # A request that opened a new connection is left out of the CPU figures.
            if None not in (cpu_start, cpu_end) and _backend_pid(connection) == pid:
                cpu.append(cpu_end - cpu_start)
        figures.append(
            {
                "page": name,
                "median": statistics.median(times),
                "p95": _p95(times),
                "queries": queries,
                "bytes": len(response.content),
                "cpu_median": statistics.median(cpu) if cpu else None,
                "cpu_p95": _p95(cpu) if cpu else None,
            }
        )
    return figures


def explain(world: dict) -> None:
    """Each page's queries with their EXPLAIN ANALYZE time and any sequential scan."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(world["user"])
    for name, url in _pages(world):
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        queries = [
            q["sql"] for q in captured.captured_queries if q["sql"].lstrip().startswith("SELECT")
        ]
        print(f"== {name}")
        for sql in queries:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN ANALYZE " + sql)  # nosec B608 - our own queries
                plan = [row[0] for row in cursor.fetchall()]
            took = plan[-1].replace("Execution Time: ", "")
            scans = sorted(
                {line.split(" on ")[1].split()[0] for line in plan if "Seq Scan" in line}
            )
            print(f"  {took:>12}  {sql[:110]}")
            if scans:
                print(f"  {'':>12}  sequential scan of {', '.join(scans)}")


def _table(figures: list[dict]) -> str:
    lines = [f"{'page':<24} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'bytes':>9}"]
    for f in figures:
        lines.append(
            f"{f['page']:<24} {f['median']:>10.1f} {f['p95']:>8.1f} {f['queries']:>8d} "
            f"{f['bytes']:>9d}"
        )
    if any(f["cpu_median"] is not None for f in figures):
        lines += ["", "CPU time of a request: this process and its PostgreSQL backend"]
        lines.append(f"{'page':<24} {'cpu median ms':>14} {'cpu p95 ms':>11}")
        for f in figures:
            if f["cpu_median"] is not None:
                lines.append(f"{f['page']:<24} {f['cpu_median']:>14.1f} {f['cpu_p95']:>11.1f}")
    return "\n".join(lines)


def _counts() -> str:
    from alignment.models import AlignmentResult
    from assessments.models import Answer, Assessment, Respondent
    from organizations.models import Organization

    return (
        f"{Organization.objects.count()} organisations, {Assessment.objects.count()} rounds "
        f"({AlignmentResult.objects.count()} scored), {Respondent.objects.count()} "
        f"respondents, {Answer.objects.count()} answers"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orgs", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=4, help="scored rounds per organisation")
    parser.add_argument("--repeat", type=int, default=20, help="measured requests per page")
    parser.add_argument("--keep", action="store_true", help="leave the database for EXPLAIN")
    parser.add_argument("--reuse", action="store_true", help="measure the existing database")
    parser.add_argument(
        "--explain", action="store_true", help="EXPLAIN ANALYZE each page's queries instead"
    )
    args = parser.parse_args(argv)
    name = urlparse(DATABASE_URL).path.lstrip("/")
    if not args.reuse:
        reason = _recreate_database(DATABASE_URL)
        if reason:
            print(f"bench_scale skipped: {reason}")
            return 0
        _manage("migrate", "--noinput")
        _manage("load_question_bank")
    _setup_django()
    if args.reuse:
        world = existing()
    else:
        start = time.perf_counter()
        world = fill(args.orgs, args.rounds)
        print(f"filled {name} in {time.perf_counter() - start:.0f} s", flush=True)
    print(_counts())
    if args.explain:
        explain(world)
        return 0
    figures = measure(world, args.repeat)
    print(_table(figures))
    slow = [f["page"] for f in figures if f["p95"] > TARGET_P95_MS]
    print(f"p95 over {TARGET_P95_MS} ms: {', '.join(slow) if slow else 'none'}")
    if not args.keep:
        from django.db import connections

        connections.close_all()
        _drop_database(name)
        print(f"dropped {name} (--keep leaves it for EXPLAIN)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
