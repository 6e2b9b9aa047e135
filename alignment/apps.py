from django.apps import AppConfig


class AlignmentConfig(AppConfig):
    name = "alignment"
    verbose_name = "Alignment scoring and results"

    def ready(self):
        from . import handoffs  # noqa: F401  (connects the receivers; see config.handoffs)
