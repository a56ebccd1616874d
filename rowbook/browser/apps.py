from django.apps import AppConfig


class BrowserConfig(AppConfig):
    name = "rowbook.browser"
    label = "rowbook_browser"
    verbose_name = "Table browser"
