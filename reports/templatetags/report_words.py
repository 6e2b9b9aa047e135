"""Template filters of the report's wording (alignment.presentation.words)."""

from django import template

from alignment.presentation import words

register = template.Library()


@register.filter
def lower_first(text) -> str:
    """A label in the middle of a sentence: `|lower` would lower-case a German noun too."""
    return words.lower_first(str(text))
