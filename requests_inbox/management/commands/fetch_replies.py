"""Read customers' e-mail replies (Maildir or IMAP) and thread them onto their requests."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from requests_inbox.inbound import fetch, read_imap, read_maildir


class Command(BaseCommand):
    help = "Add customers' e-mail replies to their requests (Maildir with --maildir, else IMAP)."

    def add_arguments(self, parser):
        parser.add_argument("--maildir", help="Path of a Maildir to read.")
        parser.add_argument(
            "--imap",
            help="imaps://user:password@host/FOLDER (default: INBOUND_IMAP_URL from the environment).",
        )

    def handle(self, *args, **options):
        if options["maildir"]:
            if not os.path.isdir(options["maildir"]):
                raise CommandError(f"No Maildir at {options['maildir']}")
            source = read_maildir(options["maildir"])
        else:
            url = options["imap"] or settings.INBOUND_IMAP_URL
            if not url:
                raise CommandError("Give --maildir PATH, --imap URL or set INBOUND_IMAP_URL.")
            source = read_imap(url)
        counts = fetch(source)
        self.stdout.write(
            "matched={matched} unmatched={unmatched} skipped={skipped}".format(**counts)
        )
