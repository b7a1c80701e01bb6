"""The page-size contract every connection field shares."""

import pytest

from subgraph_kit.errors import BadUserInput
from subgraph_kit.pagination import page_size


def test_a_page_holds_20_items_unless_first_asks_for_1_to_100():
    assert page_size(None) == 20
    assert [page_size(first) for first in (1, 20, 100)] == [1, 20, 100]
    for first in (0, 101, -5):
        with pytest.raises(BadUserInput, match="first must be between 1 and 100") as refused:
            page_size(first)
        assert refused.value.extensions["code"] == "BAD_USER_INPUT"
