"""The pseudo-locale check: which interface text reaches a page without being marked.

A pseudo catalog is built from the source as `makemessages` sees it, every msgstr being its
msgid between ⟦ and ⟧ (placeholders untouched, plural forms kept), compiled to a temporary
LOCALE_PATHS under the language code `qps`. With it active, every marked string shows its
brackets; any other text on a page is either data (names, bank wording, figures: the caller
lists it) or a string nobody marked: a leak. See docs/translations.md.

Nothing here writes into the repository: the extraction runs in a temporary folder that
links to the source folders.
"""

import os
import re
from collections.abc import Iterable
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command
from django.test.utils import override_settings
from django.utils import translation

PSEUDO = "qps"
OPEN, CLOSE = "⟦", "⟧"
# What makemessages reads: the apps, the shared templates and config (no tests, no bench).
SOURCE_DIRS = (
    "config",
    "organizations",
    "assessments",
    "alignment",
    "reports",
    "workspace",
    "api",
    "templates",
)
# Attributes whose text a person reads or hears.
TEXT_ATTRIBUTES = ("alt", "aria-label", "title", "placeholder", "aria-description")
_INNERMOST = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
_WORD = re.compile(r"[A-Za-z]{2,}")


def extract(workdir: Path, locale: str = PSEUDO) -> Path:
    """Run makemessages for `locale` over the source, in `workdir`; return the .po file."""
    workdir.mkdir(parents=True, exist_ok=True)
    for name in SOURCE_DIRS:
        link = workdir / name
        if not link.exists():
            link.symlink_to(Path(settings.BASE_DIR) / name, target_is_directory=True)
    locale_dir = workdir / "locale"
    locale_dir.mkdir(exist_ok=True)
    here = os.getcwd()
    os.chdir(workdir)  # makemessages walks the current folder
    try:
        with override_settings(LOCALE_PATHS=[locale_dir]):
            call_command(
                "makemessages", locale=[locale], symlinks=True, no_obsolete=True,
                ignore_patterns=["locale", "static", "migrations"], verbosity=0,
            )  # fmt: skip
    finally:
        os.chdir(here)
    return locale_dir / locale / "LC_MESSAGES" / "django.po"


def mark(text: str) -> str:
    return f"{OPEN}{text}{CLOSE}"


def pseudo_catalog(po_path: Path) -> polib.POFile:
    """The catalog of `po_path` with every entry "translated" to its bracketed msgid."""
    po = polib.pofile(str(po_path))
    po.metadata["Plural-Forms"] = "nplurals=2; plural=(n != 1);"
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    for entry in po:
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        if entry.msgid_plural:
            entry.msgstr_plural = {0: mark(entry.msgid), 1: mark(entry.msgid_plural)}
        else:
            entry.msgstr = mark(entry.msgid)
    return po


def escaped_msgids(po_path: Path) -> list[str]:
    """Marked strings written with a Python escape ("\\u2019", "\\N{…}", "\\xa0"): xgettext
    keeps the escape as typed, so the catalog's msgid never equals the string at run time
    and it is never translated. Write the character itself instead."""
    escape = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|N\{|x[0-9a-fA-F]{2})")
    found = []
    for entry in polib.pofile(str(po_path)):
        if escape.search(entry.msgid) or escape.search(entry.msgid_plural or ""):
            where = ", ".join(f"{path}:{line}" for path, line in entry.occurrences)
            found.append(f"{where}: {entry.msgid!r}")
    return found


def build_pseudo_locale(root: Path) -> Path:
    """Build and compile the pseudo catalog under `root`; return its LOCALE_PATHS entry."""
    po_path = extract(root / "extract")
    locale_path = root / "pseudo-locale"
    target = locale_path / PSEUDO / "LC_MESSAGES"
    target.mkdir(parents=True, exist_ok=True)
    catalog = pseudo_catalog(po_path)
    catalog.metadata_is_fuzzy = False
    catalog.save(str(target / "django.po"))
    catalog.save_as_mofile(str(target / "django.mo"))
    return locale_path


@contextmanager
def pseudo_language(locale_path: Path):
    """Make `qps` a language of the site (LocaleMiddleware accepts it) and activate it."""
    languages = [*settings.LANGUAGES, (PSEUDO, "Pseudo")]
    with override_settings(LOCALE_PATHS=[locale_path, *settings.LOCALE_PATHS], LANGUAGES=languages):
        with translation.override(PSEUDO):
            yield


class _Text(HTMLParser):
    """The text a person reads or hears on a page: text nodes and the TEXT_ATTRIBUTES."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if value and (name in TEXT_ATTRIBUTES or (name == "value" and tag == "button")):
                self.pieces.append(value)
            if tag == "input" and name == "value" and ("type", "submit") in attrs and value:
                self.pieces.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.pieces.append(data)


def visible_text(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return [" ".join(piece.split()) for piece in parser.pieces]


def _unmarked(text: str) -> str:
    """`text` without its bracketed parts (innermost first: a marked sentence may hold a
    marked word)."""
    previous = None
    while previous != text:
        previous, text = text, _INNERMOST.sub(" ", text)
    return text


def _translated_elsewhere(text: str) -> bool:
    """Django's and the libraries' own strings (form errors, allauth) come with their own
    catalogs: a text that German translates is not ours to mark."""
    with translation.override("de"):
        return translation.gettext(text) != text


def leaks(pages: dict[str, str], data: Iterable[str]) -> list[tuple[str, str]]:
    """(page, text) for every visible text of `pages` ({name: html}) with a word outside the
    brackets that is not part of `data`."""
    known = sorted({d.strip() for d in data if d and d.strip()}, key=len, reverse=True)
    found = []
    for name, html in pages.items():
        for piece in visible_text(html):
            rest = _unmarked(piece)
            for datum in known:
                if datum in rest:
                    rest = rest.replace(datum, " ")
            if _WORD.search(rest) and not _translated_elsewhere(piece.strip()):
                found.append((name, piece))
    return sorted(set(found))


def format_leaks(found: list[tuple[str, str]]) -> str:
    lines = [f"{len(found)} unmarked text(s) reached a page in the pseudo-locale:"]
    lines += [f"  [{page}] {text}" for page, text in found]
    return "\n".join(lines)
