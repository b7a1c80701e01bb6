"""Shared building blocks of the Django + Strawberry federation subgraphs in this repository."""
