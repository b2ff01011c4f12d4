from django.apps import AppConfig
from django.core import checks


class IntakeConfig(AppConfig):
    name = "kindred.intake"
    label = "intake"
    verbose_name = "Requests for support"

    def ready(self) -> None:
        from kindred.intake.checks import every_program_can_be_alerted

        # Tagged "database": Django runs it only when a database is named.
        checks.register(every_program_can_be_alerted, checks.Tags.database)
