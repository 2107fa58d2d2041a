"""Checkout throughput and latency: Locust (headless, own process) drives shoppers through
the gateway while this script samples how long the cart takes to clear after a checkout.

    .venv/bin/python bench/checkout.py [--users 20] [--seconds 60] [--postgres URL]

Starts its own platform (``shopstack up --ports auto --fresh``; with ``--postgres`` on that
PostgreSQL, with Redis if ``--redis`` is given), creates a product with ample stock, runs
Locust, prints checkouts/min, p50/p95/p99 of the checkout call, errors, and the p95 of
"checkout answered -> cart empty". Targets: >= 500/min, p95 < 2 s, 0 errors, cart p95 <= 500 ms.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def shopstack(*args: str, env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "shopstack.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode:
        raise SystemExit(f"shopstack {args[0]} failed:\n{done.stdout}\n{done.stderr}")


def bench_product(gateway: str, token: str) -> int:
    response = httpx.post(
        f"{gateway}/api/v1/admin/products",
        json={"name": f"bench-{uuid.uuid4().hex[:6]}", "price": 19.99, "stock": 10_000_000},
        headers={"Authorization": f"Bearer {token}"},
    )
    response.raise_for_status()
    return response.json()["id"]


def sample_cart_clear(gateway: str, product: int, stop: threading.Event, out: list[float]) -> None:
    """One shopper at a time: checkout, then poll the cart until empty (ms from the answer)."""
    user = 8_000_000
    with httpx.Client(base_url=gateway, timeout=30) as http:
        while not stop.is_set():
            user += 1
            headers = {"X-User-Id": str(user)}
            http.post(
                "/api/v1/cart/items", json={"product_id": product, "quantity": 1}, headers=headers
            )
            done = http.post(
                "/api/v1/checkout", json={"idempotency_key": uuid.uuid4().hex}, headers=headers
            )
            answered = time.perf_counter()
            if done.status_code != 200 or done.json()["status"] != "COMPLETED":
                continue
            while http.get("/api/v1/cart", headers=headers).json()["items"]:
                if time.perf_counter() - answered > 10:
                    break
                time.sleep(0.005)
            out.append((time.perf_counter() - answered) * 1000)
            time.sleep(0.2)


def run_locust(gateway: str, product: int, *, users: int, seconds: int, csv_prefix: str) -> None:
    env = {**os.environ, "BENCH_PRODUCT_ID": str(product)}
    command = [
        str(BIN / "locust"),
        "-f",
        str(ROOT / "bench" / "locust_checkout.py"),
        "--headless",
        "-u",
        str(users),
        "-r",
        str(users),
        "-t",
        f"{seconds}s",
        "--host",
        gateway,
        "--csv",
        csv_prefix,
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    subprocess.run(command, env=env, capture_output=True, text=True, timeout=seconds + 60)


def report(csv_prefix: str, seconds: int, cart_ms: list[float]) -> None:
    with open(f"{csv_prefix}_stats.csv", newline="") as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    checkout = rows["checkout"]
    count, failures = int(checkout["Request Count"]), int(checkout["Failure Count"])
    adds = rows["add to cart"]
    print(f"checkouts: {count} in {seconds}s = {count / seconds * 60:.0f}/min")
    print(
        f"checkout latency ms: p50 {checkout['50%']}  p95 {checkout['95%']}  p99 {checkout['99%']}"
    )
    print(f"errors: checkout {failures}, add to cart {adds['Failure Count']}")
    failures_csv = Path(f"{csv_prefix}_failures.csv")
    if failures_csv.exists():
        with failures_csv.open(newline="") as handle:
            for row in list(csv.DictReader(handle))[:5]:
                print(f"  {row['Occurrences']} x {row['Name']}: {row['Error'][:160]}")
    if cart_ms:
        p95 = statistics.quantiles(cart_ms, n=20)[18] if len(cart_ms) >= 20 else max(cart_ms)
        print(
            f"cart cleared after checkout ms: p50 {statistics.median(cart_ms):.0f}  "
            f"p95 {p95:.0f}  (n={len(cart_ms)})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--postgres", help="PostgreSQL base URL (default: SQLite)")
    parser.add_argument("--redis", help="Redis URL for the cart cache (with --postgres)")
    args = parser.parse_args()
    token = secrets.token_hex(8)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPSTACK_")}
    env["SHOPSTACK_ADMIN_TOKEN"] = token
    if args.postgres:
        env.update(SHOPSTACK_DATABASE_URL=args.postgres, SHOPSTACK_DB_NAMESPACE="bench")
    if args.redis:
        env["SHOPSTACK_REDIS_URL"] = args.redis
    with tempfile.TemporaryDirectory(prefix="bench-checkout-") as tmp:
        state = ["--state-dir", tmp]
        shopstack("up", "--ports", "auto", "--fresh", "--detach", *state, env=env)
        try:
            gateway = json.loads((Path(tmp) / "platform.json").read_text())["gateway_url"]
            product = bench_product(gateway, token)
            stop, cart_ms = threading.Event(), []
            sampler = threading.Thread(
                target=sample_cart_clear, args=(gateway, product, stop, cart_ms)
            )
            sampler.start()
            run_locust(
                gateway, product, users=args.users, seconds=args.seconds, csv_prefix=f"{tmp}/locust"
            )
            stop.set()
            sampler.join()
            print(
                f"profile: {'postgres' if args.postgres else 'sqlite'}, "
                f"{args.users} Locust users, {args.seconds}s"
            )
            report(f"{tmp}/locust", args.seconds, cart_ms)
        finally:
            shopstack("down", *state, env=env)


if __name__ == "__main__":
    main()
