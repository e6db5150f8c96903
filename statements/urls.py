from django.urls import path

from statements import views

app_name = "statements"

urlpatterns = [
    path("", views.account_list, name="list"),
    path("credit-notes/<str:number>/pdf/", views.credit_note_pdf, name="credit_note_pdf"),
    path(
        "credit-notes/<str:number>/factur-x/",
        views.credit_note_facturx,
        name="credit_note_facturx",
    ),
    path("payments/<str:reference>/", views.payment_detail, name="payment_detail"),
    path("<str:account>/<str:currency>/", views.statement, name="statement"),
    path("<str:account>/<str:currency>/pdf/", views.statement_pdf, name="statement_pdf"),
    path(
        "<str:account>/<str:currency>/export/<str:fmt>/",
        views.statement_export,
        name="statement_export",
    ),
]
