from django.urls import path

from orders import views

app_name = "orders"

urlpatterns = [
    path("", views.order_list, name="list"),
    path("export/", views.order_export, name="export"),
    path("order/<str:number>/", views.order_detail, name="detail"),
    path("reports/", views.report_list, name="reports"),
    path("reports/save/", views.report_save, name="report_save"),
    path("reports/<str:key>/", views.report_detail, name="report"),
    path("reports/<str:key>/download/<str:fmt>/", views.report_download, name="report_download"),
    path("reports/<str:key>/email/", views.report_email, name="report_email"),
    path("reports/<str:key>/schedule/", views.report_schedule, name="report_schedule"),
    path("reports/<str:key>/delete/", views.report_delete, name="report_delete"),
    path("schedules/<int:pk>/delete/", views.schedule_delete, name="schedule_delete"),
    path("guest/", views.guest_lookup_view, name="guest"),
]
