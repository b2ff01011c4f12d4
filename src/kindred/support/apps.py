from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "kindred.support"
    label = "support"

    def ready(self) -> None:
        # Intake sends; support listens (layers point one way). Imported here because models
        # cannot be imported before the app registry is ready.
        from kindred.intake.actions import deletion_requested, request_withdrawn
        from kindred.support.actions import open_deletion_task
        from kindred.support.signals import end_matches_when_withdrawn

        deletion_requested.connect(open_deletion_task, dispatch_uid="support-deletion-task")
        request_withdrawn.connect(
            end_matches_when_withdrawn, dispatch_uid="support-withdrawn-request"
        )
        # The kept pool (volunteers, below) builds a program's pool the first time it is read
        # and needs every open match count then: support hands it the counter.
        from kindred.support.match_facts import open_match_counts
        from kindred.volunteers import pool

        pool.count_open_matches_with(open_match_counts)
