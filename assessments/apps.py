from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Questionnaires and assessments")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import access
        from . import logging as token_logging

        token_logging.install()
        user_logged_in.connect(access.remember_bank_editor, dispatch_uid="bank_editor_nav")
