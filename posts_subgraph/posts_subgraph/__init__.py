"""The posts subgraph: a Django project serving an Apollo Federation 2 subgraph."""
