"""The ports the test stacks listen on (tests.support.stack.free_port): never one the kernel may
give an outgoing connection meanwhile, never one already in use, never the same one twice."""

from __future__ import annotations

import socket

import pytest

from tests.support import stack
from tests.support.stack import ephemeral_port_range, free_port


def test_ports_are_outside_the_ephemeral_range_and_never_repeat():
    ports = [free_port() for _ in range(200)]

    assert not set(ports) & set(ephemeral_port_range())
    assert len(set(ports)) == len(ports)


def only_candidate(monkeypatch, port: int) -> None:
    monkeypatch.setattr(stack, "listen_port_candidates", lambda: range(port, port + 1))
    monkeypatch.setattr(stack, "_ports_given", set())


def test_a_port_in_use_is_never_given(monkeypatch):
    with socket.create_server(("127.0.0.1", 0)) as listener:
        only_candidate(monkeypatch, listener.getsockname()[1])

        with pytest.raises(RuntimeError, match="no free port"):
            free_port()


def test_a_port_is_given_once(monkeypatch):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    only_candidate(monkeypatch, port)

    assert free_port() == port
    with pytest.raises(RuntimeError, match="no free port"):
        free_port()
