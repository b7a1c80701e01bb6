"""ASGI entry point: `uvicorn posts_subgraph.asgi:application --host 127.0.0.1 --port 4002`."""

from subgraph_kit.asgi import get_subgraph_asgi_application

application = get_subgraph_asgi_application("posts_subgraph.settings")
