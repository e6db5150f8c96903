"""The columns of the contract spreadsheets (the list's download and its background job)."""

from django.utils.translation import gettext_lazy as _

from portal.exports import Column

COLUMNS = [
    Column(_("Number"), lambda c: c.number),
    Column(_("Title"), lambda c: c.title),
    Column(_("Type"), lambda c: c.get_type_display()),
    Column(_("Status"), lambda c: c.get_status_display()),
    Column(_("Start date"), lambda c: c.start_date),
    Column(_("End date"), lambda c: c.end_date),
    Column(_("Renewal notice date"), lambda c: c.renewal_date),
    Column(_("Value"), lambda c: c.value),
    Column(_("Currency"), lambda c: c.currency),
    Column(_("Supplier-side owner"), lambda c: c.supplier_owner),
    Column(_("Renewal terms"), lambda c: c.renewal_terms),
    Column(_("SLA response time (hours)"), lambda c: c.sla_response_hours),
    Column(_("SLA coverage hours"), lambda c: c.sla_coverage_hours),
]
