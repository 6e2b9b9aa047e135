"""Parsing and validation of question-bank files (JSON).

A bank file is validated as a whole before anything touches the database, and every error
names the item (or dimension) and the field, e.g. `item 3.2: field "ciso_text" is missing`.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

BANK_FOLDER = Path(__file__).parent / "data" / "question_banks"
# A bank's wording in another language lies beside it: parley-genai-v2.de.json
# (see assessments/bank_translations.py).
# The shipped banks, oldest first; `load_question_bank` without a file loads them all.
# Version 1 stays published (rounds on it keep working); new rounds take the latest.
SHIPPED_BANKS = (BANK_FOLDER / "parley-genai-v1.json", BANK_FOLDER / "parley-genai-v2.json")
DEFAULT_BANK = SHIPPED_BANKS[-1]
ANCHOR_COUNT = 5
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_DIMENSION_CODE = re.compile(r"^D\d+$")
_ITEM_CODE = re.compile(r"^\d+\.\d+$")


class BankError(ValueError):
    """A bank file that cannot be loaded; the message names the item and the field."""


@dataclass(frozen=True)
class ItemData:
    code: str
    ceo_text: str
    ciso_text: str
    scale: str
    anchors: tuple[str, ...]
    reverse: bool
    references: tuple[str, ...]
    benchmarks: tuple[str, ...]
    # Version 2: the respondent also predicts the other executive's answer to this item.
    predict: bool = False


@dataclass(frozen=True)
class FeltData:
    """The felt-alignment question asked after the last dimension (bank version 2)."""

    ceo_text: str
    ciso_text: str
    anchors: tuple[str, ...]
    scale: str = ""


@dataclass(frozen=True)
class DimensionData:
    code: str
    name: str
    description: str
    items: tuple[ItemData, ...]


@dataclass(frozen=True)
class BankData:
    slug: str
    version: int
    title: str
    description: str
    dimensions: tuple[DimensionData, ...]
    content_hash: str = field(compare=False)
    felt: FeltData | None = None
    scales: dict = field(default_factory=dict, compare=False)  # code -> the five labels

    @property
    def item_count(self) -> int:
        return sum(len(d.items) for d in self.dimensions)


def read_bank_file(path: Path | str) -> BankData:
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BankError(f"{path}: no such file") from None
    except json.JSONDecodeError as error:
        raise BankError(f"{path}: not valid JSON ({error})") from None
    return parse_bank(raw)


def parse_bank(raw) -> BankData:
    if not isinstance(raw, dict):
        raise BankError("the bank must be a JSON object")
    scales = _scales(raw)
    dimensions = _dimensions(raw, scales)
    return BankData(
        slug=_slug(raw),
        version=_version(raw),
        title=_text(raw, "title", "bank"),
        description=_text(raw, "description", "bank", required=False),
        dimensions=dimensions,
        content_hash=_hash(raw),
        felt=_felt(raw, scales),
        scales=scales,
    )


def _felt(raw: dict, scales: dict) -> FeltData | None:
    """The optional felt-alignment question: both wordings and a scale of the bank."""
    felt = raw.get("felt")
    if felt is None:
        return None
    where = "felt question"
    if not isinstance(felt, dict):
        raise BankError(f"{where}: must be an object")
    scale = _text(felt, "scale", where, limit=10)
    if scale not in scales:
        raise BankError(f'{where}: field "scale" names unknown scale "{scale}"')
    return FeltData(
        ceo_text=_text(felt, "ceo_text", where),
        ciso_text=_text(felt, "ciso_text", where),
        anchors=scales[scale],
        scale=scale,
    )


def _hash(raw) -> str:
    canonical = json.dumps(raw, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _text(obj: dict, name: str, where: str, *, required: bool = True, limit: int = 2000) -> str:
    value = obj.get(name)
    if value is None and not required:
        return ""
    if value is None:
        raise BankError(f'{where}: field "{name}" is missing')
    if not isinstance(value, str) or (required and not value.strip()):
        raise BankError(f'{where}: field "{name}" must be a non-empty string')
    if len(value) > limit:
        raise BankError(f'{where}: field "{name}" is longer than {limit} characters')
    return value.strip()


def _slug(raw: dict) -> str:
    slug = _text(raw, "slug", "bank", limit=80)
    if not _SLUG.match(slug):
        raise BankError('bank: field "slug" must be lower-case letters, digits and hyphens')
    return slug


def _version(raw: dict) -> int:
    version = raw.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise BankError('bank: field "version" must be a whole number >= 1')
    return version


def _scales(raw: dict) -> dict[str, tuple[str, ...]]:
    scales = raw.get("scales")
    if not isinstance(scales, dict) or not scales:
        raise BankError('bank: field "scales" must be an object of scale code -> five labels')
    for code, labels in scales.items():
        _check_anchors(labels, f"scale {code}", "scales")
    return {code: tuple(label.strip() for label in labels) for code, labels in scales.items()}


def _check_anchors(labels, where: str, name: str) -> None:
    if (
        not isinstance(labels, list)
        or len(labels) != ANCHOR_COUNT
        or not all(isinstance(label, str) and label.strip() for label in labels)
    ):
        raise BankError(f'{where}: field "{name}" must be a list of {ANCHOR_COUNT} labels')


def _dimensions(raw: dict, scales: dict) -> tuple[DimensionData, ...]:
    dimensions = raw.get("dimensions")
    if not isinstance(dimensions, list) or not dimensions:
        raise BankError('bank: field "dimensions" must be a non-empty list')
    parsed = tuple(_dimension(obj, index, scales) for index, obj in enumerate(dimensions, 1))
    _check_unique([d.code for d in parsed], "dimension")
    _check_unique([i.code for d in parsed for i in d.items], "item")
    return parsed


def _dimension(obj, index: int, scales: dict) -> DimensionData:
    if not isinstance(obj, dict):
        raise BankError(f"dimension #{index}: must be an object")
    code = obj.get("code")
    if not isinstance(code, str) or not _DIMENSION_CODE.match(code):
        raise BankError(f'dimension #{index}: field "code" must look like D1')
    where = f"dimension {code}"
    items = obj.get("items")
    if not isinstance(items, list) or not items:
        raise BankError(f'{where}: field "items" must be a non-empty list')
    return DimensionData(
        code=code,
        name=_text(obj, "name", where, limit=200),
        description=_text(obj, "description", where, required=False),
        items=tuple(_item(item, f"{where} item #{n}", scales) for n, item in enumerate(items, 1)),
    )


def _item(obj, fallback_where: str, scales: dict) -> ItemData:
    if not isinstance(obj, dict):
        raise BankError(f"{fallback_where}: must be an object")
    code = obj.get("code")
    if not isinstance(code, str) or not _ITEM_CODE.match(code):
        raise BankError(f'{fallback_where}: field "code" must look like 3.2')
    where = f"item {code}"
    scale = _text(obj, "scale", where, limit=10)
    if scale not in scales:
        raise BankError(f'{where}: field "scale" names unknown scale "{scale}"')
    anchors = obj.get("anchors", list(scales[scale]))
    _check_anchors(anchors, where, "anchors")
    reverse = obj.get("reverse", False)
    if not isinstance(reverse, bool):
        raise BankError(f'{where}: field "reverse" must be true or false')
    predict = obj.get("predict", False)
    if not isinstance(predict, bool):
        raise BankError(f'{where}: field "predict" must be true or false')
    return ItemData(
        code=code,
        ceo_text=_text(obj, "ceo_text", where),
        ciso_text=_text(obj, "ciso_text", where),
        scale=scale,
        anchors=tuple(label.strip() for label in anchors),
        reverse=reverse,
        references=_strings(obj, "references", where),
        benchmarks=_strings(obj, "benchmarks", where),
        predict=predict,
    )


def _strings(obj: dict, name: str, where: str) -> tuple[str, ...]:
    value = obj.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise BankError(f'{where}: field "{name}" must be a list of strings')
    return tuple(v.strip() for v in value)


def _check_unique(codes: list[str], kind: str) -> None:
    seen = set()
    for code in codes:
        if code in seen:
            raise BankError(f'{kind} {code}: field "code" is used twice')
        seen.add(code)
