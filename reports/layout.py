"""Where the report's pages may break, decided from the content: WeasyPrint cannot look
ahead to see whether a table will fit, so the template marks what must move together.

A dimension's heading, its figures and its table's header already stay with the first rows
(report.css). A short dimension moves to the next page whole rather than leave its heading
and a row or two at the foot of one page and the rest on the next; a long one breaks
between rows, so a page is never left mostly empty waiting for it.
"""

from collections.abc import Sequence

from alignment.presentation.model import DimensionView

# Four items with up to this much comment text are well under half a page on A4 or Letter:
# moving them whole leaves at most that much of the previous page blank.
SHORT_TABLE_MAX_ITEMS = 3
SHORT_TABLE_MAX_COMMENT_CHARS = 500


def dimensions_moved_whole(dimensions: Sequence[DimensionView]) -> set[str]:
    """The codes of the dimensions short enough to keep on one page."""
    return {
        dimension.code
        for dimension in dimensions
        if len(dimension.items) <= SHORT_TABLE_MAX_ITEMS
        and sum(len(i.ceo.comment) + len(i.ciso.comment) for i in dimension.items)
        <= SHORT_TABLE_MAX_COMMENT_CHARS
    }
