"""The hand-offs up the chain of apps: the one place where a lower app says "this happened"
and a higher app acts on it.

The apps depend on each other in one direction (organizations → assessments → alignment →
reports → workspace; the contract is in pyproject.toml and `lint-imports` holds it). Work that
flows upwards — scoring after the second submit, a report after scoring or after a workshop —
must not import the higher app from the lower one, so the lower app sends one of these Django
signals and the higher app connects a receiver in its ``AppConfig.ready()`` (its
``handoffs.py``). Receivers only enqueue work (on commit); they never do it in the sender's
request. Future subscribers (webhooks) connect to the same signals.

| signal | sent by | when | received by |
|---|---|---|---|
| ``assessment_submitted`` | assessments.services.respondent_submit | the second executive submitted | alignment: enqueue ``score_assessment`` |
| ``assessment_scored`` | alignment.tasks.score_assessment | a result was stored | reports: ask for the PDF report |
| ``workshop_finished`` | workspace.services.workshop_finish | the consultant finished a workshop | reports: ask for a fresh report |
| ``report_ready`` | reports.services | a PDF was rendered and stored | (none yet) |

Every signal is sent with ``sender`` = the model class and keyword arguments named below.
"""

from django.dispatch import Signal

# assessment_id: int; sends: config.tasking.Sends or None, where receivers record whether
# their work reached the task queue (the submit page and import_responses say so).
# Sent inside the submit's transaction; receivers enqueue on commit.
assessment_submitted = Signal()
# result: AlignmentResult (its assessment loaded).
assessment_scored = Signal()
# session: WorkshopSession, by: the user who finished it (or None).
workshop_finished = Signal()
# report: Report.
report_ready = Signal()
