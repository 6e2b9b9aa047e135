"""The shipped interface catalogs (locale/<lang>/LC_MESSAGES/django.po) for tests that read
real translations.

`require_catalogs()` (call it first in a test or fixture) compiles each shipped language's
catalog when its .mo is missing or older than the .po (`make test` compiles them
too; a direct pytest run may not have) and drops Django's cached catalogs so the new ones
are read. A catalog that is not there skips the test with a one-line reason, and fails it
with CI=true (tests.services.missing).

`translated(language, msgid)` is what a page in `language` shows for `msgid`: the tests take
the expected wording from the catalog, never write a translation out, and check it is not the
English (an untranslated string would prove nothing).
"""

import subprocess
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import trans_real

from tests.services import missing, require_executable

LOCALE = Path(settings.BASE_DIR) / "locale"
SHIPPED = [code for code, _name in settings.LANGUAGES if code != "en"]


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "django.po"


def require_catalogs(languages=SHIPPED) -> None:
    msgfmt = require_executable("msgfmt")
    compiled = False
    for language in languages:
        po = po_path(language)
        if not po.exists():
            missing(f"needs the {language} catalog at {po.relative_to(LOCALE.parent)}")
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            subprocess.run([msgfmt, "--check-format", "-o", str(mo), str(po)], check=True)
            compiled = True
    if compiled:
        # What Django's autoreloader does when a .mo changes (translation_file_changed).
        trans_real._translations = {}
        trans_real._default = None
        trans_real._active = trans_real.Local()


def in_language(language: str, msgid: str) -> str:
    """The catalog's `msgid` in `language`, which may be the English itself ("Organisation"
    in French): for checking a list of words, with `translated` on those that differ."""
    with translation.override(language):
        return translation.gettext(msgid)


def translated(language: str, msgid: str) -> str:
    text = in_language(language, msgid)
    assert text != msgid, f"{language}: {msgid!r} is not translated in the catalog"
    return text


def translated_plural(language: str, singular: str, plural: str, n: int) -> str:
    with translation.override(language):
        text = translation.ngettext(singular, plural, n)
    assert text not in (singular, plural), f"{language}: {singular!r} is not translated"
    return text
