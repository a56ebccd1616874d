from rowbook import __version__
from rowbook.core.about import is_admin


def rowbook(request):
    # The version only for admins, as on the About page: anyone else (and
    # anyone not signed in) should not learn which fixes this Rowbook lacks.
    user = getattr(request, "user", None)
    return {"rowbook_version": __version__ if user is not None and is_admin(user) else ""}
