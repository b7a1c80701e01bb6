from subgraph_kit.testing import subgraph_client  # noqa: F401 (the `client` fixture)
