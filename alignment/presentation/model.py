"""The read model of a round: what every reader of a scored round shows.

`round_view(assessment)` and `round_views(assessments)` turn a round's stored result, its
questions and its answers into a `RoundView`: the overall figures, the dimensions with their
items, both answers in words with the comments, severities with glyphs and words, knowledge
gaps, and the charts. The results page, the gap map, the workshop, the PDF report, the
spreadsheets and `export_results` all format this one object; none of them loads answers or
words an answer on its own.

Figures are kept twice on purpose: `*_value` at full precision (what the engine stored, for
exports and charts) and a display string rounded by `words.fixed`.

Cost: a fixed number of queries whatever the size of the bank or the number of rounds —
results (1, none when passed), questions (0 for a published bank already read by this
process, else 2 per bank), respondents (1) and answers (1, by respondent id so PostgreSQL uses
the (respondent, question) index instead of scanning every answer).
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from django.utils.safestring import SafeString, mark_safe

from alignment import charts, scoring
from alignment.models import AlignmentResult
from assessments.models import Answer, Assessment, Question, Respondent
from assessments.selectors import questionnaire_layout

from . import words

ROLES = ("ceo", "ciso")


@dataclass(frozen=True)
class SideAnswer:
    """One executive's answer to one item."""

    value: int | None
    dont_know: bool
    words: str
    comment: str
    saved_at: datetime | None
    language: str = ""  # the language the item was shown in when it was answered

    @property
    def exists(self) -> bool:
        return self.saved_at is not None


@dataclass(frozen=True)
class Severity:
    key: str  # aligned | minor | material | critical | unknown | none
    glyph: str
    words: str
    detail: str


@dataclass(frozen=True)
class ItemView:
    code: str
    dimension: str  # its dimension's code
    dimension_name: str
    order: int
    ceo_text: str
    ciso_text: str
    reverse: bool
    references: list
    ceo: SideAnswer
    ciso: SideAnswer
    severity: Severity
    gap: str  # signed, "n/a" when not compared
    gap_value: int | None
    abs_gap: int | None
    optimism_gap: int | None
    knowledge_gap: str | None  # ceo | ciso | both
    knowledge_gap_words: str

    @property
    def text(self) -> str:
        return self.ceo_text

    @property
    def same_wording(self) -> bool:
        return self.ciso_text.strip() == self.ceo_text.strip()

    @property
    def commented(self) -> bool:
        return bool(self.ceo.comment or self.ciso.comment)

    def side(self, role: str) -> SideAnswer:
        return self.ceo if role == "ceo" else self.ciso


@dataclass(frozen=True)
class DimensionView:
    dimension_id: int
    code: str
    name: str
    description: str
    order: int
    index: str
    index_value: float | None
    band: str | None
    band_label: str
    mean_abs_gap: str
    mean_abs_gap_value: float | None
    mean_signed_gap: str
    optimism_gap: str
    direction: str | None
    direction_label: str
    direction_words: str
    ceo_mean: str
    ciso_mean: str
    paired_items: int
    knowledge_gaps: int
    items: tuple[ItemView, ...]
    row: dict  # the engine's row, full precision

    @property
    def band_phrase(self) -> str:
        """The band in the middle of a sentence ("broadly aligned")."""
        return words.band_phrase(self.band)

    @property
    def has_index(self) -> bool:
        return self.index_value is not None

    @property
    def commented(self) -> int:
        return sum(1 for item in self.items if item.commented)


@dataclass(frozen=True)
class SeverityCount:
    key: str
    glyph: str
    words: str
    count: int


@dataclass(frozen=True)
class Overall:
    index: str
    index_value: float | None
    band: str | None
    band_label: str
    band_meaning: str
    pct_exact: str
    pct_within_1: str
    paired_items: int
    knowledge_gaps: int
    severity_counts: tuple[SeverityCount, ...]
    kappa: str | None  # None: undefined, not shown
    ac2: str | None
    data: dict  # the engine's overall figures, full precision

    @property
    def band_phrase(self) -> str:
        """The band in the middle of a sentence ("broadly aligned")."""
        return words.band_phrase(self.band)

    @property
    def has_index(self) -> bool:
        return self.index_value is not None

    @property
    def counts(self) -> dict[str, int]:
        """severity -> number of items, for templates that name one severity."""
        return {count.key: count.count for count in self.severity_counts}


# --- Perception (scoring version 2) -------------------------------------------------------


@dataclass(frozen=True)
class PerceivedItem:
    """One predicted item: both answers, what each side predicted of the other, and how each
    side reads the item (its view)."""

    item: ItemView
    row: dict  # the engine's perception row, full precision
    ceo_prediction: str  # in words: "2 – Disagree", "Can’t say" or "Not answered"
    ciso_prediction: str

    @property
    def code(self) -> str:
        return self.item.code

    @property
    def gap(self) -> int | None:
        return self.row["gap"]

    def prediction(self, role: str) -> str:
        return self.ceo_prediction if role == "ceo" else self.ciso_prediction

    def view(self, role: str) -> str | None:
        return self.row[f"{role}_view"]

    def view_words(self, role: str) -> str:
        return words.view_words(self.view(role))

    def sentence(self, role: str) -> str:
        return words.view_sentence(
            role, self.view(role), self.row["gap"], self.row[f"{role}_expected_gap"]
        )

    # Template conveniences (templates cannot pass arguments).
    @property
    def ceo_view(self) -> str | None:
        return self.view("ceo")

    @property
    def ciso_view(self) -> str | None:
        return self.view("ciso")

    @property
    def ceo_view_words(self) -> str:
        return self.view_words("ceo")

    @property
    def ciso_view_words(self) -> str:
        return self.view_words("ciso")

    @property
    def ceo_sentence(self) -> str:
        return self.sentence("ceo")

    @property
    def ciso_sentence(self) -> str:
        return self.sentence("ciso")


@dataclass(frozen=True)
class ViewCount:
    key: str
    glyph: str
    words: str
    meaning: str
    count: int


@dataclass(frozen=True)
class PerceptionSide:
    """One executive's reading of the other, and how aligned they feel."""

    role: str
    label: str  # "CEO"
    other_label: str
    predictions: int  # items with a view
    view_counts: tuple[ViewCount, ...]  # blind spot, imagined gap, seen gap, seen agreement
    understanding: str
    understanding_value: float | None
    felt: str  # in words: "4 – Largely aligned", "Can’t say", "Not answered"
    felt_value: int | None
    felt_index: str
    felt_index_value: int | None
    felt_minus_measured: str
    felt_minus_measured_value: float | None
    felt_reading: str | None
    felt_reading_words: str
    bias: str
    bias_value: float | None
    bias_words: str
    projection: str
    projection_value: float | None
    data: dict  # the engine's figures, full precision

    @property
    def counts(self) -> dict[str, int]:
        return {count.key: count.count for count in self.view_counts}

    @property
    def grid(self) -> tuple[tuple[str, tuple[ViewCount, ...]], ...]:
        """The 2x2 (words.VIEW_GRID): (row label, (view count, view count)) per row."""
        by_key = {count.key: count for count in self.view_counts}
        return tuple(
            (str(label), tuple(by_key[key] for key in keys)) for label, keys in words.VIEW_GRID
        )

    @property
    def grid_columns(self) -> tuple[str, ...]:
        return tuple(str(column) for column in words.VIEW_GRID_COLUMNS)


@dataclass(frozen=True)
class Perception:
    """How well the two executives read each other (scoring version 2)."""

    items: tuple[PerceivedItem, ...]
    ceo: PerceptionSide
    ciso: PerceptionSide
    mutual: str
    mutual_value: float | None
    measured: str  # the overall alignment index, the felt figures' yardstick
    measured_value: float | None
    data: dict

    @property
    def sides(self) -> tuple[PerceptionSide, PerceptionSide]:
        return (self.ceo, self.ciso)

    @property
    def legend(self) -> tuple[ViewCount, ...]:
        """The four views with their words and meanings (counts are the CEO's)."""
        return self.ceo.view_counts

    def side(self, role: str) -> PerceptionSide:
        return self.ceo if role == "ceo" else self.ciso

    @property
    def blind_spots(self) -> list[tuple[PerceivedItem, str]]:
        """(item, role that misses it), the widest gaps first: what a workshop opens with."""
        found = [(item, role) for item in self.items for role in ROLES
                 if item.view(role) == "blind_spot"]  # fmt: skip
        return sorted(found, key=lambda pair: (-abs(pair[0].gap or 0), pair[0].item.order))

    @property
    def misreadings(self) -> list[tuple[PerceivedItem, str]]:
        """Blind spots first, then imagined gaps: every item a side misread."""
        imagined = [(item, role) for item in self.items for role in ROLES
                    if item.view(role) == "imagined_gap"]  # fmt: skip
        return self.blind_spots + imagined

    def felt_chart_svg(self) -> SafeString:
        """Felt against measured alignment, one chart (alignment.charts escapes its labels)."""
        svg = charts.felt_vs_measured_chart(
            measured=self.measured_value,
            felt={side.role: side.felt_index_value for side in self.sides},
        )
        return mark_safe(svg)  # nosec B308 B703


@dataclass
class RoundView:
    """One round as every reader shows it. `result` is None for a round not (yet) scored:
    its items then carry the answers but no severity, and it has no dimensions or overall."""

    assessment: Assessment
    result: AlignmentResult | None
    respondents: dict[str, Respondent]
    items: list[ItemView]
    dimensions: list[DimensionView] = field(default_factory=list)
    overall: Overall | None = None
    # Scoring version 2 on a bank with predictions; None otherwise (a version 1 bank).
    perception: Perception | None = None

    @property
    def scored(self) -> bool:
        return self.result is not None

    @property
    def organization(self):
        return self.assessment.organization

    @property
    def questionnaire(self):
        return self.assessment.questionnaire

    @cached_property
    def items_by_code(self) -> dict[str, ItemView]:
        return {item.code: item for item in self.items}

    def answers_by_code(self) -> dict[str, dict[str, int | str]]:
        """role -> item code -> 1..5 or "dk", for the answers that exist (the benchmarks'
        input)."""
        out: dict[str, dict[str, int | str]] = {role: {} for role in ROLES}
        for item in self.items:
            for role in ROLES:
                answer = item.side(role)
                if answer.exists:
                    out[role][item.code] = scoring.DONT_KNOW if answer.dont_know else answer.value
        return out

    # The charts escape every label they draw (alignment.charts), so they are safe to inline.
    def dimension_names(self) -> dict[str, str]:
        """code -> the dimension's name in the reader's language (the stored result keeps the
        English name it was scored with)."""
        names = {row["code"]: row["name"] for row in self.result.dimensions}
        return names | {dimension.code: dimension.name for dimension in self.dimensions}

    def _chart_rows(self) -> list[dict]:
        names = self.dimension_names()
        return [row | {"name": names[row["code"]]} for row in self.result.dimensions]

    def radar_svg(self, size: int = 360) -> SafeString:
        return mark_safe(charts.radar_chart(self._chart_rows(), size=size))  # nosec B308 B703

    def bars_svg(self) -> SafeString:
        return mark_safe(charts.alignment_bar_chart(self._chart_rows()))  # nosec B308 B703

    def heatmap_svg(self) -> SafeString:
        names = self.dimension_names()
        svg = charts.severity_heatmap(self.result.items, dimension_names=names)
        return mark_safe(svg)  # nosec B308 B703


# --- Building -----------------------------------------------------------------------------


def _side(question: Question | None, answer: Answer | None) -> SideAnswer:
    if answer is None:
        return SideAnswer(None, False, str(words.NOT_ANSWERED_WORDS), "", None)
    return SideAnswer(
        value=answer.value,
        dont_know=answer.dont_know,
        words=words.answer_words(question, answer.value, answer.dont_know),
        comment=answer.comment.strip(),
        saved_at=answer.updated_at,
        language=answer.language,
    )


def _severity(row: dict | None) -> Severity:
    severity = row["severity"] if row else None
    side = row["knowledge_gap"] if row else None
    key = words.severity_key(severity, side)
    detail = words.severity_detail(row["abs_gap"] if row else None, side)
    return Severity(key, words.SEVERITY_GLYPHS[key], str(words.SEVERITY_WORDS[key]), detail)


def _item(question: Question, dimension, row: dict | None, answers: dict) -> ItemView:
    gap = row["gap"] if row else None
    side = row["knowledge_gap"] if row else None
    return ItemView(
        code=question.code,
        dimension=dimension.code,
        dimension_name=dimension.name,
        order=question.order,
        ceo_text=question.ceo_text,
        ciso_text=question.ciso_text,
        reverse=question.reverse,
        references=list(question.references or []),
        ceo=_side(question, answers["ceo"].get(question.pk)),
        ciso=_side(question, answers["ciso"].get(question.pk)),
        severity=_severity(row),
        gap=str(words.NOT_APPLICABLE) if gap is None else words.fixed(gap, signed=True),
        gap_value=gap,
        abs_gap=row["abs_gap"] if row else None,
        optimism_gap=row["optimism_gap"] if row else None,
        knowledge_gap=side or None,
        knowledge_gap_words=str(words.KNOWLEDGE_GAP_WORDS.get(side or "", "")),
    )


def _dimension(row: dict, dimension, items: Sequence[ItemView]) -> DimensionView:
    band = scoring.band(row["alignment_index"])
    return DimensionView(
        dimension_id=dimension.pk,
        code=row["code"],
        name=dimension.name,  # the bank's, in the reader's language
        description=dimension.description,
        order=dimension.order,
        index=words.fixed(row["alignment_index"]),
        index_value=row["alignment_index"],
        band=band,
        band_label=words.band_label(band),
        mean_abs_gap=words.fixed(row["mean_abs_gap"], 2),
        mean_abs_gap_value=row["mean_abs_gap"],
        mean_signed_gap=words.fixed(row["mean_signed_gap"], 2, signed=True),
        optimism_gap=words.fixed(row["optimism_gap"], 2, signed=True),
        direction=row["direction"],
        direction_label=words.direction_label(row["direction"]),
        direction_words=str(words.DIRECTION_SENTENCES.get(row["direction"] or "", "")),
        ceo_mean=words.fixed(row["ceo_mean"], 1),
        ciso_mean=words.fixed(row["ciso_mean"], 1),
        paired_items=row["paired_items"],
        knowledge_gaps=row["knowledge_gaps"],
        items=tuple(items),
        row=row,
    )


def _coefficient(value: float | None) -> str | None:
    return None if value is None else words.fixed(value, 2)


def _overall(data: dict) -> Overall:
    band = data["band"]
    counts = data["severity_counts"]
    return Overall(
        index=words.fixed(data["alignment_index"]),
        index_value=data["alignment_index"],
        band=band,
        band_label=words.band_label(band),
        band_meaning=str(words.BAND_MEANINGS.get(band or "", "")),
        pct_exact=words.percent(data["pct_exact"]),
        pct_within_1=words.percent(data["pct_within_1"]),
        paired_items=data["paired_items"],
        knowledge_gaps=data["knowledge_gaps"],
        # In scale order: jsonb (PostgreSQL) does not keep the stored key order.
        severity_counts=tuple(
            SeverityCount(
                key, words.SEVERITY_GLYPHS[key], str(words.SEVERITY_WORDS[key]), counts.get(key, 0)
            )
            for key in scoring.SEVERITIES
        ),
        kappa=_coefficient(data.get("kappa_quadratic")),
        ac2=_coefficient(data.get("ac2_quadratic")),
        data=data,
    )


def _prediction_words(question: Question, answer: Answer | None) -> str:
    if answer is None:
        return str(words.NOT_ANSWERED_WORDS)
    return words.prediction_words(question, answer.predicted_value, answer.predicted_cant_say)


def _felt_words(assessment, respondent: Respondent | None) -> str:
    if respondent is None:
        return str(words.NOT_ANSWERED_WORDS)
    questionnaire = assessment.questionnaire
    if respondent.felt_cant_say:
        return str(words.CANT_SAY_WORDS)
    if respondent.felt_value is None:
        return str(words.NOT_ANSWERED_WORDS)
    return f"{respondent.felt_value} \u2013 {questionnaire.felt_anchor(respondent.felt_value)}"


def _perception_side(role: str, data: dict, felt_words: str) -> PerceptionSide:
    other = "ciso" if role == "ceo" else "ceo"
    counts = tuple(
        ViewCount(
            key,
            words.VIEW_GLYPHS[key],
            str(words.VIEW_WORDS[key]),
            str(words.VIEW_MEANINGS[key]),
            data[f"{key}s"],
        )
        for key in scoring.VIEWS
    )
    return PerceptionSide(
        role=role,
        label=str(words.ROLE_LABELS[role]),
        other_label=str(words.ROLE_LABELS[other]),
        predictions=data["predictions"],
        view_counts=counts,
        understanding=words.fixed(data["understanding_index"]),
        understanding_value=data["understanding_index"],
        felt=felt_words,
        felt_value=data["felt"],
        felt_index=words.fixed(data["felt_index"]),
        felt_index_value=data["felt_index"],
        felt_minus_measured=words.fixed(data["felt_minus_measured"], signed=True),
        felt_minus_measured_value=data["felt_minus_measured"],
        felt_reading=data["felt_reading"],
        felt_reading_words=words.felt_reading_words(data["felt_reading"]),
        bias=words.fixed(data["bias"], 1, signed=True),
        bias_value=data["bias"],
        bias_words=words.bias_words(role, data["bias"]),
        projection=words.percent(data["projection"]),
        projection_value=data["projection"],
        data=data,
    )


def _perception(view: RoundView, data: dict | None, questions, answers) -> Perception | None:
    if not data:
        return None
    by_code = view.items_by_code
    question_of = {question.code: question for question in questions}
    items = []
    for row in data["items"]:
        question = question_of[row["question"]]
        items.append(
            PerceivedItem(
                item=by_code[row["question"]],
                row=row,
                ceo_prediction=_prediction_words(question, answers["ceo"].get(question.pk)),
                ciso_prediction=_prediction_words(question, answers["ciso"].get(question.pk)),
            )
        )
    felt = {role: _felt_words(view.assessment, view.respondents.get(role)) for role in ROLES}
    measured = view.overall.index_value if view.overall else None
    return Perception(
        items=tuple(items),
        ceo=_perception_side("ceo", data["ceo"], felt["ceo"]),
        ciso=_perception_side("ciso", data["ciso"], felt["ciso"]),
        mutual=words.fixed(data["mutual_understanding"]),
        mutual_value=data["mutual_understanding"],
        measured=words.fixed(measured),
        measured_value=measured,
        data=data,
    )


def _build(assessment, result, respondents, answers) -> RoundView:
    layout = questionnaire_layout(assessment.questionnaire)
    dimensions = {dimension.pk: dimension for dimension in layout.dimensions}
    rows = {row["code"]: row for row in result.items} if result else {}
    items = [
        _item(question, dimensions[question.dimension_id], rows.get(question.code), answers)
        for question in layout.questions
    ]
    view = RoundView(assessment=assessment, result=result, respondents=respondents, items=items)
    if result is None:
        return view
    by_code = {dimension.code: dimension for dimension in layout.dimensions}
    grouped: dict[str, list[ItemView]] = defaultdict(list)
    for item in items:
        if item.code in rows:
            grouped[item.dimension].append(item)
    view.items = [item for item in items if item.code in rows]
    view.dimensions = [
        _dimension(row, by_code[row["code"]], grouped[row["code"]])
        for row in result.dimensions
        if row["code"] in by_code
    ]
    view.overall = _overall(result.overall)
    view.perception = _perception(view, result.data.get("perception"), layout.questions, answers)
    return view


def _answers(respondents: Iterable[Respondent]) -> dict[int, dict[str, dict[int, Answer]]]:
    """assessment id -> role -> question id -> answer: one query."""
    role_of = {r.pk: (r.assessment_id, r.role) for r in respondents}
    out: dict[int, dict[str, dict[int, Answer]]] = defaultdict(lambda: {r: {} for r in ROLES})
    if not role_of:
        return out
    fields = ("respondent_id", "question_id", "value", "dont_know", "comment", "updated_at")
    fields += ("predicted_value", "predicted_cant_say", "language")
    answers = Answer.objects.filter(respondent_id__in=list(role_of)).order_by().only(*fields)
    for answer in answers:
        assessment_id, role = role_of[answer.respondent_id]
        out[assessment_id][role][answer.question_id] = answer
    return out


def round_views(
    assessments: Sequence[Assessment], *, results: dict[int, AlignmentResult] | None = None
) -> list[RoundView]:
    """The read model of each assessment (in the order given; `questionnaire` and
    `organization` should be loaded). `results` (assessment id -> result) skips reading them.
    """
    assessments = list(assessments)
    ids = [a.pk for a in assessments]
    if results is None:
        results = {
            r.assessment_id: r
            for r in AlignmentResult.objects.filter(
                assessment_id__in=ids, scoring_version=scoring.SCORING_VERSION
            )
        }
    respondents = list(Respondent.objects.filter(assessment_id__in=ids)) if ids else []
    by_assessment: dict[int, dict[str, Respondent]] = defaultdict(dict)
    for respondent in respondents:
        by_assessment[respondent.assessment_id][respondent.role] = respondent
    answers = _answers(respondents)
    views = []
    for assessment in assessments:
        result = results.get(assessment.pk)
        if result is not None:
            result.assessment = assessment
        views.append(
            _build(assessment, result, by_assessment[assessment.pk], answers[assessment.pk])
        )
    return views


def round_view(assessment: Assessment, result: AlignmentResult | None = None) -> RoundView:
    """The read model of one round; its current result is read unless given."""
    results = None if result is None else {assessment.pk: result}
    return round_views([assessment], results=results)[0]
