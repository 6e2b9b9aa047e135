from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = "Organisations and people"

    def ready(self):
        from . import audit  # noqa: F401 - connects the sign-in signal receivers
