"""`python manage.py export_schema`: print the subgraph's SDL, as the router composes it."""

from django.core.management.base import BaseCommand

from accounts.schema import schema


class Command(BaseCommand):
    help = "Print the users subgraph's federation SDL."

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(schema.as_str())
