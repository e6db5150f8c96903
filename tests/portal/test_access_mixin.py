"""AppAccessMixin, the class-view form of the gate, answers like app_view."""

import pytest
from django.http import Http404, HttpResponse
from django.views import View

from portal.access import AppAccessMixin, app_view

pytestmark = pytest.mark.django_db


class InvoicesPage(AppAccessMixin, View):
    app = "invoices"

    def get(self, request):
        return HttpResponse(f"invoices of {request.company.name}")


def test_class_view_lets_an_authorized_member_in(rf, viewer, company):
    request = rf.get("/invoices/")
    request.user, request.company = viewer, company

    response = InvoicesPage.as_view()(request)

    assert response.status_code == 200
    assert response.content.decode() == "invoices of ACME France SA"


def test_class_view_sends_a_member_without_rights_to_request_access(rf, no_rights, company):
    request = rf.get("/invoices/")
    request.user, request.company = no_rights, company

    response = InvoicesPage.as_view()(request)

    assert response.status_code == 302
    assert "app=invoices" in response.url


def test_class_view_answers_404_when_the_country_does_not_offer_the_app(rf, viewer, company):
    company.country.apps = [app for app in company.country.apps if app != "invoices"]
    company.country.save()
    request = rf.get("/invoices/")
    request.user, request.company = viewer, company

    with pytest.raises(Http404):
        InvoicesPage.as_view()(request)


def test_class_view_carries_the_same_markers_as_a_function_view():
    view = InvoicesPage.as_view()
    function = app_view("invoices")(lambda request: HttpResponse())

    assert (view.gate_app, view.gate_role) == (function.gate_app, function.gate_role)
