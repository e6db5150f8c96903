"""PostgreSQL only: trigram indexes so the case-insensitive order and PO number search
(contains, any case) and the guest lookup (any case) use an index."""

from django.db import migrations

from portal.search_indexes import trigram_indexes


class Migration(migrations.Migration):
    dependencies = [("orders", "0003_order_number_upper_index")]

    operations = [trigram_indexes("orders_order", ["number", "customer_po"])]
