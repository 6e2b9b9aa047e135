from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Questionnaires and assessments"

    def ready(self):
        from . import logging as token_logging

        token_logging.install()
