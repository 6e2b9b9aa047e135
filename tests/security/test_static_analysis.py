"""`bandit` finds no medium or high issue in the project's code (as `make lint` runs it)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["config", "organizations", "assessments", "alignment", "reports"]


def test_bandit_reports_no_medium_or_high_finding():
    done = subprocess.run(
        [sys.executable, "-m", "bandit", "-q", "-ll", "-c", "pyproject.toml", "-r", *PACKAGES],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


def test_make_lint_runs_bandit_on_the_same_packages():
    makefile = (ROOT / "Makefile").read_text()
    assert "bandit -q -ll -c pyproject.toml -r " + " ".join(PACKAGES) in makefile
