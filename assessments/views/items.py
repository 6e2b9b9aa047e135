"""Questionnaire items as a page shows them.

The markup of an item is built here rather than in the page template: five items of five
options each would take the template engine a few hundred variable lookups per page view,
most of the CPU a page costs (see bench/bench_questionnaire.py). Every value interpolated
into the markup is escaped.
"""

from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from ..models import Question
from ..selectors import SavedAnswer, SavedFelt

# Each item is a fieldset whose legend is the question: the five anchors and "Don't know" are
# one radio group (one tab stop, arrow keys move within it), then an optional comment, then
# the line where static/js/questionnaire.js says "Saved".
_ITEM = """\
<fieldset class="item" id="item-{slug}" data-code="{code}" data-complete="{complete}">
  <legend class="item-text"><span class="item-code">{code}</span> {text}</legend>
  <div class="scale">{options}<div class="scale-option dont-know"><input type="radio" \
class="form-check-input" name="q-{code}" id="q-{slug}-dk" value="dk"{dont_know}><label \
for="q-{slug}-dk">{dont_know_label}</label></div></div>
  <label class="form-label small mt-2 mb-1" for="c-{slug}">{comment_label}</label>
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


# Bank version 2: under a predicted item, what the respondent expects the other to answer, on
# the same scale with "Can't say"; no comment. Its own fieldset and radio group, so a screen
# reader announces it as a question of its own ("Item 1.2: what do you think …").
_PREDICTION = """\
<fieldset class="item prediction" id="predict-{slug}" data-code="{code}/predicted" \
data-complete="{complete}">
  <legend class="item-text"><span class="visually-hidden">{item_label} </span>{text}</legend>
  <div class="scale">{options}</div>
  <p class="save-status small mb-0" aria-live="polite" data-status></p>
</fieldset>
"""
_FELT = """\
<fieldset class="item felt" id="felt" data-code="felt" data-complete="{complete}">
  <legend class="item-text">{text}</legend>
  <div class="scale">{options}</div>
  <p class="save-status small mb-0" aria-live="polite" data-status></p>
</fieldset>
"""
CANT_SAY = "cs"
_SCALE_OPTION = (
    '<div class="scale-option"><input type="radio" class="form-check-input" name="{name}" '
    'id="{id}-{value}" value="{value}"{checked}><label for="{id}-{value}">'
    '<span class="scale-value" aria-hidden="true">{value}</span> {label}</label></div>'
)
_CANT_SAY_OPTION = (
    '<div class="scale-option dont-know"><input type="radio" class="form-check-input" '
    'name="{name}" id="{id}-cs" value="cs"{checked}><label for="{id}-cs">{cant_say_label}'
    "</label></div>"
)


def _scale(name: str, id_prefix: str, anchors, value: int | None, cant_say: bool) -> str:
    """Five anchors and "Can't say" as one radio group (name and ids already escaped)."""
    options = "".join(
        _SCALE_OPTION.format(
            name=name,
            id=id_prefix,
            value=number,
            checked=_CHECKED if number == value else "",
            label=escape(label),
        )
        for number, label in enumerate(anchors, 1)
    )
    return options + _CANT_SAY_OPTION.format(
        name=name,
        id=id_prefix,
        checked=_CHECKED if cant_say else "",
        cant_say_label=escape(gettext("Can’t say")),
    )


def prediction_question(other_role_label: str) -> str:
    """The prediction's question, in the respondent's own wording."""
    return gettext("What do you think the %(role)s will answer?") % {"role": other_role_label}


def _choice_label(value, cant_say: bool, anchors) -> str:
    if cant_say:
        return gettext("Can’t say")
    if value:
        return f"{value} \u2013 {anchors[value - 1]}" if anchors else str(value)
    return gettext("Not answered")


class Felt:
    """The felt-alignment question (bank version 2), after the last dimension."""

    code = "felt"
    slug = "felt"
    anchor = "felt"

    def __init__(self, text: str, anchors, saved: SavedFelt):
        self.text = text
        self.anchors = anchors
        self.saved = saved

    @property
    def answer_label(self) -> str:
        return _choice_label(self.saved.value, self.saved.cant_say, self.anchors)

    def html(self) -> SafeString:
        saved = self.saved
        options = _scale("felt", "felt", self.anchors, saved.value, saved.cant_say)
        # Safe: the text and the anchors are escaped; the rest is fixed markup.
        return SafeString(  # nosec B703
            _FELT.format(
                complete="1" if saved.complete else "0", text=escape(self.text), options=options
            )
        )


class Item:
    """One question with the respondent's own wording and their saved answer; on a predicted
    item (bank version 2) also the prediction of the other's answer."""

    __slots__ = ("question", "code", "slug", "text", "saved", "other_role")

    def __init__(self, question: Question, text: str, saved: SavedAnswer, other_role: str = ""):
        self.question = question
        self.code = question.code
        self.slug = question.code.replace(".", "-")
        self.text = text
        self.saved = saved
        self.other_role = other_role

    @property
    def anchor(self) -> str:
        return f"item-{self.slug}"

    @property
    def predicts(self) -> bool:
        return self.question.predict

    @property
    def prediction_text(self) -> str:
        return prediction_question(self.other_role)

    @property
    def prediction_answer_label(self) -> str:
        return _choice_label(
            self.saved.predicted_value, self.saved.predicted_cant_say, self.question.anchors
        )

    @property
    def answer_label(self) -> str:
        if self.saved.dont_know:
            return gettext("Don’t know")
        if self.saved.value:
            return f"{self.saved.value} \u2013 {self.question.anchor(self.saved.value)}"
        return gettext("Not answered")

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
        markup = _ITEM.format(
            code=code,
            slug=slug,
            complete="1" if saved.complete else "0",
            text=escape(self.text),
            options=options,
            dont_know=_CHECKED if saved.dont_know else "",
            comment=escape(saved.comment),
            dont_know_label=escape(gettext("Don’t know")),
            comment_label=escape(gettext("Comment (optional)")),
        )
        if self.question.predict:
            markup += self._prediction_html(code, slug)
        # Safe to mark safe: every value interpolated into the markup is escaped above.
        return SafeString(markup)  # nosec B703

    def _prediction_html(self, code: str, slug: str) -> str:
        saved = self.saved
        return _PREDICTION.format(
            code=code,
            slug=slug,
            complete="1" if saved.prediction_complete else "0",
            item_label=escape(gettext("Item %(code)s:") % {"code": self.code}),
            text=escape(self.prediction_text),
            options=_scale(
                f"p-{code}",
                f"p-{slug}",
                self.question.anchors,
                saved.predicted_value,
                saved.predicted_cant_say,
            ),
        )
