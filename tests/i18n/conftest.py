from tests.assessments.conftest import rnd  # noqa: F401 (the respondent journey's round)
