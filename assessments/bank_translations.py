"""A question bank in other languages: the files beside a bank, `<bank>.<lang>.json`.

    {"language": "de", "slug": "parley-genai", "version": 2,
     "title": "…", "description": "…",
     "scales": {"A": ["…five anchors, values 1..5…"], …},
     "dimensions": {"D1": {"name": "…", "description": "…"}, …},
     "items": {"1.1": {"ceo_text": "…", "ciso_text": "…"}, …},
     "felt": {"ceo_text": "…", "ciso_text": "…"}}

A file that is not a translation of its bank (another slug, version or language, a code or
field the English bank does not have, a value of the wrong type) is refused with a message
naming the item and the field. A field the English bank has and the file lacks is not an
error when loading: the English text is shown for it, the admin's bank view flags it, and
`missing` lists it (the test of the shipped languages requires it empty). Translations are
not part of the bank's content hash: they may be added or corrected on a published bank.
"""

import json
import re
from dataclasses import dataclass
from pathlib import Path

from .question_bank import ANCHOR_COUNT, BankData, BankError

_FILE_NAME = re.compile(r"^(?P<stem>.+)\.(?P<language>[a-z]{2,3})\.json$")
_TOP_FIELDS = {
    "language", "slug", "version", "title", "description", "scales", "dimensions", "items",
    "felt",
}  # fmt: skip
_DIMENSION_FIELDS = ("name", "description")
_ITEM_FIELDS = ("ceo_text", "ciso_text", "anchors")
_FELT_FIELDS = ("ceo_text", "ciso_text", "anchors")


@dataclass(frozen=True)
class BankTranslation:
    """One language's wording of a bank, in the shape the models store (`translations`)."""

    language: str
    questionnaire: dict  # title, description, felt_ceo_text, felt_ciso_text, felt_anchors
    dimensions: dict  # dimension code -> {name, description}
    questions: dict  # item code -> {ceo_text, ciso_text, anchors}
    missing: tuple[str, ...] = ()  # what shows in English, e.g. 'item 3.2: field "ciso_text" …'


def translation_files(bank_path: Path | str) -> list[tuple[str, Path]]:
    """(language, path) of each translation beside a bank file, by language."""
    bank_path = Path(bank_path)
    stem = bank_path.name.removesuffix(".json")
    found = []
    for path in sorted(bank_path.parent.glob(f"{stem}.*.json")):
        match = _FILE_NAME.match(path.name)
        if match and match["stem"] == stem:
            found.append((match["language"], path))
    return found


def read_translation_file(path: Path | str, bank: BankData, language: str) -> BankTranslation:
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return parse_translation(raw, bank, language)
    except json.JSONDecodeError as error:
        raise BankError(f"{path.name}: not valid JSON ({error})") from None
    except BankError as error:
        raise BankError(f"{path.name}: {error}") from None


def parse_translation(raw, bank: BankData, language: str) -> BankTranslation:
    if not isinstance(raw, dict):
        raise BankError("the translation must be a JSON object")
    _check_identity(raw, bank, language)
    missing: list[str] = []
    scales = _scales(raw, bank, missing)
    english = {"title": bank.title, "description": bank.description}
    questionnaire = _texts(raw, english, "bank")
    missing += _missing(questionnaire, english, "bank")
    questionnaire |= _felt(raw, bank, scales, missing)
    dimensions = _dimensions(raw, bank, missing)
    questions = _items(raw, bank, scales, missing)
    return BankTranslation(language, questionnaire, dimensions, questions, tuple(missing))


def _check_identity(raw: dict, bank: BankData, language: str) -> None:
    unknown = sorted(set(raw) - _TOP_FIELDS)
    if unknown:
        raise BankError(f'bank: field "{unknown[0]}" is not a field of a bank translation')
    if raw.get("language") != language:
        raise BankError(f'bank: field "language" must be "{language}", as the file name says')
    if raw.get("slug") != bank.slug or raw.get("version") != bank.version:
        raise BankError(
            f'bank: fields "slug" and "version" must be "{bank.slug}" and {bank.version}, '
            "those of the bank beside it"
        )


def _object(raw: dict, name: str, where: str) -> dict:
    value = raw.get(name, {})
    if not isinstance(value, dict):
        raise BankError(f'{where}: field "{name}" must be an object')
    return value


def _string(obj: dict, name: str, where: str) -> str:
    value = obj.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BankError(f'{where}: field "{name}" must be a string')
    return value.strip()


def _anchors(obj: dict, name: str, where: str) -> list[str] | None:
    value = obj.get(name)
    if value is None:
        return None
    if (
        not isinstance(value, list)
        or len(value) != ANCHOR_COUNT
        or not all(isinstance(label, str) and label.strip() for label in value)
    ):
        raise BankError(f'{where}: field "{name}" must be a list of {ANCHOR_COUNT} labels')
    return [label.strip() for label in value]


def _texts(obj: dict, english: dict, where: str) -> dict:
    """The translated text fields of `obj` among those of `english` (empty ones left out)."""
    return {name: text for name in english if (text := _string(obj, name, where))}


def _refuse_unknown_fields(obj: dict, allowed, where: str) -> None:
    unknown = sorted(set(obj) - set(allowed))
    if unknown:
        raise BankError(f'{where}: field "{unknown[0]}" is not a translatable field')


def _missing(translated: dict, english: dict, where: str) -> list[str]:
    return [
        f'{where}: field "{name}" is missing'
        for name, text in english.items()
        if text and name not in translated
    ]


def _unknown_codes(given: dict, known, kind: str) -> None:
    extra = sorted(set(given) - set(known))
    if extra:
        raise BankError(f"{kind} {extra[0]}: not in the English bank")


def _scales(raw: dict, bank: BankData, missing: list[str]) -> dict:
    given = _object(raw, "scales", "bank")
    _unknown_codes(given, bank.scales, "scale")
    scales = {}
    for code in bank.scales:
        labels = _anchors(given, code, f"scale {code}")
        if labels is None:
            missing.append(f"scale {code}: its five labels are missing")
        else:
            scales[code] = labels
    return scales


def _felt(raw: dict, bank: BankData, scales: dict, missing: list[str]) -> dict:
    given = raw.get("felt")
    if bank.felt is None:
        if given is not None:
            raise BankError("felt question: not in the English bank")
        return {}
    where = "felt question"
    given = _object(raw, "felt", "bank")
    _refuse_unknown_fields(given, _FELT_FIELDS, where)
    english = {"ceo_text": bank.felt.ceo_text, "ciso_text": bank.felt.ciso_text}
    texts = _texts(given, english, where)
    missing += _missing(texts, english, where)
    felt = {f"felt_{name}": text for name, text in texts.items()}
    anchors = _anchors(given, "anchors", where) or scales.get(bank.felt.scale)
    if anchors:
        felt["felt_anchors"] = anchors
    return felt


def _dimensions(raw: dict, bank: BankData, missing: list[str]) -> dict:
    given = _object(raw, "dimensions", "bank")
    _unknown_codes(given, [d.code for d in bank.dimensions], "dimension")
    dimensions = {}
    for dimension in bank.dimensions:
        where = f"dimension {dimension.code}"
        english = {"name": dimension.name, "description": dimension.description}
        if dimension.code not in given:
            missing.append(f"{where}: missing")
            continue
        obj = _object(given, dimension.code, "bank")
        _refuse_unknown_fields(obj, _DIMENSION_FIELDS, where)
        texts = _texts(obj, english, where)
        missing += _missing(texts, english, where)
        if texts:
            dimensions[dimension.code] = texts
    return dimensions


def _items(raw: dict, bank: BankData, scales: dict, missing: list[str]) -> dict:
    given = _object(raw, "items", "bank")
    items = [item for dimension in bank.dimensions for item in dimension.items]
    _unknown_codes(given, [item.code for item in items], "item")
    questions = {}
    for item in items:
        where = f"item {item.code}"
        if item.code not in given:
            missing.append(f"{where}: missing")
            continue
        obj = _object(given, item.code, "bank")
        _refuse_unknown_fields(obj, _ITEM_FIELDS, where)
        english = {"ceo_text": item.ceo_text, "ciso_text": item.ciso_text}
        texts = _texts(obj, english, where)
        missing += _missing(texts, english, where)
        anchors = _anchors(obj, "anchors", where)
        if anchors is None and tuple(bank.scales.get(item.scale, ())) == item.anchors:
            anchors = scales.get(item.scale)  # the item uses its scale's labels
        elif anchors is None:
            missing.append(f'{where}: field "anchors" is missing (the item has its own)')
        if anchors:
            texts["anchors"] = anchors
        if texts:
            questions[item.code] = texts
    return questions


def untranslated_fields(translations: dict, english: dict, language: str) -> list[str]:
    """The fields of one row (`english`: field -> text) that show in English in `language`
    for want of a translation (the admin's bank view)."""
    given = (translations or {}).get(language, {})
    return [name for name, text in english.items() if text and not given.get(name)]
