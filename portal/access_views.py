"""Views of the ID and access flows (filled in by the ID/access issue)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from portal.middleware import ACTIVE_COMPANY_KEY
from portal.models import Membership


def request_access(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/request_access.html", {"app": request.GET.get("app", "")})


@require_POST
def switch_company(request: HttpRequest) -> HttpResponse:
    """Change the active company; only a company the user is a member of is accepted."""
    try:
        company_id = int(request.POST.get("company", ""))
    except ValueError:
        company_id = 0
    if Membership.objects.filter(user=request.user, company_id=company_id).exists():
        request.session[ACTIVE_COMPANY_KEY] = company_id
    return redirect("portal:home")
