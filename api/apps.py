from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API and webhooks"

    def ready(self):
        from . import handoffs  # noqa: F401  (connects the webhook receivers; config.handoffs)
