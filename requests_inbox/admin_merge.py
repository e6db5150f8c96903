"""Merging duplicate requests from the queue, after a confirmation naming the survivor."""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from requests_inbox.services import request_merge


@admin.action(description=gettext_lazy("Merge duplicates…"), permissions=["change"])
def merge_duplicates(
    modeladmin: Any, request: HttpRequest, queryset: QuerySet
) -> HttpResponse | None:
    """The oldest selected request stays; the others move into it and are closed."""
    selected = list(queryset.select_related("company", "requester").order_by("created_at", "pk"))
    if len(selected) < 2:
        messages.error(request, _("Choose at least two requests to merge."))
        return None
    target, duplicates = selected[0], selected[1:]
    if request.POST.get("confirm") == "yes":
        try:
            request_merge(target=target, duplicates=duplicates, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("%(count)d request(s) merged into %(number)s; the customer has been told.")
                % {"count": len(duplicates), "number": target.number},
            )
        return None
    return TemplateResponse(
        request,
        "admin/requests_inbox/request/merge_confirmation.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": _("Merge duplicates"),
            "opts": modeladmin.model._meta,
            "target": target,
            "duplicates": duplicates,
            "selected": selected,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        },
    )
