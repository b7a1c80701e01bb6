"""ASGI entry point: `uvicorn users_subgraph.asgi:application --host 127.0.0.1 --port 4001`."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "users_subgraph.settings")

application = get_asgi_application()
