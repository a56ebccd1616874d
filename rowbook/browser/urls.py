from django.urls import path
from django.views.generic import RedirectView

from rowbook.browser import views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="tables"), name="home"),
    path("tables/", views.tables, name="tables"),
    path("tables/<str:schema>/<str:table>/", views.rows, name="rows"),
]
