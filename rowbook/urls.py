from django.contrib.auth import views as auth_views
from django.urls import include, path

from rowbook.core import about
from rowbook.core.sign_in import SignInForm
from rowbook.core import views as core_views

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True,
                                                    authentication_form=SignInForm), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", core_views.healthz, name="healthz"),
    path("version", core_views.version, name="version"),
    path("about/", about.about, name="about"),
    path("", include("rowbook.connections.urls")),
    path("", include("rowbook.browser.urls")),
]

# A failing internal database gets a 503 page that says so (rowbook/core/database_down.py).
handler500 = "rowbook.core.database_down.server_error"
