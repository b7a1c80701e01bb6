"""The floors: what serving scenario 2a's page costs with nothing of the project's on top.

Three tiny ASGI apps, each served by one uvicorn worker (the images' serve.sh), with no database,
no middleware and no project code (nothing from subgraph_kit, no token check): they return the
same 20-post page with authors as federation stubs that the posts subgraph returns to the router.

- `django_app`: a plain async Django JSON view, `GET /my-posts?first=20`.
- `strawberry_asgi`: the Strawberry schema of `schema.py` on Strawberry's bare ASGI app.
- `django_app` again, `POST /graphql`: the same schema through
  `strawberry.django.views.AsyncGraphQLView`, the view the subgraphs build on.

The schema keeps Strawberry's ParserCache and ValidationCache, as the subgraphs do. The benchmark
loads them in the same rounds as the scenarios (bench/scenarios.py, `floor=True`); the difference
between a floor and a subgraph's CPU per request is what the project adds.
"""
