"""The pseudo-locale check: which interface text reaches a page without being marked.

A pseudo catalog is built from the source as `makemessages` sees it, every msgstr being its
msgid between ⟦ and ⟧ (placeholders untouched, plural forms kept), compiled to a temporary
LOCALE_PATHS under the language code `qps`. With it active, every marked string shows its
brackets; any other text on a page is either data (names, bank wording, figures: the caller
lists it) or a string nobody marked: a leak. See docs/translations.md.

Nothing here writes into the repository: the extraction runs in a temporary folder that
links to the source folders.
"""

import calendar
import functools
import gettext as stdlib_gettext
import os
import re
from collections.abc import Iterable
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path

import django
import polib
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.test.utils import override_settings
from django.utils import translation

PSEUDO = "qps"
OPEN, CLOSE = "⟦", "⟧"
# What makemessages reads: the apps, the shared templates and config (no tests, no bench).
SOURCE_DIRS = ("config", *settings.PARLEY_APPS, "templates")
# Attributes whose text a person reads or hears; any other attribute (value, name, id, href,
# data-*) is for the machine. An <input> button's value is its label (INPUT_BUTTONS).
TEXT_ATTRIBUTES = ("alt", "aria-label", "title", "placeholder", "aria-description")
# The words a page's script shows (static/js): handed to it in data-msg-* / data-say-*.
SCRIPT_TEXT_PREFIXES = ("data-msg-", "data-say-")
INPUT_BUTTONS = ("submit", "button", "reset")
# Inline elements are part of the sentence around them: a sentence marked as one message with
# a link or a <strong> in it is one text (one ⟦…⟧), not pieces. Any other tag ends a text.
INLINE = frozenset(
    "a abbr b bdi bdo br cite code data dfn em i img kbd mark q s samp small span strong sub"
    " sup time tspan u var wbr".split()
)
HIDDEN = frozenset(("script", "style"))
_INNERMOST = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
# Dates are words Django translates itself (`|date`): month and day names are not leaks.
_CALENDAR = re.compile(
    r"\b(?:" + "|".join([*calendar.month_name[1:], *calendar.month_abbr[1:], *calendar.day_name,
    *calendar.day_abbr]) + r")\b\.?"
)  # fmt: skip
_WORD = re.compile(r"[A-Za-z]{2,}")
# A web address is machine text, never translated (a personal link's token is not fixture data
# the test can know: only its hash is stored).
_URL = re.compile(r"https?://\S+")


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
    """The text a person reads or hears on a page: each block's text (its inline content
    joined, see INLINE), the TEXT_ATTRIBUTES and an input button's value. Each piece is
    (text, in_svg): a chart's labels are lines of a wrapped name (see leaks)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pieces: list[tuple[str, bool]] = []
        self._buffer: list[str] = []
        self._hidden = 0
        self._svg = 0

    def _flush(self):
        text = " ".join("".join(self._buffer).split())
        if text:
            self.pieces.append((text, self._svg > 0))
        self._buffer = []

    def handle_starttag(self, tag, attrs):
        if tag not in INLINE:
            self._flush()
        elif tag == "br":
            self._buffer.append(" ")
        self._hidden += tag in HIDDEN
        self._svg += tag == "svg"
        shown = dict(attrs)
        for name, value in attrs:
            read = name in TEXT_ATTRIBUTES or name.startswith(SCRIPT_TEXT_PREFIXES)
            if value and value.strip() and read:
                self.pieces.append((" ".join(value.split()), self._svg > 0))
        if tag == "input" and shown.get("type") in INPUT_BUTTONS and shown.get("value"):
            self.pieces.append((shown["value"], False))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in INLINE:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag not in INLINE:
            self._flush()
        if tag in HIDDEN and self._hidden:
            self._hidden -= 1
        if tag == "svg" and self._svg:
            self._svg -= 1

    def handle_data(self, data):
        if not self._hidden:
            self._buffer.append(data)

    def close(self):
        super().close()
        self._flush()


def visible_pieces(html: str) -> list[tuple[str, bool]]:
    """(text, in_svg) for every text a person reads on `html`."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return parser.pieces


def visible_text(html: str) -> list[str]:
    return [text for text, _svg in visible_pieces(html)]


_GAP = "\x00"  # where a marked span, a datum or a date was taken out of a text


def _unmarked(text: str) -> str:
    """`text` with its bracketed parts taken out (innermost first: a marked sentence may hold
    a marked word)."""
    previous = None
    while previous != text:
        previous, text = text, _INNERMOST.sub(_GAP, text)
    return text


def _translated_elsewhere(text: str) -> bool:
    """Django's and the libraries' own strings (form errors, allauth) come with their own
    catalogs: a text that German translates is not ours to mark. Unless it is one of ours (the
    pseudo catalog brackets it): then it showing without brackets means it skipped gettext."""
    with translation.override(PSEUDO):
        if translation.gettext(text) != text:
            return False
    return any(catalog.gettext(text) != text for catalog in _library_catalogs())


@functools.cache
def _library_catalogs() -> tuple:
    """The German catalogs of Django and of the installed libraries, read with the standard
    library's gettext: not ours (LOCALE_PATHS), which translate our own strings and would
    hide a string that skipped gettext wherever the repository's catalogs are compiled."""
    ours = {"config", *settings.PARLEY_APPS}
    folders = [Path(django.__file__).parent / "conf" / "locale"]
    folders += [
        Path(app.path) / "locale"
        for app in apps.get_app_configs()
        if app.name.split(".")[0] not in ours
    ]
    return tuple(
        stdlib_gettext.translation("django", str(folder), languages=["de"], fallback=True)
        for folder in folders
        if folder.is_dir()
    )


def _has_our_words(rest: str, piece: str) -> bool:
    """Whether what is left of `piece` once marked text and data are out has words that are
    ours to mark: each stretch left (between the parts taken out) is judged on its own, so a
    library's label beside a marker ("Password" and a required field's "*") is the
    library's."""
    if _translated_elsewhere(piece.strip()):
        return False
    stretches = (" ".join(part.split()).strip(" *:·.,;()") for part in rest.split(_GAP))
    return any(_WORD.search(s) and not _translated_elsewhere(s) for s in stretches)


def _words_of(data: Iterable[str]) -> set[str]:
    """Every run of whole words of every datum: a chart wraps a long name over two or three
    lines (and ends a cut one with "…"), each line a run of its words."""
    runs = set()
    for datum in data:
        words = datum.split()
        for i in range(len(words)):
            for j in range(i + 1, len(words) + 1):
                runs.add(" ".join(words[i:j]))
    return runs


def leaks(pages: dict[str, str], data: Iterable[str]) -> list[tuple[str, str]]:
    """(page, text) for every visible text of `pages` ({name: html}) with a word outside the
    brackets that is not part of `data`. In an <svg>, a line that is a run of whole words of
    a datum is data too (a wrapped name)."""
    known = sorted({d.strip() for d in data if d and d.strip()}, key=len, reverse=True)
    runs = None
    found = []
    for name, html in pages.items():
        for piece, in_svg in visible_pieces(html):
            rest = _URL.sub(_GAP, _unmarked(piece))
            if in_svg:
                runs = _words_of(known) if runs is None else runs
                if rest.strip().rstrip("…").strip() in runs:
                    continue
            for datum in known:
                if datum in rest:
                    rest = rest.replace(datum, _GAP)
            if _has_our_words(_CALENDAR.sub(_GAP, rest), piece):
                found.append((name, piece))
    return sorted(set(found))


def format_leaks(found: list[tuple[str, str]]) -> str:
    lines = [f"{len(found)} unmarked text(s) reached a page in the pseudo-locale:"]
    lines += [f"  [{page}] {text}" for page, text in found]
    return "\n".join(lines)
