"""ID and access pages: request access, my company, company switch, profile, help."""

from django.urls import path

from portal import access_views

urlpatterns = [
    path("access/request/", access_views.request_access, name="request_access"),
    path("company/switch/", access_views.switch_company, name="switch_company"),
]
