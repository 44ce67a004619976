"""The idle check that runs on notebook instances (assets/notebook_autostop/autostop.py)."""

from __future__ import annotations

from datetime import timedelta

from .asset_modules import load_asset

autostop = load_asset("autostop", "notebook_autostop", "autostop.py")
NOW = autostop.parse_time("2026-11-25T12:00:00.000000Z")
IDLE = timedelta(minutes=60)


def _session(state: str, minutes_ago: int) -> dict[str, object]:
    last = (NOW - timedelta(minutes=minutes_ago)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return {"kernel": {"execution_state": state, "last_activity": last}}


def test_busy_kernel_keeps_the_instance() -> None:
    assert not autostop.is_idle([_session("busy", 500)], NOW, IDLE, timedelta(hours=9))


def test_recent_activity_keeps_the_instance() -> None:
    assert not autostop.is_idle([_session("idle", 90), _session("idle", 10)], NOW, IDLE, timedelta(hours=2))


def test_all_kernels_idle_long_enough_stops() -> None:
    assert autostop.is_idle([_session("idle", 61), _session("idle", 120)], NOW, IDLE, timedelta(hours=3))


def test_no_kernels_waits_for_uptime() -> None:
    assert not autostop.is_idle([], NOW, IDLE, timedelta(minutes=5))
    assert autostop.is_idle([], NOW, IDLE, timedelta(minutes=61))


def test_kernel_without_activity_time_is_not_idle() -> None:
    assert not autostop.is_idle([{"kernel": {"execution_state": "idle"}}], NOW, IDLE, timedelta(hours=5))
