from django.urls import path

from contracts import views

app_name = "contracts"

urlpatterns = [
    path("", views.contract_list, name="list"),
    path("export/", views.contract_export, name="export"),
    path("my-actions/", views.needs_action, name="needs_action"),
    path("new/", views.contract_create, name="create"),
    path("signers/", views.signing_authorities, name="signers"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/new/", views.calendar_create, name="calendar_create"),
    path("calendar/<int:pk>/revoke/", views.calendar_revoke, name="calendar_revoke"),
    path("calendar/feed/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("<str:number>/", views.contract_detail, name="detail"),
    path("<str:number>/print.pdf", views.contract_print, name="print"),
    path("<str:number>/v<int:version>/document/", views.version_document, name="document"),
    path("<str:number>/v<int:version>/signed.pdf", views.signed_pdf, name="signed_pdf"),
    path("<str:number>/versions/new/", views.version_add, name="add_version"),
    path("<str:number>/submit/", views.contract_submit, name="submit"),
    path("<str:number>/route/", views.contract_route, name="route"),
    path("<str:number>/approve/", views.step_approve, name="approve"),
    path("<str:number>/reject/", views.step_reject, name="reject"),
    path("<str:number>/sign/", views.contract_sign, name="sign"),
    path("<str:number>/activate/", views.contract_activate, name="activate"),
    path("<str:number>/terminate/", views.contract_terminate, name="terminate"),
    path("<str:number>/renew/", views.contract_renew, name="renew"),
]
