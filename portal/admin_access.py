"""Access requests decided from their page in the admin (where the agents' e-mail links to).

The agent chooses the role and writes the reason; the decision goes through the same
services as the company administrators' (events, e-mail to the requester). The page
names the company's own administrators: agents decide where there are none, or say why.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.http import PortalRequest
from portal.models import Authorization, Membership, Role
from portal.services import access_request_approve, access_request_refuse


def decision_context(authorization: Authorization) -> dict[str, Any]:
    admins = (
        Membership.objects.for_company(authorization.company)
        .admins()
        .select_related("user")
        .order_by("user__email")
    )
    return {
        "company_admins": [m.user for m in admins],
        "roles": Role.choices,
        "pending": authorization.status == Authorization.Status.PENDING,
    }


def decide_view(model_admin: Any, request: PortalRequest, pk: int) -> HttpResponse:
    """POST only: approve (with a role) or refuse (with a reason) one access request."""
    authorization = get_object_or_404(Authorization, pk=pk)
    if request.method != "POST" or not model_admin.has_change_permission(request, authorization):
        raise PermissionDenied
    back = reverse("admin:portal_authorization_change", args=[authorization.pk])
    note = request.POST.get("note", "").strip()[:500]
    try:
        if request.POST.get("decision") == "approve":
            access_request_approve(
                authorization=authorization,
                actor=request.user,
                role=request.POST.get("role") or None,
                note=note,
            )
            messages.success(request, _("Access granted; the requester has been told by e-mail."))
        elif request.POST.get("decision") == "refuse":
            if not note:
                raise ValidationError(_("Please write the reason for the refusal."))
            access_request_refuse(authorization=authorization, actor=request.user, note=note)
            messages.success(request, _("Access refused; the requester has been told why."))
        else:
            raise ValidationError(_("Please choose to approve or refuse."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return HttpResponseRedirect(back)
