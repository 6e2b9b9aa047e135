"""WCAG 2.x contrast between two colours: the one definition every colour check uses.

It lives in the lowest app so that anything may read it: the branding form refuses a
colour below AA with it, and the palette tests check the severity swatches with it."""

import re

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
WHITE = "#ffffff"
# WCAG 2.x success criterion 1.4.3 (AA) for normal-size text.
AA_NORMAL_TEXT = 4.5


def relative_luminance(colour: str) -> float:
    """The relative luminance of a "#rrggbb" colour, from 0 (black) to 1 (white)."""
    if not HEX_COLOUR.match(colour):
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(a: str, b: str) -> float:
    """The contrast ratio of two colours, from 1 (the same) to 21 (black on white)."""
    high, low = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)
