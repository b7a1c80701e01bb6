"""Benchmark of the federated stack against the Django monolith it replaces (`make bench`).

`python -m bench --help` lists the options; bench/README.md explains the scenarios.
"""
