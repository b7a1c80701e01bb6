"""The order of the scenarios in each round: every scenario once, reads rotated, writes last."""

from __future__ import annotations

from bench.dataset import Batch
from bench.scenarios import round_order, scenarios


def all_scenarios() -> list:
    return scenarios(
        router_secret="secret", batch=Batch(first_user=0, end_user=100, first_post=0, end_post=2000)
    )


def test_every_round_runs_every_scenario_once() -> None:
    listed = all_scenarios()
    for round_index in range(len(listed) + 2):
        ordered = round_order(listed, round_index)
        assert sorted(s.key for s in ordered) == sorted(s.key for s in listed)


def test_the_reads_rotate_from_round_to_round_and_the_writes_come_last() -> None:
    listed = all_scenarios()
    reads = [s.key for s in listed if not s.writes]
    writes = [s.key for s in listed if s.writes]
    assert writes == ["create-post-router", "login-router"]
    orders = [[s.key for s in round_order(listed, index)] for index in range(len(reads))]
    assert orders[0] == reads + writes
    assert orders[1] == reads[1:] + reads[:1] + writes
    assert {order[0] for order in orders} == set(reads)
    assert all(order[-2:] == writes for order in orders)
    assert round_order(listed, len(reads)) == round_order(listed, 0)


def test_the_floors_are_reads_measured_beside_scenario_2() -> None:
    floors = [s for s in all_scenarios() if s.floor]
    assert [s.key for s in floors] == [
        "floor-django-view",
        "floor-strawberry-asgi",
        "floor-strawberry-django",
    ]
    assert not any(s.writes or s.breakdown for s in floors)
