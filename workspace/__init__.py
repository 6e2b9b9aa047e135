"""The consultant's workspace, the top app: the dashboard, the results pages (the consultant's
and the executives'), the workshop (presenter view, agreed positions and actions), the gap map,
rounds and trends, the portfolio across clients, and exports.

Layout: `selectors` (the workshop deck and the gap map, on the read model of a round),
`services` (writes), `dashboard`, `portfolio`, `forms`, `views/` (dashboard, results, workshop)
and `urls`; `management/commands/seed_demo`. Rounds are worded by `alignment.presentation`,
spreadsheets written by `alignment.spreadsheets`, the PDF by `reports`.

Access everywhere through `assessments.access`: consultants and admins of the organisation (and
site staff) manage a round; anyone else gets a 404. Executives reach only their results page,
through their personal link, once both have submitted.
"""
