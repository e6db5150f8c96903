"""Agents maintain orders, lines, shipments, carriers and reports in the admin.

A status change made here writes the timeline step through the service.
"""

from django.contrib import admin

from orders import services
from orders.models import (
    Carrier,
    Order,
    OrderLine,
    OrderStatusChange,
    ReportSchedule,
    SavedReport,
    Shipment,
)
from portal.admin_guards import GuardedAdminMixin


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    exclude = ["company"]


class ShipmentInline(admin.TabularInline):
    model = Shipment
    extra = 0
    exclude = ["company", "lines"]
    autocomplete_fields = ["carrier"]


class StatusChangeInline(admin.TabularInline):
    model = OrderStatusChange
    extra = 0
    exclude = ["company"]
    readonly_fields = ["status", "at", "note"]
    can_delete = False

    def has_add_permission(self, request, obj=None):  # noqa: ANN001
        return False


@admin.register(Order)
class OrderAdmin(GuardedAdminMixin, admin.ModelAdmin):
    list_display = ["number", "company", "customer_po", "ordered_on", "status", "total", "currency"]
    list_filter = ["status", "country"]
    search_fields = ["number", "customer_po", "company__name", "company__customer_number"]
    date_hierarchy = "ordered_on"
    raw_id_fields = ["company", "ship_to"]
    list_select_related = ["company"]
    inlines = [OrderLineInline, ShipmentInline, StatusChangeInline]

    def save_model(self, request, obj, form, change):  # noqa: ANN001
        status_changed = not change or "status" in form.changed_data
        new_status = obj.status
        super().save_model(request, obj, form, change)
        if status_changed:
            services.order_status_change(order=obj, status=new_status, note="admin")

    def save_formset(self, request, form, formset, change):  # noqa: ANN001
        instances = formset.save(commit=False)
        for instance in instances:
            if hasattr(instance, "company_id") and not instance.company_id:
                instance.company_id = form.instance.company_id
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


@admin.register(Shipment)
class ShipmentAdmin(GuardedAdminMixin, admin.ModelAdmin):
    list_display = ["order", "carrier", "tracking_number", "shipped_on", "delivered_on", "status"]
    list_filter = ["status", "carrier"]
    search_fields = ["tracking_number", "order__number"]
    raw_id_fields = ["order"]
    exclude = ["company"]
    filter_horizontal = ["lines"]

    def get_form(self, request, obj=None, **kwargs):  # noqa: ANN001
        form = super().get_form(request, obj, **kwargs)
        if obj is not None and "lines" in form.base_fields:
            form.base_fields["lines"].queryset = OrderLine.objects.filter(order=obj.order)
        elif "lines" in form.base_fields:
            form.base_fields["lines"].queryset = OrderLine.objects.none()
        return form


@admin.register(Carrier)
class CarrierAdmin(GuardedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "tracking_url_template"]
    search_fields = ["name"]


@admin.register(SavedReport)
class SavedReportAdmin(GuardedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "company", "owner", "shared", "created_at"]
    list_filter = ["shared"]
    search_fields = ["name", "company__name", "owner__email"]
    raw_id_fields = ["company", "owner"]


@admin.register(ReportSchedule)
class ReportScheduleAdmin(GuardedAdminMixin, admin.ModelAdmin):
    list_display = ["report_key", "company", "owner", "frequency", "format"]
    list_filter = ["frequency"]
    raw_id_fields = ["company", "owner", "saved_report"]
