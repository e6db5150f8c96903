from django.urls import path

from inventory import views

app_name = "inventory"

urlpatterns = [
    path("", views.inventory_home, name="home"),
    path("add/", views.item_add, name="add"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("items/<int:pk>/<str:kind>/", views.item_change, name="change"),
]
