"""The one mixin every agents' ModelAdmin that changes records starts from.

It combines the optimistic version check (no lost updates), the audit of old ->
new values and the read-only tenant key. A test enumerates the admin registry and
fails when an editable ModelAdmin does without it.
"""

from portal.admin_audit import AuditValuesMixin
from portal.admin_concurrency import VersionCheckMixin
from portal.admin_tenancy import TenantKeysReadOnlyMixin


class GuardedAdminMixin(VersionCheckMixin, AuditValuesMixin, TenantKeysReadOnlyMixin):
    # A customer's page is no use to an agent (it sends them to "request access").
    view_on_site = False
