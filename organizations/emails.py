"""Email subjects: plain text, one line.

A subject is not HTML: rendered with autoescaping on, "O'Brien & Sons" arrived as
"O&#x27;Brien &amp; Sons". Rendered with it off, a value could carry a newline (a header
injection, which Django refuses with BadHeaderError, losing the email) or a control character:
so the result is collapsed to one line and cleaned by the text sanitiser.
"""

from django.template import Context, Engine

from config.text import one_line


def render_subject(template_name: str, context: dict) -> str:
    """The subject template rendered without HTML escaping, as one clean line."""
    template = Engine.get_default().get_template(template_name)
    return one_line(template.render(Context(context, autoescape=False)))
