"""Cursors and page requests: what clients may send, and what they get back."""

import base64
import uuid

import pytest

from posts.pagination import PageRequest, Position, decode_cursor, encode_cursor
from subgraph_kit.errors import BadUserInput


def base64url(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize("title", ["Plain", "Ünïcödé ✓", 'quotes " and , commas', "x" * 100])
def test_a_cursor_decodes_to_the_position_it_encodes(title):
    position = Position(title=title, id=uuid.uuid4())

    cursor = encode_cursor(position)

    assert decode_cursor(cursor) == position
    assert set(cursor) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


VALID = encode_cursor(Position(title="a", id=uuid.UUID(int=1)))


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "%%%",
        VALID + "=",  # padding is not part of the encoding
        VALID + "A",
        " " + VALID,
        base64url("not json"),
        base64url("{}"),
        base64url('["a"]'),
        base64url('["a", "b", "c"]'),
        base64url('[1, "00000000-0000-0000-0000-000000000001"]'),
        base64url('["a", "not-a-uuid"]'),
        base64url('["a", 1]'),
        base64url('["a","00000000-0000-0000-0000-000000000001"]'),  # not the canonical spacing
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
    ],
)
def test_anything_else_is_an_invalid_cursor(cursor):
    with pytest.raises(BadUserInput, match="Invalid cursor"):
        decode_cursor(cursor)


def test_page_request_checks_the_page_size_and_decodes_the_cursor():
    # The bounds themselves are the kit's (subgraph_kit.pagination).
    assert PageRequest.parse(first=None, after=None) == PageRequest(first=20, after=None)
    assert PageRequest.parse(first=100, after=VALID) == PageRequest(
        first=100, after=decode_cursor(VALID)
    )
    with pytest.raises(BadUserInput, match="first must be between 1 and 100"):
        PageRequest.parse(first=101, after=None)
