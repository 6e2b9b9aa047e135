"""Time the PDF report of a realistic 44-item assessment, and measure its memory.

Run from the repository root: ``.venv/bin/python bench/bench_report.py`` (or ``make bench``).
It prints:

* the median wall time of a full render over several runs in one warm process (the first,
  cold render - imports, font discovery - is printed apart);
* the app's own share of it: building the HTML (queries, scoring data, SVG charts, template),
  timed apart from WeasyPrint's parse, layout and PDF writing;
* each pack's median (full report, board brief, the CEO's and the CISO's one-pagers) over
  the same number of runs, with its CPU time (steadier than wall time on a shared machine),
  its page count and its target; with BENCH_REPORT_OUT set to a
  folder, one PDF of each pack is written there (to look at the pages);
* with ``--lang ja`` (or ``--lang de,fr,es,ja``) instead: the full report in English and in
  each language given, rendered in turn (so the machine's load falls on all alike), each
  one's median wall and CPU time over the runs, its pages and its ratio to English (the
  catalogs are compiled first);
* the peak memory (RSS high-water mark) of a separate process that sets Django up and renders
  the report once, read with ``resource.getrusage(RUSAGE_CHILDREN)`` after it exits.

Targets (issue #5, on a 2-core machine): median under 2 s, app share under 15%, peak under
300 MB. Data goes into a throwaway test database - a temporary SQLite file, or, when
DATABASE_URL is set, a ``test_<name>_bench`` database on that PostgreSQL server - dropped at
the end.
"""

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RUNS = 7
TARGET_MEDIAN_S = 2.0
# Issue #16: each pack's median render time on the 2-core development machine.
PACK_TARGETS_S = {"full": 1.5, "board": 0.5, "ceo": 0.3, "ciso": 0.3}
TARGET_APP_SHARE = 0.15
TARGET_PEAK_MB = 300


def _setup_django(media_root: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ["DEBUG"] = "false"  # DEBUG keeps every query in memory
    # With DEBUG off the settings refuse the development key: a throwaway one for the bench.
    os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 60)
    os.environ["MEDIA_ROOT"] = media_root
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def _use_database(name: str) -> None:
    """Point the default connection at the bench database (before it first connects)."""
    from django.conf import settings

    settings.DATABASES["default"]["NAME"] = name


def child(database: str, result_id: int) -> None:
    """The measured process: Django, the data, one full render, exit."""
    _setup_django(tempfile.mkdtemp(prefix="parley-bench-media-"))
    _use_database(database)
    from alignment.models import AlignmentResult
    from reports.rendering import render_pdf

    rendered = render_pdf(AlignmentResult.objects.get(pk=result_id))
    print(f"{rendered.pages} {rendered.total_ms:.0f}")


def _create_data() -> int:
    import io

    from django.core.management import call_command

    from alignment.services import assessment_score
    from assessments.models import Questionnaire
    from tests.factories import realistic_assessment

    call_command("load_question_bank", verbosity=0, stdout=io.StringIO())
    questionnaire = Questionnaire.objects.get(slug="parley-genai", version=1)
    assessment = realistic_assessment(questionnaire)
    return assessment_score(assessment_id=assessment.pk).pk


def _peak_rss_mb(database: str, result_id: int) -> tuple[float, str]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", database, str(result_id)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env=os.environ.copy(),
        timeout=300,
    )
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # kilobytes on Linux
    return peak_kb / 1024, done.stdout.strip()


def _verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def main(languages: list[str] | None = None) -> None:
    with tempfile.TemporaryDirectory(prefix="parley-bench-") as folder:
        if not os.environ.get("DATABASE_URL"):
            os.environ["SQLITE_PATH"] = str(Path(folder) / "unused.sqlite3")
        _setup_django(str(Path(folder) / "media"))
        from django.conf import settings
        from django.db import connection

        test_settings = settings.DATABASES["default"].setdefault("TEST", {})
        if connection.vendor == "sqlite":
            test_settings["NAME"] = str(Path(folder) / "bench.sqlite3")
        else:
            test_settings["NAME"] = f"test_{settings.DATABASES['default']['NAME']}_bench"
        old_name = connection.settings_dict["NAME"]
        database = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        try:
            if languages:
                _languages(_create_data(), languages)
            else:
                _run(database, connection.vendor)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)


def _run(database: str, vendor: str) -> None:
    from django.conf import settings

    from alignment.models import AlignmentResult
    from reports.rendering import render_pdf

    result_id = _create_data()
    result = AlignmentResult.objects.get(pk=result_id)
    cold = render_pdf(result)
    runs = [render_pdf(AlignmentResult.objects.get(pk=result_id)) for _ in range(RUNS)]
    total_s = statistics.median(r.total_ms for r in runs) / 1000
    html_ms = statistics.median(r.html_ms for r in runs)
    layout_ms = statistics.median(r.layout_ms for r in runs)
    share = statistics.median(r.html_ms / r.total_ms for r in runs)
    peak_mb, child_out = _peak_rss_mb(database, result_id)

    where = f"{cold.pages} pages, {settings.REPORT_PAGE_SIZE}, {vendor}"
    print(
        f"report render: median {total_s:.2f} s over {RUNS} renders "
        f"(cold first render {cold.total_ms / 1000:.2f} s); {where}"
    )
    print(
        f"report app share: {share:.1%} (HTML build {html_ms:.0f} ms: queries, charts, template;"
        f" WeasyPrint layout and PDF {layout_ms:.0f} ms)"
    )
    print(f"report peak RSS of a rendering process: {peak_mb:.0f} MB (child rendered: {child_out})")
    print(
        f"report targets: median < {TARGET_MEDIAN_S:.0f} s {_verdict(total_s < TARGET_MEDIAN_S)}, "
        f"app share < {TARGET_APP_SHARE:.0%} {_verdict(share < TARGET_APP_SHARE)}, "
        f"peak < {TARGET_PEAK_MB} MB {_verdict(peak_mb < TARGET_PEAK_MB)}"
    )
    _packs(result_id)


def _packs(result_id: int) -> None:
    """Each pack's median over RUNS renders (after one warm-up render of each)."""
    from alignment.models import AlignmentResult
    from reports.packs import RenderOptions
    from reports.rendering import render_pdf

    out = os.environ.get("BENCH_REPORT_OUT")
    for pack, target in PACK_TARGETS_S.items():
        options = RenderOptions.build(pack)
        first = render_pdf(AlignmentResult.objects.get(pk=result_id), options=options)
        if out:
            Path(out, f"{pack}.pdf").write_bytes(first.pdf)
        walls, cpus = [], []
        for _ in range(RUNS):
            cpu = time.process_time()
            rendered = render_pdf(AlignmentResult.objects.get(pk=result_id), options=options)
            cpus.append(time.process_time() - cpu)
            walls.append(rendered.total_ms / 1000)
        median_s = statistics.median(walls)
        print(
            f"report pack {pack}: median {median_s:.2f} s over {RUNS} renders "
            f"(CPU {statistics.median(cpus):.2f} s), "
            f"{first.pages} page{'s' if first.pages != 1 else ''}; "
            f"target {target} s {_verdict(median_s <= target)}"
        )


def _languages(result_id: int, languages: list[str]) -> None:
    """The full report in English and in each language, rendered in turn RUNS times (after
    one warm-up render each: fonts are found and subset the first time)."""
    import io

    from django.core.management import call_command

    from alignment.models import AlignmentResult
    from reports.packs import RenderOptions
    from reports.rendering import render_pdf

    call_command("compilemessages", verbosity=0, stdout=io.StringIO())
    order = ["en", *[lang for lang in languages if lang != "en"]]
    options = {lang: RenderOptions.build("full", language=lang) for lang in order}
    pages = {}
    for lang in order:
        pages[lang] = render_pdf(AlignmentResult.objects.get(pk=result_id), options=options[lang])
    walls: dict[str, list[float]] = {lang: [] for lang in order}
    cpus: dict[str, list[float]] = {lang: [] for lang in order}
    for _ in range(RUNS):
        for lang in order:
            cpu = time.process_time()
            rendered = render_pdf(AlignmentResult.objects.get(pk=result_id), options=options[lang])
            cpus[lang].append(time.process_time() - cpu)
            walls[lang].append(rendered.total_ms / 1000)
    english_cpu = statistics.median(cpus["en"])
    for lang in order:
        cpu = statistics.median(cpus[lang])
        print(
            f"report full in {lang}: median {statistics.median(walls[lang]):.2f} s over {RUNS} "
            f"renders (CPU {cpu:.2f} s, {cpu / english_cpu:.2f}x English), "
            f"{pages[lang].pages} pages, {len(pages[lang].pdf):,} bytes"
        )


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) == 3 and sys.argv[1] == "--lang":
        main([lang.strip() for lang in sys.argv[2].split(",") if lang.strip()])
    else:
        main()
