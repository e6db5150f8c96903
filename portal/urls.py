from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from portal import job_views, notification_views, views
from portal.access_urls import urlpatterns as access_patterns

portal_patterns = [
    path("", views.home, name="home"),
    path("language/", views.set_language, name="set_language"),
    path("healthz", views.healthz, name="healthz"),
    path("files/", job_views.job_list, name="jobs"),
    path("files/<int:pk>/", job_views.job_detail, name="job"),
    path("files/<int:pk>/download/", job_views.job_download, name="job_download"),
    path("session/extend/", views.session_extend, name="session_extend"),
    path("notifications/", notification_views.notification_list, name="notifications"),
    path("notifications/bell/", notification_views.bell, name="bell"),
    path("notifications/<int:pk>/", notification_views.notification_open, name="notification_open"),
    path(
        "notifications/read/",
        notification_views.notifications_read_all,
        name="notifications_read_all",
    ),
]

urlpatterns = [
    path("", include((portal_patterns + access_patterns, "portal"))),
    path("accounts/", include("allauth.urls")),
    path(settings.ADMIN_PATH, admin.site.urls),
    path("contracts/", include("contracts.urls")),
    path("orders/", include("orders.urls")),
    path("invoices/", include("invoices.urls")),
    path("statements/", include("statements.urls")),
    path("inventory/", include("inventory.urls")),
    path("requests/", include("requests_inbox.urls")),
]

handler400 = "portal.views.bad_request"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
handler403 = "portal.views.permission_denied"
