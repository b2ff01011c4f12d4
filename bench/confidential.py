"""Benchmarks of the confidential core: prints one JSON object, writes var/bench/confidential.json.

Figures: sealing and opening a field value (pure crypto), saving and loading records with
encrypted fields (database included), appending to the audit chain and verifying it, and
re-wrapping data keys during key rotation. Runs against a throw-away SQLite database (or
DATABASE_URL if set) with a throw-away keyring: it never touches var/kindred.sqlite3.

    make bench            # or: .venv/bin/python bench/confidential.py --records 5000
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

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


def _per_second(count: int, seconds: float) -> float:
    return round(count / seconds, 1) if seconds else float("inf")


def bench_crypto(rounds: int) -> dict[str, float]:
    from kindred.confidential import crypto

    key = crypto.new_key()
    context = crypto.FieldContext("bench_table", "row-1", "notes", "dk-1")
    plaintext = ("A synthetic paragraph of about two hundred bytes. " * 4).encode()
    timings_seal, timings_open = [], []
    token = ""
    for _ in range(rounds):
        start = time.perf_counter()
        token = crypto.seal(key, plaintext, context)
        timings_seal.append(time.perf_counter() - start)
        start = time.perf_counter()
        crypto.open_sealed(key, token, context)
        timings_open.append(time.perf_counter() - start)
    return {
        "seal_median_us": round(statistics.median(timings_seal) * 1e6, 2),
        "open_median_us": round(statistics.median(timings_open) * 1e6, 2),
    }


def bench_records(records: int) -> dict[str, float]:
    from kindred.accounts.models import User

    people = [
        User(email=f"bench-{i:06d}@example.org", full_name=f"Bench Person {i}")
        for i in range(records)
    ]
    start = time.perf_counter()
    User.prepare_for_bulk_create(people)
    User.objects.bulk_create(people, batch_size=1000)
    write = time.perf_counter() - start
    start = time.perf_counter()
    opened = sum(
        len(user.full_name) for user in User.objects.select_related("data_key").iterator(2000)
    )
    read = time.perf_counter() - start
    assert opened > 0
    return {
        "records": records,
        "bulk_write_per_s": _per_second(records, write),
        "read_and_open_per_s": _per_second(records, read),
    }


def bench_audit(appends: int) -> dict[str, float]:
    from kindred.confidential import audit
    from kindred.confidential.checkpoints import verify_chain
    from kindred.confidential.models import AuditAction

    start = time.perf_counter()
    for i in range(appends):
        audit.record(AuditAction.VIEW, object_type="bench", object_id=i)
    append = time.perf_counter() - start
    start = time.perf_counter()
    verdict = verify_chain()
    verify = time.perf_counter() - start
    assert verdict.intact, verdict
    return {
        "appends": appends,
        "append_per_s": _per_second(appends, append),
        "verify_entries_per_s": _per_second(verdict.entries, verify),
    }


def bench_rotation() -> dict[str, float]:
    from kindred.confidential import keyfile as keyring_file
    from kindred.confidential import keys

    ring = keys.current_keyring()
    keyring_file.add_kek(ring.path)
    pending = keys.pending_rewrap_count()
    start = time.perf_counter()
    done = keys.rewrap_to_active()
    seconds = time.perf_counter() - start
    assert done == pending
    return {"data_keys": done, "rewrap_per_s": _per_second(done, seconds)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20000)
    parser.add_argument("--appends", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=20000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kindred-bench-") as data_dir:
        _setup(data_dir)
        from django.db import connection

        results = {
            "database": connection.vendor,
            "crypto": bench_crypto(args.rounds),
            "records": bench_records(args.records),
            "audit": bench_audit(args.appends),
            "rotation": bench_rotation(),
        }
    out_dir = ROOT / "var" / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    text = json.dumps(results, indent=2)
    (out_dir / "confidential.json").write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
