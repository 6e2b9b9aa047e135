from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Questionnaires and assessments")

    def ready(self):
        from . import logging as token_logging

        token_logging.install()
