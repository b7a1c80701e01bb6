"""ASGI entry point: `uvicorn bench.monolith.asgi:application` from the repository root."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.monolith.settings")

application = get_asgi_application()
