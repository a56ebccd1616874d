from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "rowbook.core"
    label = "rowbook_core"
    verbose_name = "Rowbook"
