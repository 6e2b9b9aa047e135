"""The shipped interface catalogs are complete and current, language by language.

- every entry translated: no empty msgstr (each plural form too), nothing fuzzy (Django
  ignores a fuzzy entry: the page would show English);
- the same placeholders as the English (`%(name)s`, `%s`, `{name}`): a missing or misspelt
  one raises KeyError or loses the value when the page renders;
- gettext's own `msgfmt --check` passes (header, format strings, plural forms);
- fresh: the catalog holds every msgid that `makemessages` extracts from the source today
  (run in a temporary folder, as the pseudo-locale check does), so a newly marked string that
  nobody translated fails CI instead of showing in English.

A catalog that has not landed skips its language (fails with CI=true). The counts per
language: `manage.py i18n_status` (`make i18n-report`).
"""

import re
import subprocess

import polib
import pytest

from tests.services import require_executable

from .catalogs import SHIPPED, po_path, require_catalogs
from .pseudo import extract

# %(name)s, %s, %d, %% aside; {name} for python-brace-format
_PERCENT = re.compile(
    r"%(?:\((?P<name>[^)]+)\))?[-#0 +]*\d*(?:\.\d+)?(?P<kind>[diouxXeEfFgGcrsa%])"
)
_BRACE = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)\}(?!\})")


def _catalog(language: str) -> polib.POFile:
    require_catalogs([language])
    return polib.pofile(str(po_path(language)))


def _live(po: polib.POFile):
    return [entry for entry in po if not entry.obsolete]


def _placeholders(text: str, flags: list[str]) -> list[str]:
    """The distinct placeholders of `text` (a name may be used twice, as a translation
    reorders a sentence; positional counts are msgfmt's --check-format)."""
    found = set()
    if "python-format" in flags:
        found |= {
            f"%({m['name']}){m['kind']}" if m["name"] else f"%{m['kind']}"
            for m in _PERCENT.finditer(text)
            if m["kind"] != "%"
        }
    if "python-brace-format" in flags:
        found |= {f"{{{name}}}" for name in _BRACE.findall(text)}
    return sorted(found)


def _where(entry: polib.POEntry) -> str:
    context = f"[{entry.msgctxt}] " if entry.msgctxt else ""
    return f"{context}{entry.msgid[:70]!r}"


@pytest.mark.parametrize("language", SHIPPED)
def test_every_entry_is_translated_and_none_is_fuzzy(language):
    po = _catalog(language)
    plurals = int(re.search(r"nplurals=(\d+)", po.metadata["Plural-Forms"]).group(1))
    problems = []
    for entry in _live(po):
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {_where(entry)}")
        elif entry.msgid_plural:
            forms = entry.msgstr_plural
            if len(forms) != plurals or not all(forms.values()):
                problems.append(f"plural forms missing: {_where(entry)}")
        elif not entry.msgstr:
            problems.append(f"untranslated: {_where(entry)}")
    assert len(_live(po)) > 100
    assert problems == [], f"{language}: {len(problems)} problem(s)\n" + "\n".join(problems)


@pytest.mark.parametrize("language", SHIPPED)
def test_each_translation_keeps_the_placeholders_of_its_english(language):
    problems = []
    for entry in _live(_catalog(language)):
        if entry.msgid_plural:
            # A form may leave the count out ("one page"), never bring a name of its own.
            allowed = set(_placeholders(entry.msgid, entry.flags)) | set(
                _placeholders(entry.msgid_plural, entry.flags)
            )
            for form in entry.msgstr_plural.values():
                extra = set(_placeholders(form, entry.flags)) - allowed
                if extra:
                    problems.append(f"{_where(entry)}: {sorted(extra)} not in the English")
        elif entry.msgstr and _placeholders(entry.msgstr, entry.flags) != _placeholders(
            entry.msgid, entry.flags
        ):
            problems.append(
                f"{_where(entry)}: {_placeholders(entry.msgstr, entry.flags)} instead of "
                f"{_placeholders(entry.msgid, entry.flags)}"
            )
    assert problems == [], f"{language}:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", SHIPPED)
def test_msgfmt_check_passes(language, tmp_path):
    _catalog(language)
    msgfmt = require_executable("msgfmt")
    result = subprocess.run(
        [msgfmt, "--check", "-o", str(tmp_path / "django.mo"), str(po_path(language))],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> set[tuple[str | None, str]]:
    """(msgctxt, msgid) of every string `makemessages` extracts from the source today."""
    require_executable("xgettext")
    po = polib.pofile(str(extract(tmp_path_factory.mktemp("fresh"), "de")))
    return {(entry.msgctxt, entry.msgid) for entry in po if not entry.obsolete}


@pytest.mark.parametrize("language", SHIPPED)
def test_the_catalog_holds_every_string_marked_in_the_source_today(language, extracted):
    catalog = {(entry.msgctxt, entry.msgid) for entry in _live(_catalog(language))}
    assert extracted  # the extraction found the marked strings
    absent = sorted(extracted - catalog, key=lambda key: (key[0] or "", key[1]))
    listed = "\n".join(f"  [{ctx}] {msgid!r}" if ctx else f"  {msgid!r}" for ctx, msgid in absent)
    assert absent == [], (
        f"{language}: {len(absent)} marked string(s) not in locale/{language}/LC_MESSAGES/"
        f"django.po: run `make messages-extract` and translate them\n{listed}"
    )
