"""The smallest WSGI application, for bench_questionnaire.py's "gunicorn alone" figure: it
reads the request body and answers "ok", so the CPU gunicorn spends on it is gunicorn's own
(accepting the connection, parsing the request, writing the response)."""


def application(environ, start_response):
    environ["wsgi.input"].read()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
    return [b"ok"]
