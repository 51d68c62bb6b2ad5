"""The markdown report of ``bench_peers.py``: the table, ratios to the best peer, issue #15's targets."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from _measure import Result

Get = Callable[[Result], float | None]


def _fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _best(peers: list[Result], get: Get) -> float | None:
    values = [v for v in (get(r) for r in peers) if v is not None]
    return min(values) if values else None


def report(results: list[Result], rest: tuple[float, float] | None, rest_wrong: int, args: argparse.Namespace) -> None:
    """Print the table, the ratios and the targets."""
    direct = results[0]
    floor = next((r for r in results[1:] if r.baseline), None)
    peers = [r for r in results if r.peer]
    ours = [r for r in results if not r.peer and not r.baseline]

    def added(r: Result) -> float | None:
        return None if r is direct else r.p50 - direct.p50

    def over_floor(r: Result) -> float | None:
        return None if floor is None or r.baseline else r.p50 - floor.p50

    rows: list[tuple[str, Get, int]] = [
        ("gateway CPU per call, SDK client (ms, upstream subtracted)", lambda r: r.cpu, 2),
        ("  of which PostgreSQL (ms)", lambda r: r.db_cpu, 2),
        ("gateway CPU per call, lean client (ms)", lambda r: r.lean_cpu, 2),
        (f"gateway CPU per call, {args.fresh} sessions (ms)", lambda r: r.cpu50, 2),
        ("upstream CPU per call (ms, not counted above)", lambda r: r.upstream_cpu, 2),
        ("sequential p50 (ms)", lambda r: r.p50, 2),
        ("sequential p50 added over direct stdio (ms)", added, 2),
        ("  of which over the HTTP floor (ms)", over_floor, 2),
        ("sequential p99 (ms)", lambda r: r.p99, 2),
        ("sequential p50, lean client (ms)", lambda r: r.lean_p50, 2),
        (f"first call on {args.fresh} sessions opened at once (ms, median)", lambda r: r.first50, 0),
        ("  the same, slowest session (ms)", lambda r: r.first50_max, 0),
        ("  the same, lean client (ms, median)", lambda r: r.first50_lean, 0),
        ("  gateway CPU per session opened, SDK client (ms)", lambda r: r.open_cpu, 2),
        ("  gateway CPU per session opened, lean client (ms)", lambda r: r.open_cpu_lean, 2),
        ("memory per open session under load (MB)", lambda r: r.mem_session, 2),
        ("  PostgreSQL processes at the peak", lambda r: float(r.postgres_peak) if r.postgres_peak else None, 0),
        ("idle memory of the process tree (MB)", lambda r: r.idle_mb, 0),
        ("  of which PostgreSQL (MB)", lambda r: r.idle_db_mb if r.postgres_peak else None, 0),
        (f"{args.idle} idle open sessions over idle (MB)", lambda r: r.idle_sessions_mb, 0),
        ("wrong replies", lambda r: float(r.wrong), 0),
    ]
    print("\n| | " + " | ".join(r.name for r in results) + " |")
    print("|---" * (len(results) + 1) + "|")
    for label, get, digits in rows:
        print(f"| {label} | " + " | ".join(_fmt(get(r), digits) for r in results) + " |")
    print("\nMemory is PSS summed over the tree (ours: API + every PostgreSQL process; upstream excluded).")
    if rest is not None:
        print(
            f"REST tool call (sequential): {rest[0]:.2f} ms API CPU per call (API + PostgreSQL; of which "
            f"PostgreSQL {rest[1]:.2f} ms), {rest_wrong} wrong"
        )
    if floor is not None and floor.cpu is not None and floor.lean_cpu is not None:
        print(
            f"HTTP floor (canned answers on raw asyncio, no upstream): {floor.cpu:.2f} ms CPU per request with the "
            f"SDK client, {floor.lean_cpu:.2f} ms with the lean client, for the same exchange: the SDK client paces "
            "its requests (each one finds the process idle and wakes it), and waking costs a Python process here "
            "more than answering. A gateway is woken twice per call: by the client, then by its upstream."
        )
    for r in results:
        for note in r.notes:
            print(f"{r.name}: {note}")
    if peers:
        _ratios(peers, ours, rows)
    _targets(peers, ours, direct, floor, rest, rest_wrong, args)


def _ratios(peers: list[Result], ours: list[Result], rows: list[tuple[str, Get, int]]) -> None:
    print("\n### ours / best peer (lower is better)\n")
    print("| | " + " | ".join(r.name for r in ours) + " |")
    print("|---" * (len(ours) + 1) + "|")
    for label, get, _ in rows:
        best = _best(peers, get)
        if (
            best is None
            or best <= 0
            or label.startswith(("wrong", "  PostgreSQL", "  of which", "upstream", "sequential p50 added"))
        ):
            continue
        cells = [_fmt(v / best) + "x" if (v := get(r)) is not None else "-" for r in ours]
        print(f"| {label} (best peer {_fmt(best)}) | " + " | ".join(cells) + " |")


def _targets(
    peers: list[Result],
    ours: list[Result],
    direct: Result,
    floor: Result | None,
    rest: tuple[float, float] | None,
    rest_wrong: int,
    args: argparse.Namespace,
) -> None:
    best_cpu = _best(peers, lambda r: r.cpu)
    best_first = _best(peers, lambda r: r.first50)
    print("\n### issue #15 targets\n")
    print("| target | " + " | ".join(r.name for r in ours) + " |")
    print("|---" * (len(ours) + 1) + "|")

    def line(label: str, check: Callable[[Result], tuple[float | None, bool | None]]) -> None:
        cells = []
        for r in ours:
            value, ok = check(r)
            verdict = "n/a" if ok is None else ("PASS" if ok else "FAIL")
            cells.append(f"{_fmt(value)} {verdict}")
        print(f"| {label} | " + " | ".join(cells) + " |")

    def ratio(value: float | None, best: float | None) -> tuple[float | None, bool | None]:
        if value is None or not best:
            return None, None
        return value / best, None

    line(
        f"gateway CPU per call ≤ 0.6x best peer (ratio to {_fmt(best_cpu)} ms)",
        lambda r: (ratio(r.cpu, best_cpu)[0], None if not best_cpu or r.cpu is None else r.cpu <= 0.6 * best_cpu),
    )
    line(
        f"first call on {args.fresh} fresh sessions ≤ best peer, SDK client (ratio to {_fmt(best_first, 0)} ms)",
        lambda r: (
            ratio(r.first50, best_first)[0],
            None if not best_first or r.first50 is None else r.first50 <= best_first,
        ),
    )
    best_lean = _best(peers, lambda r: r.first50_lean)
    line(
        f"  the same, lean client (ratio to the best peer's {_fmt(best_lean, 0)} ms)",
        lambda r: (
            ratio(r.first50_lean, best_lean)[0],
            None if not best_lean or r.first50_lean is None else r.first50_lean <= best_lean,
        ),
    )
    line(
        "memory per open session ≤ 1 MB incl. PostgreSQL",
        lambda r: (r.mem_session, None if r.mem_session is None else r.mem_session <= 1.0),
    )
    line(
        f"{args.idle} idle sessions < 300 MB over idle",
        lambda r: (r.idle_sessions_mb, None if r.idle_sessions_mb is None else r.idle_sessions_mb < 300),
    )
    line("sequential p50 added over direct ≤ 1 ms", lambda r: (r.p50 - direct.p50, r.p50 - direct.p50 <= 1.0))
    line(
        "  the same, lean client (its p50 minus direct stdio's)",
        lambda r: (
            None if r.lean_p50 is None else r.lean_p50 - direct.p50,
            None if r.lean_p50 is None else r.lean_p50 - direct.p50 <= 1.0,
        ),
    )
    if floor is not None:
        gap = floor.p50 - direct.p50
        line(
            f"  the same over the HTTP floor (itself {gap:.2f} ms over direct: the SDK client's HTTP cost)",
            lambda r: (r.p50 - floor.p50, r.p50 - floor.p50 <= 1.0),
        )
    line("0 wrong replies", lambda r: (float(r.wrong), r.wrong == 0))
    if rest is not None:
        verdict = "PASS" if rest[0] <= 1.5 else "FAIL"
        print(f"\nREST tool call ≤ 1.5 ms API CPU: {rest[0]:.2f} ms {verdict}; wrong replies {rest_wrong}")
