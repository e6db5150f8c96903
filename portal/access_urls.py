"""ID and access pages: request access, my company, company switch, profile, help."""

from django.urls import path

from portal import access_views

urlpatterns = [
    path("access/request/", access_views.request_access, name="request_access"),
    path("company/switch/", access_views.switch_company, name="switch_company"),
    path("profile/", access_views.profile, name="profile"),
    path("help/", access_views.help_page, name="help"),
    path("company/", access_views.my_company, name="my_company"),
    path("company/requests/<int:pk>/approve/", access_views.access_approve, name="access_approve"),
    path("company/requests/<int:pk>/refuse/", access_views.access_refuse, name="access_refuse"),
    path(
        "company/authorizations/<int:pk>/role/",
        access_views.authorization_role,
        name="authorization_role",
    ),
    path(
        "company/authorizations/<int:pk>/revoke/",
        access_views.authorization_revoke,
        name="authorization_revoke",
    ),
    path("company/members/<int:pk>/grant/", access_views.member_grant, name="member_grant"),
    path("company/report-domains/", access_views.report_domains, name="report_domains"),
    path("company/members/<int:pk>/admin/", access_views.member_admin, name="member_admin"),
]
