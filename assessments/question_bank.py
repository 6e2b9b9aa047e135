"""Parsing and validation of question-bank files (JSON).

A bank file is validated as a whole before anything touches the database, and every error
names the item (or dimension) and the field, e.g. `item 3.2: field "ciso_text" is missing`.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext

BANK_FOLDER = Path(__file__).parent / "data" / "question_banks"
# A bank's wording in another language lies beside it: parley-genai-v2.de.json
# (see assessments/bank_translations.py).
# The shipped banks, oldest first; `load_question_bank` without a file loads them all.
# Version 1 stays published (rounds on it keep working); new rounds take the latest.
SHIPPED_BANKS = (BANK_FOLDER / "parley-genai-v1.json", BANK_FOLDER / "parley-genai-v2.json")
DEFAULT_BANK = SHIPPED_BANKS[-1]
SHIPPED_SLUG = "parley-genai"  # new rounds default to its latest published version
ANCHOR_COUNT = 5
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_DIMENSION_CODE = re.compile(r"^D\d+$")
_ITEM_CODE = re.compile(r"^\d+\.\d+$")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a bank: where (e.g. "item 3.2"), which field, and why."""

    where: str
    field: str
    reason: str

    def __str__(self) -> str:
        if not self.field:
            return f"{self.where}: {self.reason}"
        return gettext('%(where)s: field "%(field)s" %(reason)s') % {
            "where": self.where,
            "field": self.field,
            "reason": self.reason,
        }


class BankError(ValueError):
    """A bank file that cannot be loaded; the message names the item and the field.

    `problems` lists every problem found (a bank is validated as a whole, so the person who
    fixes the file sees all of them at once); the message is the first one, or all of them
    one a line."""

    def __init__(self, message: str = "", *, problems: list[Problem] | None = None):
        self.problems = list(problems) if problems else [Problem(message, "", "")]
        if problems:
            message = "\n".join(str(problem) for problem in self.problems)
        super().__init__(message)


def _fail(where: str, name: str, reason: str):
    raise BankError(problems=[Problem(where, name, reason)])


class _Problems:
    """Collects the problems of a whole bank: each check runs, a failed one gives a stand-in
    value, and the bank is refused at the end with everything that is wrong."""

    def __init__(self):
        self.found: list[Problem] = []

    def run(self, check, *args, default=None, **kwargs):
        try:
            return check(*args, **kwargs)
        except BankError as error:
            self.found.extend(error.problems)
            return default


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
    # The bank's scale code the anchors come from (files keep it; the database keeps only the
    # anchors, so a bank read back from the database may not know it).
    scale: str = field(default="", compare=False)


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
    # The bank's wording in other languages, as data: {lang: {"title", "description",
    # "scales": {code: [5 anchors]}, "dimensions": {code: {"name", "description"}},
    # "items": {code: {"ceo_text", "ciso_text", "anchors"}}, "felt": {...}}} - the shape of
    # a `<slug>-v<N>.<lang>.json` file. Not part of content_hash (see docs/question-banks.md).
    translations: dict = field(default_factory=dict)
    scales: dict = field(default_factory=dict, compare=False)  # code -> the five labels

    @property
    def item_count(self) -> int:
        return sum(len(d.items) for d in self.dimensions)

    @property
    def items(self) -> tuple[ItemData, ...]:
        return tuple(item for d in self.dimensions for item in d.items)


def read_bank_file(path: Path | str) -> BankData:
    """A bank from a file: JSON (`.json`) or a spreadsheet (`.xlsx`, see bank_xlsx)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        raise BankError(f"{path}: no such file") from None
    return read_bank_bytes(data, path.name, label=str(path))


def read_bank_bytes(data: bytes, name: str, *, label: str = "") -> BankData:
    """A bank from an uploaded or read file; its name's ending says the format."""
    from . import bank_xlsx  # the spreadsheet format builds on this module

    if name.lower().endswith(".xlsx"):
        return bank_xlsx.read_bank_xlsx(data)
    if len(data) > bank_xlsx.MAX_BYTES:
        raise BankError(
            gettext("The file is larger than %(limit)s MB.")
            % {"limit": bank_xlsx.MAX_BYTES // 1024 // 1024}
        )
    try:
        raw = json.loads(data.decode("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise BankError(
            gettext("%(file)s: not valid JSON (%(error)s)")
            % {"file": label or name, "error": error}
        ) from None
    return parse_bank(raw)


def parse_bank(raw, *, translations: dict | None = None) -> BankData:
    """Validate a bank as a whole; BankError lists every problem found."""
    if not isinstance(raw, dict):
        raise BankError("the bank must be a JSON object")
    problems = _Problems()
    scales = problems.run(_scales, raw, problems, default={})
    dimensions = problems.run(_dimensions, raw, scales, problems, default=())
    bank = BankData(
        slug=problems.run(_slug, raw, default=""),
        version=problems.run(_version, raw, default=0),
        title=problems.run(_text, raw, "title", "bank", default=""),
        description=problems.run(_text, raw, "description", "bank", required=False, default=""),
        dimensions=dimensions,
        content_hash=_hash(raw),
        felt=problems.run(_felt, raw, scales, problems),
        translations=translations or {},
        scales=scales,
    )
    if problems.found:
        raise BankError(problems=problems.found)
    return bank


def _felt(raw: dict, scales: dict, problems: _Problems) -> FeltData | None:
    """The optional felt-alignment question: both wordings and a scale of the bank."""
    felt = raw.get("felt")
    if felt is None:
        return None
    where = "felt question"
    if not isinstance(felt, dict):
        _fail(where, "", gettext("must be an object"))
    scale = problems.run(_text, felt, "scale", where, limit=10, default="")
    if scale and scales and scale not in scales:
        problems.run(
            _fail, where, "scale", gettext('names unknown scale "%(scale)s"') % {"scale": scale}
        )
    return FeltData(
        ceo_text=problems.run(_text, felt, "ceo_text", where, default=""),
        ciso_text=problems.run(_text, felt, "ciso_text", where, default=""),
        anchors=scales.get(scale, ()),
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
        _fail(where, name, gettext("is missing"))
    if not isinstance(value, str) or (required and not value.strip()):
        _fail(where, name, gettext("must be a non-empty string"))
    if len(value) > limit:
        _fail(where, name, gettext("is longer than %(limit)d characters") % {"limit": limit})
    return value.strip()


def _slug(raw: dict) -> str:
    slug = _text(raw, "slug", "bank", limit=80)
    if not _SLUG.match(slug):
        _fail("bank", "slug", gettext("must be lower-case letters, digits and hyphens"))
    return slug


def _version(raw: dict) -> int:
    version = raw.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        _fail("bank", "version", gettext("must be a whole number >= 1"))
    return version


def _scales(raw: dict, problems: _Problems) -> dict[str, tuple[str, ...]]:
    scales = raw.get("scales")
    if not isinstance(scales, dict) or not scales:
        _fail("bank", "scales", gettext("must be an object of scale code -> five labels"))
    valid = {}
    for code, labels in scales.items():
        if problems.run(_check_anchors, labels, f"scale {code}", "scales", default=False):
            valid[code] = tuple(label.strip() for label in labels)
    return valid


def _check_anchors(labels, where: str, name: str) -> bool:
    if (
        not isinstance(labels, list)
        or len(labels) != ANCHOR_COUNT
        or not all(isinstance(label, str) and label.strip() for label in labels)
    ):
        _fail(where, name, gettext("must be a list of %(count)d labels") % {"count": ANCHOR_COUNT})
    return True


def _dimensions(raw: dict, scales: dict, problems: _Problems) -> tuple[DimensionData, ...]:
    dimensions = raw.get("dimensions")
    if not isinstance(dimensions, list) or not dimensions:
        _fail("bank", "dimensions", gettext("must be a non-empty list"))
    parsed = tuple(
        d
        for index, obj in enumerate(dimensions, 1)
        if (d := problems.run(_dimension, obj, index, scales, problems)) is not None
    )
    problems.run(_check_unique, [d.code for d in parsed], "dimension", problems)
    problems.run(_check_unique, [i.code for d in parsed for i in d.items], "item", problems)
    return parsed


def _dimension(obj, index: int, scales: dict, problems: _Problems) -> DimensionData:
    if not isinstance(obj, dict):
        _fail(f"dimension #{index}", "", gettext("must be an object"))
    code = obj.get("code")
    if not isinstance(code, str) or not _DIMENSION_CODE.match(code):
        _fail(f"dimension #{index}", "code", gettext("must look like D1"))
    where = f"dimension {code}"
    items = obj.get("items")
    if not isinstance(items, list) or not items:
        problems.run(_fail, where, "items", gettext("must be a non-empty list"))
        items = []
    parsed = (
        problems.run(_item, item, f"{where} item #{n}", scales, problems)
        for n, item in enumerate(items, 1)
    )
    return DimensionData(
        code=code,
        name=problems.run(_text, obj, "name", where, limit=200, default=""),
        description=problems.run(_text, obj, "description", where, required=False, default=""),
        items=tuple(item for item in parsed if item is not None),
    )


def _item(obj, fallback_where: str, scales: dict, problems: _Problems) -> ItemData:
    if not isinstance(obj, dict):
        _fail(fallback_where, "", gettext("must be an object"))
    code = obj.get("code")
    if not isinstance(code, str) or not _ITEM_CODE.match(code):
        _fail(fallback_where, "code", gettext("must look like 3.2"))
    where = f"item {code}"
    scale = problems.run(_text, obj, "scale", where, limit=10, default="")
    if scale and scales and scale not in scales:
        problems.run(
            _fail, where, "scale", gettext('names unknown scale "%(scale)s"') % {"scale": scale}
        )
    anchors = obj.get("anchors", list(scales.get(scale, ("-",) * ANCHOR_COUNT)))
    problems.run(_check_anchors, anchors, where, "anchors")
    return ItemData(
        code=code,
        ceo_text=problems.run(_text, obj, "ceo_text", where, default=""),
        ciso_text=problems.run(_text, obj, "ciso_text", where, default=""),
        scale=scale,
        anchors=tuple(str(label).strip() for label in anchors) if isinstance(anchors, list) else (),
        reverse=problems.run(_flag, obj, "reverse", where, default=False),
        references=problems.run(_strings, obj, "references", where, default=()),
        benchmarks=problems.run(_strings, obj, "benchmarks", where, default=()),
        predict=problems.run(_flag, obj, "predict", where, default=False),
    )


def _flag(obj: dict, name: str, where: str) -> bool:
    value = obj.get(name, False)
    if not isinstance(value, bool):
        _fail(where, name, gettext("must be true or false"))
    return value


def _strings(obj: dict, name: str, where: str) -> tuple[str, ...]:
    value = obj.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        _fail(where, name, gettext("must be a list of strings"))
    return tuple(v.strip() for v in value)


def _check_unique(codes: list[str], kind: str, problems: _Problems) -> None:
    seen = set()
    for code in codes:
        if code in seen:
            problems.run(_fail, f"{kind} {code}", "code", gettext("is used twice"))
        seen.add(code)


# --- Writing a bank back -------------------------------------------------------------------


def bank_scales(bank: BankData) -> dict[str, tuple[str, ...]]:
    """The bank's scales, rebuilt from its items (and the felt question): code -> anchors.
    The first item of a scale gives its anchors; an item that differs keeps its own."""
    scales: dict[str, tuple[str, ...]] = {}
    for item in bank.items:
        scales.setdefault(item.scale, item.anchors)
    if bank.felt is not None:
        code = felt_scale(bank, scales)
        scales.setdefault(code, bank.felt.anchors)
    return scales


def felt_scale(bank: BankData, scales: dict) -> str:
    """The felt question's scale code: its own, else a scale with the same anchors, else
    "felt" (a bank read back from the database keeps the anchors only)."""
    felt = bank.felt
    if felt.scale and scales.get(felt.scale, felt.anchors) == felt.anchors:
        return felt.scale
    return next((code for code, a in scales.items() if a == felt.anchors), "felt")


def bank_to_raw(bank: BankData) -> dict:
    """The bank as a JSON bank file holds it (parse_bank reads it back to an equal bank)."""
    scales = bank_scales(bank)
    raw = {
        "slug": bank.slug,
        "version": bank.version,
        "title": bank.title,
        "description": bank.description,
        "scales": {code: list(anchors) for code, anchors in scales.items()},
        "dimensions": [
            {
                "code": d.code,
                "name": d.name,
                "description": d.description,
                "items": [_item_raw(item, scales) for item in d.items],
            }
            for d in bank.dimensions
        ],
    }
    if bank.felt is not None:
        raw["felt"] = {
            "ceo_text": bank.felt.ceo_text,
            "ciso_text": bank.felt.ciso_text,
            "scale": felt_scale(bank, scales),
        }
    return raw


def _item_raw(item: ItemData, scales: dict) -> dict:
    raw = {
        "code": item.code,
        "ceo_text": item.ceo_text,
        "ciso_text": item.ciso_text,
        "scale": item.scale,
        "reverse": item.reverse,
        "predict": item.predict,
        "references": list(item.references),
        "benchmarks": list(item.benchmarks),
    }
    if item.anchors != scales[item.scale]:
        raw["anchors"] = list(item.anchors)
    return raw


def canonical_hash(bank: BankData) -> str:
    """A hash of the bank's content whatever file it came from (JSON or XLSX): equal banks,
    equal hashes. Translations are not content."""
    return _hash(bank_to_raw(bank))
