from django.apps import AppConfig


class VolunteersConfig(AppConfig):
    name = "kindred.volunteers"
    label = "volunteers"
