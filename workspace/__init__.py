"""The consultant's workspace: the dashboard's figures, the workshop (presenter view, agreed
positions and actions), rounds and trends, the portfolio across clients, and exports.

Layout: `access` (who may open what), `selectors` (reads for the workshop and the gap map),
`services` (writes), `rounds` (comparing two rounds), `dashboard`, `portfolio`, `forms`,
`views` and `urls`. Spreadsheets are written by `alignment.spreadsheets`.

Access everywhere: consultants and admins of the organisation (and site staff), through
`organizations.selectors`; anyone else gets a 404. Executives never reach these pages: their
personal links open only the respondent journey.
"""
