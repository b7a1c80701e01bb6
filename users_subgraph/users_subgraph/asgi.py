"""ASGI entry point: `uvicorn users_subgraph.asgi:application --host 127.0.0.1 --port 4001`."""

from subgraph_kit.asgi import get_subgraph_asgi_application

application = get_subgraph_asgi_application("users_subgraph.settings")
