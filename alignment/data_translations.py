"""Translations of the report's data files (the recommendations' advice, the benchmark figures).

Beside ``alignment/data/<name>.json`` (English) lies one *overlay* per language,
``<name>.<lang>.json``. It mirrors the English file but holds only the text the report shows
(docs/translations.md, "Recommendations and benchmarks translation files"): the caller gives
the *text template*, the English file cut down to exactly those texts, with the ids
(``code``, ``id``) that tie each list entry to the English one. Everything else (references,
thresholds, percentages...) stays the English file's.

* A key the template does not have, an id or a list length that differs, a text that is not a
  string, a wrong ``language``: the overlay is refused (ValueError naming the file and path).
* A text the overlay lacks or leaves blank: the English stays, field by field, and the path is
  reported as missing (the shipped-languages test fails on it; at run time it is logged).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.utils import translation

ENGLISH = "en"
ID_KEYS = frozenset({"code", "id"})  # a list entry's id: must equal the English entry's


@dataclass(frozen=True)
class Merged:
    data: Any  # the English file with the overlay's texts in place
    missing: tuple[str, ...]  # paths of texts shown in English


def overlay_path(base: Path, language: str) -> Path:
    """``recommendations.json`` -> ``recommendations.de.json``."""
    return base.with_name(f"{base.stem}.{language}{base.suffix}")


@lru_cache(maxsize=8)
def overlay_languages(base: Path) -> frozenset[str]:
    """The languages that have an overlay beside ``base`` (read once per process)."""
    prefix, suffix = f"{base.stem}.", base.suffix
    return frozenset(
        path.name[len(prefix) : -len(suffix)]
        for path in base.parent.glob(f"{prefix}*{suffix}")
        if path.name.count(".") == 2
    )


def active_language(base: Path) -> str:
    """The active language if it has an overlay beside ``base``, else English ("de-at" reads
    "de")."""
    code = (translation.get_language() or ENGLISH).split("-")[0].lower()
    return code if code in overlay_languages(base) else ENGLISH


def read_json(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{what} file {path}: not valid JSON ({exc})") from exc


def in_language(base: Path, language: str, english: Any, translate, parse, logger) -> Any:
    """The data of the English file ``base`` in ``language``, parsed: the English as it is, or
    with the overlay's texts in place (``translate``); a text the overlay lacks stays English
    and is logged (the callers cache the result per language, so once per process)."""
    if language == ENGLISH:
        return parse(english)
    path = overlay_path(base, language)
    merged = translate(english, read_json(path, base.stem), language, label=path.name)
    if merged.missing:
        logger.warning("%s: %d texts shown in English", path.name, len(merged.missing))
    return parse(merged.data)


def merge(english: Any, template: Mapping, overlay: Any, language: str, label: str) -> Merged:
    """The English data with the overlay's texts in place of the template's.

    ``english`` is not changed. ``label`` names the overlay in errors ("recommendations.de.json").
    """
    if not isinstance(overlay, Mapping):
        raise ValueError(f"{label}: the top level must be an object")
    if overlay.get("language") != language:
        raise ValueError(f"{label}: field 'language' must be {language!r}")
    body = {key: value for key, value in overlay.items() if key != "language"}
    data, missing = copy.deepcopy(english), []
    _merge_object(template, body, data, [], missing, label)
    return Merged(data, tuple(missing))


def _where(path: list[str]) -> str:
    return ".".join(path) or "top level"


def _merge_object(
    template: Mapping, overlay: Any, target: Any, path: list[str], missing: list, label: str
) -> None:
    if not isinstance(overlay, Mapping):
        raise ValueError(f"{label}: {_where(path)}: must be an object")
    unknown = sorted(set(overlay) - set(template))
    if unknown:
        raise ValueError(
            f"{label}: {_where(path)}: field '{unknown[0]}' is not a translatable field"
        )
    for key, expected in template.items():
        if key in ID_KEYS:
            if overlay.get(key) != expected:
                raise ValueError(
                    f"{label}: {_where(path)}: field '{key}' must be {expected!r} "
                    f"(the English file's order), not {overlay.get(key)!r}"
                )
        elif key not in overlay:
            missing.extend(_leaves(expected, [*path, key]))
        elif isinstance(expected, str):
            _merge_text(overlay[key], target, key, [*path, key], missing, label)
        elif isinstance(expected, list):
            _merge_list(expected, overlay[key], target[key], [*path, key], missing, label)
        else:
            _merge_object(expected, overlay[key], target[key], [*path, key], missing, label)


def _merge_text(
    value: Any, target: Any, key: str, path: list[str], missing: list, label: str
) -> None:
    if not isinstance(value, str):
        raise ValueError(f"{label}: {_where(path)}: must be a string")
    if value.strip():
        target[key] = value
    else:
        missing.append(_where(path))


def _merge_list(
    template: list, overlay: Any, target: list, path: list[str], missing: list, label: str
) -> None:
    if not isinstance(overlay, list) or len(overlay) != len(template):
        raise ValueError(
            f"{label}: {_where(path)}: must be a list of {len(template)} entries, in the "
            "English file's order"
        )
    for entry_template, entry, entry_target in zip(template, overlay, target, strict=True):
        ident = next((str(entry_template[k]) for k in ID_KEYS if k in entry_template), "?")
        _merge_object(entry_template, entry, entry_target, [*path, ident], missing, label)


def _leaves(template: Any, path: list[str]) -> list[str]:
    if isinstance(template, str):
        return [_where(path)]
    if isinstance(template, list):
        return [
            leaf
            for entry in template
            for leaf in _leaves(
                entry, [*path, str(next((entry[k] for k in ID_KEYS if k in entry), "?"))]
            )
        ]
    return [
        leaf
        for key, value in template.items()
        if key not in ID_KEYS
        for leaf in _leaves(value, [*path, key])
    ]
