"""The one sanitiser for text that people type: comments, notes, actions, names, titles.

A control character (other than tab and the newlines a textarea sends) is never typed on a
keyboard, has no meaning in Parley's text, and breaks what reads the text later: PostgreSQL
refuses NUL, openpyxl refuses most of the others (IllegalCharacterError, a 500 on export),
and a terminal or a log viewer may act on them. So they are refused where text comes in
(forms and services, with a message that says which character and where) and, for text
stored before this rule, made safe where text goes out (spreadsheet cells, email subjects).
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext, pgettext_lazy

# C0 and C1 control characters and DEL, except tab, line feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# What a control character becomes on export: the Unicode replacement character, so a
# reader sees that something was there.
REPLACEMENT = "\ufffd"
# One whole sentence per kind of text, so a translation never assembles a noun into it.
_SENTENCES = {
    "text": pgettext_lazy(
        "control character",
        "The text contains an invisible control character (U+%(code)s) at position "
        "%(position)d; remove it and try again.",
    ),
    "field": pgettext_lazy(
        "control character",
        "The field contains an invisible control character (U+%(code)s) at position "
        "%(position)d; remove it and try again.",
    ),
    "comment": pgettext_lazy(
        "control character",
        "The comment contains an invisible control character (U+%(code)s) at position "
        "%(position)d; remove it and try again.",
    ),
    "notes": pgettext_lazy(
        "control character",
        "The notes contain an invisible control character (U+%(code)s) at position "
        "%(position)d; remove them and try again.",
    ),
    "action": pgettext_lazy(
        "control character",
        "The action contains an invisible control character (U+%(code)s) at position "
        "%(position)d; remove it and try again.",
    ),
}


def control_character_problem(text: str, what: str = "text") -> str | None:
    """A sentence naming the first control character in `text`, or None when it has none."""
    match = _CONTROL.search(text or "")
    if match is None:
        return None
    sentence = _SENTENCES.get(what)
    values = {"code": f"{ord(match.group()):04X}", "position": match.start() + 1, "what": what}
    if sentence is None:
        # Translators: %(what)s names what was typed (as the caller words it, e.g. "notes").
        sentence = gettext(
            "The %(what)s contains an invisible control character (U+%(code)s) at position "
            "%(position)d; remove it and try again."
        )
    return str(sentence) % values


def refuse_control_characters(text: str, what: str = "text") -> str:
    """`text` unchanged, or ValidationError when it holds a control character."""
    problem = control_character_problem(text, what)
    if problem:
        raise ValidationError(problem, code="control_character")
    return text


@deconstructible
class NoControlCharactersValidator:
    """The same rule as a field validator, for forms and model fields."""

    def __call__(self, value) -> None:
        if isinstance(value, str):
            refuse_control_characters(value, "field")

    def __eq__(self, other) -> bool:
        return isinstance(other, NoControlCharactersValidator)


def without_control_characters(text: str) -> str:
    """`text` with each control character replaced: for text already stored, on its way out."""
    return _CONTROL.sub(REPLACEMENT, text)


# Runs of whitespace but the no-break spaces, which a translation writes on purpose (French
# "Relance\u00a0: …", "\u202f!") and which break no line.
_BREAKING_SPACE = re.compile(r"[^\S\u00a0\u202f]+")


def one_line(text: str) -> str:
    """`text` as a single line without control characters (an email subject, a header)."""
    return _BREAKING_SPACE.sub(" ", without_control_characters(text)).strip(" ")


class RefuseControlCharactersMixin:
    """For a form: every text field it has refuses control characters, with the message above."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                field.validators.append(NoControlCharactersValidator())
