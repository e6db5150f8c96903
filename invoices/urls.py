from django.urls import path

from invoices import views

app_name = "invoices"

urlpatterns = [
    path("", views.invoice_list, name="list"),
    path("export/", views.invoice_export, name="export"),
    path("zip/", views.zip_selection, name="zip_selection"),
    path("shared/<str:token>/", views.shared, name="shared"),
    path("shared/<str:token>/pdf/", views.shared_pdf, name="shared_pdf"),
    path("<str:number>/", views.invoice_detail, name="detail"),
    path("<str:number>/pdf/", views.invoice_pdf, name="pdf"),
    path("<str:number>/pdf/download/", views.invoice_pdf_download, name="pdf_download"),
    path("<str:number>/factur-x/", views.invoice_facturx, name="facturx"),
    path("<str:number>/copy/", views.invoice_copy, name="copy"),
    path("<str:number>/links/<int:pk>/revoke/", views.revoke_link, name="revoke_link"),
    path("<str:number>/decide/", views.invoice_decide, name="decide"),
    path("<str:number>/dispute/", views.invoice_dispute, name="dispute"),
]
