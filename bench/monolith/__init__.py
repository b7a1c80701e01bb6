"""The baseline: the Django monolith a team would otherwise keep, with one plain JSON view.

Not part of the product. Users and posts live in one PostgreSQL database, so the view answers
scenario 2 (the viewer's posts with their author's email) with one hand-written join. It is served
like the subgraphs (uvicorn workers, same middleware, same pool) and authenticated by the same
RS256 access tokens, verified by the same code (subgraph_kit.tokens).
"""
