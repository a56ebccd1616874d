from rowbook import __version__


def rowbook(request):
    return {"rowbook_version": __version__}
