from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "kindred.support"
    label = "support"
