"""The apps' import order holds, and no app reaches another from inside a function (where a
hidden import would let a cycle back in without `lint-imports` seeing the module-level graph
change)."""

import ast
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
APPS = settings.PARLEY_APPS


def _function_imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                yield node.lineno, node.module
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    yield node.lineno, alias.name


def test_it_finds_no_cross_app_import_inside_a_function():
    found = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            for line, module in _function_imports(path):
                top = module.split(".")[0]
                if top in APPS and top != app:
                    found.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert found == []


def test_the_scanner_sees_an_import_inside_a_function(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from reports.services import report_request\n")
    assert list(_function_imports(sample)) == [(2, "reports.services")]


def test_lint_imports_keeps_every_contract():
    executable = shutil.which("lint-imports") or str(Path(ROOT, ".venv/bin/lint-imports"))
    if not Path(executable).exists():
        pytest.skip("lint-imports is not installed (pip install -r requirements-dev.txt)")
    run = subprocess.run(  # noqa: S603
        [executable, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stdout[-2000:]
    assert "0 broken" in run.stdout
