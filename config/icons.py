"""/favicon.ico: browsers ask for it on pages that do not name an icon (the Django admin,
a PDF opened in a tab); answer with Parley's icon instead of a 404 in their console. Pages
built on templates/base.html name the icon themselves."""

from django.templatetags.static import static
from django.views.generic import RedirectView


class FaviconView(RedirectView):
    permanent = True

    def get_redirect_url(self, *args, **kwargs) -> str:
        return static("icons/parley.svg")
