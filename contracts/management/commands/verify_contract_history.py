"""Check every contract's hash-chained history; exit 1 at the first broken entry."""

from django.core.management.base import BaseCommand, CommandError

from contracts.history import verify_chain
from contracts.models import Contract


class Command(BaseCommand):
    help = "Verify the hash chain of contract histories and report the first broken entry."

    def add_arguments(self, parser):
        parser.add_argument("--contract", help="Only the contracts with this number.")

    def handle(self, *args, **options):
        contracts = None
        if options.get("contract"):
            contracts = Contract.objects.filter(number=options["contract"])
        broken = verify_chain(contracts)
        if broken is not None:
            raise CommandError(
                f"Broken history: contract {broken.contract_number} (id {broken.contract_id}), "
                f"entry #{broken.seq} (event id {broken.event_id}): {broken.reason}."
            )
        self.stdout.write(self.style.SUCCESS("Contract history intact."))
