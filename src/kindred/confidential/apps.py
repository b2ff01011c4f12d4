from django.apps import AppConfig


class ConfidentialConfig(AppConfig):
    name = "kindred.confidential"
    label = "confidential"
    verbose_name = "Confidential core"

    def ready(self) -> None:
        from kindred.confidential import database_files, signals  # noqa: F401  (receivers)
