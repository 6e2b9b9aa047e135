"""`manage.py i18n_status` (make i18n-report): each language's share of strings translated."""

import polib
from django.core.management import call_command


def _catalog(folder, language, entries):
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": language}
    for msgid, msgstr, fuzzy in entries:
        po.append(polib.POEntry(msgid=msgid, msgstr=msgstr, flags=["fuzzy"] if fuzzy else []))
    target = folder / language / "LC_MESSAGES"
    target.mkdir(parents=True)
    po.save(str(target / "django.po"))


def test_it_counts_translated_strings_and_leaves_fuzzy_ones_out(settings, tmp_path, capsys):
    _catalog(
        tmp_path,
        "de",
        [("Results", "Ergebnisse", False), ("Gap map", "Lückenkarte", True), ("Round", "", False),
         ("Workshop", "Workshop", False)],
    )  # fmt: skip
    settings.LOCALE_PATHS = [tmp_path]
    call_command("i18n_status")
    out = capsys.readouterr().out
    assert "de Deutsch: 2 of 4 strings translated (50.0 %), 1 fuzzy" in out
    assert "fr Français: no catalog yet" in out
    assert "Question bank parley-genai-v2.json:" in out
