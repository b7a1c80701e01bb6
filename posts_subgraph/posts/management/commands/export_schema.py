"""`manage.py export_schema`: print this subgraph's federation SDL (what the router composes)."""

from django.core.management.base import BaseCommand

from posts.schema import schema


class Command(BaseCommand):
    help = "Print the posts subgraph's SDL, with its federation @link."

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(schema.as_str())
