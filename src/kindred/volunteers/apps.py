from django.apps import AppConfig


class VolunteersConfig(AppConfig):
    name = "kindred.volunteers"
    label = "volunteers"

    def ready(self) -> None:
        # Programs sends; volunteering listens (layers point one way). Imported here because
        # models cannot be imported before the app registry is ready.
        from kindred.programs.actions import program_created
        from kindred.volunteers.signals import set_up_new_program

        program_created.connect(set_up_new_program, dispatch_uid="volunteers-set-up-program")

        # The kept pool follows its program's rules and forgets deleted profiles.
        from django.db.models.signals import post_delete, post_save

        from kindred.programs.models import Program
        from kindred.volunteers import pool
        from kindred.volunteers.models import VolunteerProfile

        post_save.connect(pool.program_saved, sender=Program, dispatch_uid="volunteers-pool-rules")
        post_delete.connect(
            pool.profile_deleted, sender=VolunteerProfile, dispatch_uid="volunteers-pool-forget"
        )
