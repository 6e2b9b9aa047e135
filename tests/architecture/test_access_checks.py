"""One access check each: "this user may manage this organisation's rounds" and "this personal
link may see this". Views reach tenant data and personal links only through
`assessments.access` (and `organizations.selectors.managed_organization`, which it re-uses), so
a change to who may see what is made in one place."""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
APPS = settings.PARLEY_APPS
# The low-level lookups that only the access module (and the selectors defining them) call.
LOW_LEVEL = {"organization_for_user", "respondent_for_token", "both_submitted"}
ALLOWED = {
    "organizations/selectors.py",  # defines organization_for_user and managed_organization
    "assessments/selectors.py",  # defines respondent_for_token and both_submitted
    "assessments/access.py",  # the access checks
}


def _view_modules():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if "views" in relative and relative not in ALLOWED:
                yield relative, path


def _calls(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            func = node.func
            names.add(func.id if isinstance(func, ast.Name) else getattr(func, "attr", ""))
    return names


def test_every_view_checks_access_through_the_access_module():
    offenders = {
        relative: sorted(_calls(path) & LOW_LEVEL)
        for relative, path in _view_modules()
        if _calls(path) & LOW_LEVEL
    }
    # organizations.views checks the audit log for admins only (a stricter role list).
    offenders.pop("organizations/views.py", None)
    assert offenders == {}


def test_the_view_modules_are_found():
    found = {relative for relative, _ in _view_modules()}
    assert {"reports/views.py", "workspace/views/results.py", "workspace/views/workshop.py"} <= (
        found
    )
