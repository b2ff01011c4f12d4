from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "kindred.support"
    label = "support"

    def ready(self) -> None:
        # Intake sends; support listens (layers point one way).
        from kindred.intake.actions import deletion_requested
        from kindred.support.actions import open_deletion_task

        deletion_requested.connect(open_deletion_task, dispatch_uid="support-deletion-task")
