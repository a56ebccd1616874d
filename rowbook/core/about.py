"""The "About and updates" page, for admins: version, install method, newer release and how to upgrade."""

from urllib.parse import urljoin

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

import rowbook
from rowbook import install_methods, upgrade_steps
from rowbook.core import release_feed


def is_admin(user) -> bool:
    return user.is_authenticated and (user.is_staff or user.is_superuser)


@login_required
def about(request):
    if not is_admin(request.user):
        raise Http404  # other users should not learn the version or how it is hosted
    method = install_methods.BY_NAME[settings.ROWBOOK_INSTALL_METHOD]
    context = {
        "version": rowbook.__version__,
        "method": method,
        "check_enabled": settings.ROWBOOK_UPDATE_CHECK,
        "feed_url": settings.ROWBOOK_RELEASE_FEED_URL,
    }
    if settings.ROWBOOK_UPDATE_CHECK:
        check = release_feed.check(settings.ROWBOOK_RELEASE_FEED_URL)
        context["problem"] = check.problem
        newest = context["newest"] = check.newest
        if newest and release_feed.is_newer(newest.version):
            context["steps"] = upgrade_steps.steps(method.name, newest.version)
            # The feed's link for this method and version; the Upgrade page if it has none.
            context["docs_url"] = newest.upgrade_urls.get(method.name) or urljoin(
                settings.ROWBOOK_RELEASE_FEED_URL, method.upgrade_link)
    return render(request, "rowbook/about.html", context)
