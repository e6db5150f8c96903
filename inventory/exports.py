"""The inventory list's columns, shared by the CSV and XLSX downloads."""

from django.utils.translation import gettext_lazy as _

from portal.exports import Column

COLUMNS = [
    Column(_("Site"), lambda i: i.site.name),
    Column(_("Kind"), lambda i: i.get_kind_display()),
    Column(_("Serial number"), lambda i: i.serial_number),
    Column(_("Machine type"), lambda i: i.machine_type),
    Column(_("Model"), lambda i: i.model),
    Column(_("Product"), lambda i: i.product),
    Column(_("Version"), lambda i: i.version),
    Column(_("Quantity"), lambda i: i.quantity),
    Column(_("Description"), lambda i: i.description),
    Column(_("Installation date"), lambda i: i.installed_on),
    Column(_("Warranty end"), lambda i: i.warranty_end),
    Column(
        _("Maintenance contract"),
        lambda i: i.maintenance_contract.number if i.maintenance_contract else "",
    ),
    Column(_("Maintenance"), lambda i: i.get_coverage_status_display()),
    Column(_("Lease end"), lambda i: i.lease_end),
]
