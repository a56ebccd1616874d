from django.urls import path, register_converter
from django.views.generic import RedirectView

from rowbook.browser import views
from rowbook.browser.names import NameConverter

register_converter(NameConverter, "name")

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="tables"), name="home"),
    path("tables/", views.tables, name="tables"),
    path("tables/<name:schema>/<name:table>/", views.rows, name="rows"),
]
