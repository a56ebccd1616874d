from django.urls import path

from rowbook.connections import views

urlpatterns = [
    path("databases/", views.database_list, name="databases"),
    path("databases/add/", views.database_add, name="database-add"),
    path("databases/<int:pk>/edit/", views.database_edit, name="database-edit"),
    path("databases/<int:pk>/remove/", views.database_remove, name="database-remove"),
    path("databases/<int:pk>/activate/", views.database_activate, name="database-activate"),
]
