"""The kit as a Django app (INSTALLED_APPS "subgraph_kit"): hooks that must be in place early."""

import logging

from django.apps import AppConfig
from django.db.backends.signals import connection_created

from subgraph_kit.request_context import install_query_counter


class SubgraphKitConfig(AppConfig):
    name = "subgraph_kit"
    verbose_name = "Subgraph kit"

    def ready(self) -> None:
        # Before any database connection opens, so that every connection counts its queries.
        connection_created.connect(install_query_counter, dispatch_uid="subgraph_kit.query_counter")
        # Python warnings would be printed to stderr as they are, in the middle of the JSON lines;
        # captured, they are log records (logger "py.warnings") like any other.
        logging.captureWarnings(True)
