"""Seed demo data (idempotent) and print the demo sign-ins."""

import importlib

from django.apps import apps
from django.core.management.base import BaseCommand

from portal.demo import DEMO_PASSWORD, USERS, seed_platform


class Command(BaseCommand):
    help = "Create demo countries, companies, users and each application's demo data."

    def handle(self, *args, **options):
        world = seed_platform()
        for config in apps.get_app_configs():
            if config.name == "portal":
                continue
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
                continue
            module.seed(world)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready. Sign in with (password for all: {DEMO_PASSWORD}):"
            )
        )
        for email, _first, _last, _lang, _staff, memberships in USERS:
            where = (
                ", ".join(
                    f"{world.companies[n].name}{' (admin)' if admin else ''}: {role or 'pending request'}"
                    for n, admin, role in memberships
                )
                or "customer-service agent (admin site)"
            )
            self.stdout.write(f"  {email:28} {where}")
