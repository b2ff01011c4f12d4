"""Matching as the coordinator's pages do it, database included: prints one JSON object, writes
var/bench/matching_pages.json.

`rank_for(request)` loads the program's pool from the database (every active or paused
volunteer, decrypting what matching reads), builds the engine's columns, ranks and explains the
top 10 and the 5 nearest misses. Measured for a program of `--volunteers` synthetic volunteers
(default 2,000, every step of the pipeline as `seed_demo` makes them, so about two thirds are in
the pool), then again with every one of them in the pool (the unscreened ones ruled out with a
reason), for `--requests` waiting requests; and `plan_for_waiting` (the batch plan page) once for
the whole queue. Runs against a throw-away SQLite database (or DATABASE_URL if set: it must be a
scratch database, since it is migrated and filled) with a throw-away keyring.

    .venv/bin/python bench/matching_pages.py [--volunteers 2000] [--requests 30]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _setup(data_dir: str) -> None:
    os.environ["KINDRED_DATA_DIR"] = data_dir
    os.environ["KINDRED_DEBUG"] = "1"
    os.environ.pop("KINDRED_KEYRING", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kindred.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _timed(call: Callable[[], Any]) -> tuple[float, Any]:
    """Milliseconds and the result of one call. Garbage from earlier calls is collected first,
    so one call does not pay for another's objects."""
    gc.collect()
    start = time.perf_counter()
    result = call()
    return (time.perf_counter() - start) * 1000, result


def _queries(call: Callable[[], Any]) -> int:
    """Database queries of one call, counted in a separate, untimed call: recording the SQL of
    an IN list of a few thousand ids would add to the time it measures."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries)


def _summary(timings: list[float]) -> dict[str, float]:
    ordered = sorted(timings)
    return {
        "median": round(statistics.median(ordered), 1),
        "p95": round(ordered[max(0, int(0.95 * len(ordered)) - 1)], 1),
        "max": round(ordered[-1], 1),
    }


def bench_rank_for(requests: list[Any]) -> dict[str, Any]:
    from kindred.matching.pool import load_pool
    from kindred.matching.queries import rank_for
    from kindred.volunteers.models import VolunteerProfile
    from kindred.volunteers.pipeline import Status

    program = requests[0].program
    rank_for(requests[0])  # warm-up: imports, the settings row, the keyring's caches
    timings, pool_timings = [], []
    candidates = 0
    for support_request in requests:
        elapsed, ranking = _timed(partial(rank_for, support_request))
        timings.append(elapsed)
        candidates += len(ranking.candidates)
        del ranking
        pool_ms, _ = _timed(partial(load_pool, program, [support_request]))
        pool_timings.append(pool_ms)
    queries = max(_queries(partial(rank_for, support_request)) for support_request in requests[:3])
    pool = load_pool(program, requests[:1])
    return {
        "volunteers": VolunteerProfile.objects.filter(program=program).count(),
        "pool": len(pool.volunteers),
        "matchable": int(pool.population.matchable.sum()),
        "active": VolunteerProfile.objects.filter(program=program, status=Status.ACTIVE).count(),
        "requests_ranked": len(requests),
        "mean_candidates": round(candidates / len(requests), 1),
        "rank_for_ms": _summary(timings),
        "load_pool_ms": _summary(pool_timings),
        "queries": queries,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--volunteers", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kindred-bench-") as data_dir:
        _setup(data_dir)
        from django.db import connection

        from kindred.demo import loading
        from kindred.intake.models import SupportRequest, TriageStatus
        from kindred.matching.queries import plan_for_waiting
        from kindred.volunteers.models import VolunteerProfile
        from kindred.volunteers.pipeline import Status

        program, _ = loading.ensure_programs()
        _progress(f"loading {args.volunteers} synthetic volunteers")
        loading.load_volunteers(program, seed=args.seed, count=args.volunteers)
        # Enough seeded requests (in every triage status) for a queue of the size asked for.
        _progress("loading synthetic requests")
        loading.load_requests(program, seed=args.seed, count=max(200, 8 * args.requests))
        waiting = list(
            SupportRequest.objects.filter(program=program, status=TriageStatus.AWAITING_MATCH)
            .select_related("program", "data_key")
            .order_by("created_at", "pk")
        )
        if len(waiting) < args.requests:
            _progress(f"only {len(waiting)} requests are waiting; ranking those")
        asked = waiting[: args.requests]

        _progress("rank_for, pipeline mix")
        mix = bench_rank_for(asked)
        _progress("plan_for_waiting, pipeline mix")
        plan_ms, plan = _timed(partial(plan_for_waiting, program))
        plan_queries = _queries(partial(plan_for_waiting, program))
        batch = {
            "waiting": len(plan.rows),
            "proposed": sum(row.chosen is not None for row in plan.rows),
            "certified": plan.certified,
            "ms": round(plan_ms, 1),
            "queries": plan_queries,
        }
        # The worst case for the page: every volunteer of the program is loaded and evaluated.
        VolunteerProfile.objects.filter(program=program).exclude(
            status__in=[Status.ACTIVE, Status.PAUSED]
        ).update(status=Status.ACTIVE)
        _progress("rank_for, every volunteer in the pool")
        everyone = bench_rank_for(asked)
        results = {
            "database": connection.vendor,
            "rank_for": {"pipeline_mix": mix, "all_in_pool": everyone},
            "plan_for_waiting": batch,
        }
    out_dir = ROOT / "var" / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    text = json.dumps(results, indent=2)
    (out_dir / "matching_pages.json").write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
