from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "PDF reports"

    def ready(self):
        from . import handoffs  # noqa: F401  (connects the receivers; see config.handoffs)
