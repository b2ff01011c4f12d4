from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "kindred.web"
    label = "web"
    verbose_name = "Pages, layout and security headers"
