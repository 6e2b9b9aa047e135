"""Bank translation files for tests: the English bank's text with a marker in front."""

import json
import shutil
from pathlib import Path

from django.core.management import call_command

from assessments.question_bank import SHIPPED_BANKS


def translation_of(bank_path: Path, language: str, marker: str) -> dict:
    """A complete translation of the bank at `bank_path`: every text `marker` + English."""
    raw = json.loads(Path(bank_path).read_text(encoding="utf-8"))

    def tr(text: str) -> str:
        return f"{marker} {text}" if text else text

    translation = {
        "language": language,
        "slug": raw["slug"],
        "version": raw["version"],
        "title": tr(raw["title"]),
        "description": tr(raw.get("description", "")),
        "scales": {code: [tr(label) for label in labels] for code, labels in raw["scales"].items()},
        "dimensions": {
            d["code"]: {"name": tr(d["name"]), "description": tr(d.get("description", ""))}
            for d in raw["dimensions"]
        },
        "items": {
            item["code"]: {"ceo_text": tr(item["ceo_text"]), "ciso_text": tr(item["ciso_text"])}
            for d in raw["dimensions"]
            for item in d["items"]
        },
    }
    if "felt" in raw:
        felt = raw["felt"]
        translation["felt"] = {"ceo_text": tr(felt["ceo_text"]), "ciso_text": tr(felt["ciso_text"])}
    return translation


def bank_with_translations(folder: Path, translations: dict, bank: Path = SHIPPED_BANKS[0]) -> Path:
    """Copy `bank` into `folder` with one file per {language: dict} beside it; returns it."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / bank.name
    shutil.copy(bank, target)
    stem = bank.name.removesuffix(".json")
    for language, content in translations.items():
        path = folder / f"{stem}.{language}.json"
        path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    return target


def load(path: Path) -> None:
    call_command("load_question_bank", str(path), verbosity=0)
