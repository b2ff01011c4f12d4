from django.apps import AppConfig


class TopicsConfig(AppConfig):
    name = "kindred.topics"
    label = "topics"
    verbose_name = "Topic taxonomy"
