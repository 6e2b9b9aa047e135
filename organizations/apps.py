from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = "Organisations and people"

    def ready(self):
        from . import (  # noqa: F401 - connect the signal receivers
            account_events,
            audit,
        )
