"""Questionnaire items as a page shows them.

The markup of an item is built here rather than in the page template: five items of five
options each would take the template engine a few hundred variable lookups per page view,
most of the CPU a page costs (see bench/bench_questionnaire.py). Every value interpolated
into the markup is escaped.
"""

from django.utils.html import escape
from django.utils.safestring import SafeString

from ..models import Question
from ..selectors import SavedAnswer

# Each item is a fieldset whose legend is the question: the five anchors and "Don't know" are
# one radio group (one tab stop, arrow keys move within it), then an optional comment, then
# the line where static/js/questionnaire.js says "Saved".
_ITEM = """\
<fieldset class="item" id="item-{slug}" data-code="{code}" data-complete="{complete}">
  <legend class="item-text"><span class="item-code">{code}</span> {text}</legend>
  <div class="scale">{options}<div class="scale-option dont-know"><input type="radio" \
class="form-check-input" name="q-{code}" id="q-{slug}-dk" value="dk"{dont_know}><label \
for="q-{slug}-dk">Don\u2019t know</label></div></div>
  <label class="form-label small mt-2 mb-1" for="c-{slug}">Comment (optional)</label>
  <textarea class="form-control form-control-sm" name="c-{code}" id="c-{slug}" rows="2" \
maxlength="4000">
{comment}</textarea>
  <p class="save-status small mb-0" aria-live="polite" data-status></p>
</fieldset>
"""
_OPTION = (
    '<div class="scale-option"><input type="radio" class="form-check-input" name="q-{code}" '
    'id="q-{slug}-{value}" value="{value}"{checked}><label for="q-{slug}-{value}">'
    '<span class="scale-value" aria-hidden="true">{value}</span> {label}</label></div>'
)
_CHECKED = " checked"


class Item:
    """One question with the respondent's own wording and their saved answer."""

    __slots__ = ("question", "code", "slug", "text", "saved")

    def __init__(self, question: Question, text: str, saved: SavedAnswer):
        self.question = question
        self.code = question.code
        self.slug = question.code.replace(".", "-")
        self.text = text
        self.saved = saved

    @property
    def answer_label(self) -> str:
        if self.saved.dont_know:
            return "Don\u2019t know"
        if self.saved.value:
            return f"{self.saved.value} \u2013 {self.question.anchor(self.saved.value)}"
        return "Not answered"

    def html(self) -> SafeString:
        """The item's fieldset, with the saved answer checked and the comment filled in."""
        code, slug, saved = escape(self.code), escape(self.slug), self.saved
        options = "".join(
            _OPTION.format(
                code=code,
                slug=slug,
                value=value,
                checked=_CHECKED if value == saved.value else "",
                label=escape(label),
            )
            for value, label in enumerate(self.question.anchors, 1)
        )
        # Safe to mark safe: every value interpolated into the markup is escaped above.
        return SafeString(  # nosec B703
            _ITEM.format(
                code=code,
                slug=slug,
                complete="1" if saved.complete else "0",
                text=escape(self.text),
                options=options,
                dont_know=_CHECKED if saved.dont_know else "",
                comment=escape(saved.comment),
            )
        )
