"""The coordinator's matching pages at three program sizes: prints one JSON object, writes
var/bench/matching_pages.json.

What it proves: the candidates page no longer grows with the program. One program is seeded with
`seed_demo`'s generator (every step of the pipeline, about two thirds active or paused) at 1,000,
then 10,000, then 100,000 volunteers, and the page `/staff/requests/<id>/candidates/` is fetched
through Django's test client as a signed-in coordinator:

- `warm_ms`: median server time of 20 fetches with the kept pool cached in this process;
- `cold_ms`: median of 20 fetches each right after another process's write (one volunteer's
  entry rewritten and the program's pool version moved on in the database, so this process must
  notice and bring its copy up to date: it re-reads the entries' write stamps and decrypts only
  the entries that changed);
- `first_read_ms`: median of 3 fetches by a process that has never read the program's pool
  (every entry read and decrypted: what a freshly started worker pays once);
- `queries`: database queries of a warm fetch (the fewest of 3, so the sign-in bookkeeping that
  runs once every 30 seconds per session is left out), not counting transaction control
  statements (BEGIN, COMMIT, savepoints), which SQLite's driver issues as statements.

`plan` is "Suggest for everyone waiting" (`/staff/matching/plan/`) with 500 waiting requests and
10,000 volunteers: CPU seconds of one page (median of 3, warm pool), the page rendered in full.

Targets (issue 10): the warm page at 100,000 at most 1.5 times the warm page at 1,000, under 15
queries; the plan under 1 s of CPU. Runs on SQLite (a throw-away file) and, when DATABASE_URL
names a PostgreSQL server, again on a scratch database `kindred_bench_pages` created (and
dropped) on that server. Each database runs in its own child process, with a throw-away keyring.

    .venv/bin/python bench/matching_pages.py [--sizes 1000,10000,100000] [--repeat 20]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess  # nosec B404 - runs this same script as a child, with fixed arguments
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
SCRATCH_DB = "kindred_bench_pages"
PLAN_WAITING = 500
PLAN_VOLUNTEERS = 10_000


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _setup(data_dir: str) -> None:
    os.environ["KINDRED_DATA_DIR"] = data_dir
    os.environ["KINDRED_DEBUG"] = "1"
    os.environ.pop("KINDRED_KEYRING", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kindred.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _ms(call: Callable[[], Any]) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def _child(sizes: list[int], repeat: int) -> dict[str, Any]:
    from allauth.mfa.totp.internal.auth import TOTP
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from kindred.accounts import actions as account_actions
    from kindred.accounts.models import Role
    from kindred.demo import loading
    from kindred.intake.models import SupportRequest, TriageStatus
    from kindred.matching import pool as matching_pool
    from kindred.volunteers import pool as kept_pool
    from kindred.volunteers.models import VolunteerProfile

    program, _ = loading.ensure_programs()
    coordinator = account_actions.create_account(
        email="bench.coordinator@example.org", full_name="Bench Coordinator", password=None
    )
    account_actions.grant_role(coordinator, Role.COORDINATOR, program)
    TOTP.activate(coordinator, "JBSWY3DPEHPK3PXP")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(coordinator)

    def get(url: str) -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")

    def another_process_writes() -> None:
        # One volunteer's entry rewritten and the version moved on, as any action does.
        volunteer = VolunteerProfile.objects.filter(program=program).order_by("?").first()
        kept_pool.refresh(volunteer)

    def new_process() -> None:
        kept_pool.clear_cache()
        matching_pool.clear_cache()

    def queries() -> int:
        counts = []
        for _ in range(3):
            with CaptureQueriesContext(connection) as captured:
                get(url)
            counts.append(
                sum(
                    not query["sql"].startswith(("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE"))
                    for query in captured.captured_queries
                )
            )
        if os.environ.get("KINDRED_BENCH_SHOW_QUERIES"):
            for query in captured.captured_queries:
                _progress("    " + query["sql"][:110])
        return min(counts)

    # Enough requests for a queue of 500 waiting (the generator puts them in every status).
    _progress(f"[{connection.vendor}] loading requests")
    loading.load_requests(program, seed=7, count=2_400)
    waiting = list(
        SupportRequest.objects.filter(program=program, status=TriageStatus.AWAITING_MATCH)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:PLAN_WAITING]
    )
    url = reverse("matching:candidates", args=[waiting[0]])
    pages: list[dict[str, Any]] = []
    plan: dict[str, Any] = {}
    for size in sizes:
        _progress(f"[{connection.vendor}] seeding up to {size:,} volunteers")
        started = time.perf_counter()
        loading.load_volunteers(program, seed=7, count=size)
        _progress(f"  seeded in {time.perf_counter() - started:.0f} s")
        get(url)  # builds the pool if nothing did yet, and warms the caches
        warm = [_ms(lambda: get(url)) for _ in range(repeat)]
        cold = []
        for _ in range(repeat):
            another_process_writes()
            cold.append(_ms(lambda: get(url)))
        first = []
        for _ in range(3):
            new_process()
            first.append(_ms(lambda: get(url)))
        get(url)
        pages.append(
            {
                "volunteers": VolunteerProfile.objects.filter(program=program).count(),
                "db": connection.vendor,
                "warm_ms": round(statistics.median(warm), 1),
                "cold_ms": round(statistics.median(cold), 1),
                "first_read_ms": round(statistics.median(first), 1),
                "queries": queries(),
            }
        )
        _progress(f"  {pages[-1]}")
        if size == PLAN_VOLUNTEERS:
            plan_url = reverse("matching:plan")
            get(plan_url)
            cpu = []
            for _ in range(3):
                start = time.process_time()
                get(plan_url)
                cpu.append(time.process_time() - start)
            plan = {
                "waiting": len(waiting),
                "volunteers": pages[-1]["volunteers"],
                "db": connection.vendor,
                "cpu_s": round(statistics.median(cpu), 3),
            }
            _progress(f"  plan {plan}")
    return {"candidates_page": pages, "plan": plan}


def _postgres_scratch(url: str) -> str:
    """DATABASE_URL with the scratch database's name, created afresh on that server."""
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DB}")
        connection.execute(f"CREATE DATABASE {SCRATCH_DB}")
    return urlunsplit(parts._replace(path=f"/{SCRATCH_DB}"))


def _drop_postgres_scratch(url: str) -> None:
    import psycopg

    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DB}")


def _run_child(database_url: str | None, args: argparse.Namespace) -> dict[str, Any]:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    if database_url:
        env["DATABASE_URL"] = database_url
    command = [
        sys.executable,
        __file__,
        "--child",
        "--sizes",
        ",".join(str(size) for size in args.sizes),
        "--repeat",
        str(args.repeat),
    ]
    done = subprocess.run(command, env=env, check=True, stdout=subprocess.PIPE)  # noqa: S603  # nosec B603
    return dict(json.loads(done.stdout))


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=lambda text: [int(part) for part in text.split(",")],
        default=[1_000, 10_000, 100_000],
    )
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        with tempfile.TemporaryDirectory(prefix="kindred-bench-") as data_dir:
            _setup(data_dir)
            print(json.dumps(_child(args.sizes, args.repeat)))
        return 0

    runs = [_run_child(None, args)]
    server = os.environ.get("DATABASE_URL", "")
    if server.startswith(("postgres://", "postgresql://")):
        scratch = _postgres_scratch(server)
        try:
            runs.append(_run_child(scratch, args))
        finally:
            _drop_postgres_scratch(server)
    pages = [page for run in runs for page in run["candidates_page"]]
    results: dict[str, Any] = {
        "candidates_page": pages,
        "plan": runs[0]["plan"],
        "plans": [run["plan"] for run in runs],
    }
    by_db: dict[str, dict[int, dict[str, Any]]] = {}
    for page in pages:
        by_db.setdefault(page["db"], {})[page["volunteers"]] = page
    targets = {}
    for db, sized in by_db.items():
        smallest, largest = sized[min(sized)], sized[max(sized)]
        targets[db] = {
            "largest_over_smallest_warm": round(largest["warm_ms"] / smallest["warm_ms"], 2),
            "growth_met": largest["warm_ms"] <= 1.5 * smallest["warm_ms"],
            "queries_met": all(page["queries"] < 15 for page in sized.values()),
        }
    results["targets"] = targets
    results["plan_met"] = all(plan.get("cpu_s", 99) < 1 for plan in results["plans"])
    out_dir = ROOT / "var" / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    text = json.dumps(results, indent=2)
    (out_dir / "matching_pages.json").write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
