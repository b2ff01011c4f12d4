from django.apps import AppConfig


class TestAppConfig(AppConfig):
    name = "tests.confidential.testapp"
    label = "testapp"
