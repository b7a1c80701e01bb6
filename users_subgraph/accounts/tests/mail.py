"""Reading the mailed links: the token a message carries, as the frontend's page would."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

LINK = re.compile(r"https?://\S+")


def link_in(body: str) -> str:
    links = LINK.findall(body)
    assert len(links) == 1, body
    return links[0]


def token_in(body: str, *, path: str) -> str:
    """The `token` of the one link in `body`, which must point at `path` of the frontend."""
    link = urlsplit(link_in(body))
    assert link.path == path, link
    return parse_qs(link.query)["token"][0]
