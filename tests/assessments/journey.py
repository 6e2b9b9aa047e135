"""Helpers for the respondent-journey tests: a round with live links, and URLs in it."""

from dataclasses import dataclass

from django.urls import reverse

from assessments.models import Assessment, Question, Respondent


@dataclass
class Round:
    """An open assessment whose CEO and CISO each hold a live personal link."""

    assessment: Assessment
    tokens: dict

    def respondent(self, role: str = "ceo") -> Respondent:
        return self.assessment.respondents.get(role=role)

    def url(self, role: str = "ceo", name: str = "welcome", **kwargs) -> str:
        return reverse(f"respond:{name}", kwargs={"token": self.tokens[role], **kwargs})

    def page(self, role: str = "ceo", code: str = "D1") -> str:
        return self.url(role, "page", code=code)

    def question(self, code: str) -> Question:
        return self.assessment.questionnaire.questions.get(code=code)


def answer_everything(
    client, rnd: Round, role: str = "ceo", value: str = "3", prediction: str = "cs"
) -> None:
    """Answer every item through the autosave endpoint, as the browser does; on a bank with
    predictions (version 2) also every prediction and the felt question (`prediction`)."""
    questionnaire = rnd.assessment.questionnaire
    codes = list(questionnaire.questions.values_list("code", flat=True))
    codes += [f"{code}/predicted" for code in questionnaire.questions.filter(predict=True)
              .values_list("code", flat=True)]  # fmt: skip
    codes += ["felt"] if questionnaire.has_felt else []
    for code in codes:
        answer = value if code[0].isdigit() and "/" not in code else prediction
        response = client.post(rnd.url(role, "autosave"), {"question": code, "answer": answer})
        assert response.status_code == 200, response.content


def text(response) -> str:
    """The response body with whitespace collapsed and entities decoded, for assertions."""
    import html
    import re

    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


def words(response) -> str:
    """The visible words of a page: tags removed, whitespace collapsed."""
    import html
    import re

    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body))).strip()
