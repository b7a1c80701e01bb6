"""Page sizes of every connection field: the default and the largest `first` a client may ask for.

Resolver defaults, the check of `first` and the fields' descriptions all read these, so the
numbers a client reads in the schema are the numbers enforced.
"""

from __future__ import annotations

from subgraph_kit.errors import BadUserInput

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# How a connection field's description states the range of `first`.
FIRST_ARGUMENT_RANGE = f"`first`: 1 to {MAX_PAGE_SIZE}"


def page_size(first: int | None) -> int:
    """The number of items a page holds; `first: null` asks for the default."""
    size = DEFAULT_PAGE_SIZE if first is None else first
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise BadUserInput(f"first must be between 1 and {MAX_PAGE_SIZE}")
    return size
