from django.urls import path

from requests_inbox import views

app_name = "requests_inbox"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("export/", views.request_export, name="export"),
    path("new/", views.request_create, name="create"),
    path("<str:number>/", views.request_detail, name="detail"),
    path("<str:number>/reply/", views.request_reply_view, name="reply"),
    path("<str:number>/close/", views.request_close_view, name="close"),
    path("<str:number>/reopen/", views.request_reopen_view, name="reopen"),
    path("<str:number>/rate/", views.request_rate_view, name="rate"),
    path("<str:number>/files/<uuid:file_id>/", views.attachment_download, name="attachment"),
]
