"""The Databases page: add, list, rename/edit, remove and switch user databases."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from rowbook.connections.active import active_connection, set_active
from rowbook.connections.forms import ConnectionForm
from rowbook.connections.models import Connection, UserPreference


@login_required
def database_list(request):
    active = active_connection(request.user)
    rows = [{"c": c, "active": active is not None and c.pk == active.pk,
             "problem": c.password_problem}
            for c in Connection.objects.all()]
    return render(request, "connections/list.html", {"rows": rows})


@login_required
def database_add(request):
    form = ConnectionForm(request.POST or None, user=request.user)
    connection = None
    if request.method == "POST" and form.is_valid():
        connection = form.save_unless_name_taken()
    if connection is not None:
        if not UserPreference.objects.filter(user=request.user, active__isnull=False).exists():
            set_active(request.user, connection)  # the first one becomes active
        messages.success(request, f'Added "{connection.name}".')
        return redirect("databases")
    return render(request, "connections/form.html", {"form": form, "adding": True})


@login_required
def database_edit(request, pk):
    connection = get_object_or_404(Connection, pk=pk)
    form = ConnectionForm(request.POST or None, instance=connection, user=request.user)
    if request.method == "POST" and form.is_valid() and form.save_unless_name_taken():
        messages.success(request, f'Saved "{connection.name}".')
        return redirect("databases")
    return render(request, "connections/form.html",
                  {"form": form, "adding": False, "connection": connection,
                   "problem": connection.password_problem})


@login_required
def database_remove(request, pk):
    connection = get_object_or_404(Connection, pk=pk)
    if request.method == "POST":
        connection.delete()
        messages.success(request, f'Removed "{connection.name}".')
        return redirect("databases")
    return render(request, "connections/remove.html", {"connection": connection})


@login_required
@require_POST
def database_activate(request, pk):
    connection = get_object_or_404(Connection, pk=pk)
    set_active(request.user, connection)
    messages.success(request, f'Now browsing "{connection.name}".')
    return redirect("tables")
