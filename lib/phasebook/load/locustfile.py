"""shopstack load scenarios (seed 000's mix) as Locust users. Runs only inside Locust.

    PHASEBOOK_LOAD_HAPPY_PRODUCT=6 PHASEBOOK_LOAD_SCARCE_PRODUCT=7 \
        locust -f lib/phasebook/load/locustfile.py --host http://127.0.0.1:8080

Users: ``Buyer`` checks out — 80 % happy path (``tok_visa``), 15 % insufficient stock (more
than the scarce product's stock; the 409 is the expected answer), 5 % payment declined
(``tok_chargeDeclined``; the FAILED session is the expected answer); ``Browser`` reads the
catalogue; ``CartUser`` adds, updates, removes and clears. With
``PHASEBOOK_LOAD_SCENARIO=reads`` only ``ProductReader`` runs (the read-capacity step: lists
products without pause). Every purchase is made by a fresh ``X-User-Id`` from this run's range
(``PHASEBOOK_LOAD_FIRST_USER`` + ``PHASEBOOK_LOAD_USER_SPAN``, split between worker
processes), so a cart is never shared and the run's rows are findable.

Users authenticate through the params file's auth provider (``PHASEBOOK_LOAD_PARAMS`` or
``PHASEBOOK_PARAMS``; see credentials.py): shopstack's ``X-User-Id`` or a JWT minted per user
id, or a login token / header / cookie of one persona. A 401 drops the cached credentials so
the next request logs in again. Without a params file: ``X-User-Id``.

With ``PHASEBOOK_LOAD_SUSTAIN_S`` set, the ``RampSustainRamp`` shape drives the user count
(ramp-up / sustain / ramp-down, see stages.py); without it, ``-u/-r/-t`` or the web UI do.
Never import this module outside Locust: Locust monkey-patches the process with gevent.
See docs/load.md for every variable.
"""

from __future__ import annotations

import csv
import itertools
import logging
import os
import random
import uuid

import locust.stats
from locust import FastHttpUser, LoadTestShape, between, constant, events, task
from locust.exception import StopUser
from locust.runners import MasterRunner

try:  # installed phasebook
    from phasebook.load import endpoints as names
    from phasebook.load.credentials import LoadCredentials, credentials_from_env
    from phasebook.load.stages import stages_from_env
except ImportError:  # a copy of this directory (Locust puts it on sys.path), e.g. a worker box
    import endpoints as names  # type: ignore[no-redef]
    from stages import stages_from_env  # type: ignore[no-redef]

    LoadCredentials = None  # type: ignore[assignment,misc]  # X-User-Id only

ENV = os.environ
HAPPY_PRODUCT = int(ENV.get("PHASEBOOK_LOAD_HAPPY_PRODUCT") or 1)
DECLINED_PRODUCT = int(ENV.get("PHASEBOOK_LOAD_DECLINED_PRODUCT") or HAPPY_PRODUCT)
SCARCE_PRODUCT = int(ENV.get("PHASEBOOK_LOAD_SCARCE_PRODUCT") or 0)
SCARCE_QUANTITY = int(ENV.get("PHASEBOOK_LOAD_SCARCE_QUANTITY") or 10)
READ_PRODUCTS = [int(p) for p in (ENV.get("PHASEBOOK_LOAD_READ_PRODUCTS") or "1").split(",")]
FIRST_USER = int(ENV.get("PHASEBOOK_LOAD_FIRST_USER") or 500_000_000)
USER_SPAN = int(ENV.get("PHASEBOOK_LOAD_USER_SPAN") or 16_000_000)
WAIT_MIN, WAIT_MAX = (float(x) for x in (ENV.get("PHASEBOOK_LOAD_WAIT_S") or "0.5,1.5").split(","))
BROWSE_MIN, BROWSE_MAX = (
    float(x) for x in (ENV.get("PHASEBOOK_LOAD_BROWSE_WAIT_S") or "0.05,0.15").split(",")
)
SCENARIO = ENV.get("PHASEBOOK_LOAD_SCENARIO") or "mixed"  # or "reads", "clients"
REQUESTS_PER_USER = int(ENV.get("PHASEBOOK_LOAD_REQUESTS_PER_USER") or 0)  # "clients" only
CLIENT_REQUEST = ENV.get("PHASEBOOK_LOAD_CLIENT_REQUEST") or "read"  # or "create"
MAX_PROCESSES = 16

# Flush the CSV files every second (default 5 s) so the library can show progress.
locust.stats.CSV_STATS_FLUSH_INTERVAL_SEC = float(ENV.get("PHASEBOOK_LOAD_FLUSH_S") or 1)

_serial = itertools.count()
_credentials: dict[str, object] = {}  # host -> LoadCredentials, built once per process
log = logging.getLogger("phasebook.load")


def credentials(host: str):  # noqa: ANN201 - LoadCredentials, or None on a bare worker box
    """This process's credentials for ``host`` (the params file is read once)."""
    if LoadCredentials is None:
        return None
    if host not in _credentials:
        _credentials[host] = credentials_from_env(ENV, host=host)
    return _credentials[host]


def _weight(name: str, default: int) -> int:
    """Class weight from ``PHASEBOOK_LOAD_WEIGHTS`` (``buyer=2,browser=1,cart=1``)."""
    given = (ENV.get("PHASEBOOK_LOAD_WEIGHTS") or "").split(",")
    return int(dict(item.split("=") for item in given if item).get(name, default))


class ShopUser(FastHttpUser):
    """A shopper of this run: headers carry a user id from the run's range."""

    abstract = True
    wait_time = between(WAIT_MIN, WAIT_MAX)

    def fresh_user(self) -> dict[str, str]:
        """Headers of a user id nobody else in this run has (unique per worker process)."""
        slot = getattr(self.environment.runner, "worker_index", 0) % MAX_PROCESSES
        stride = USER_SPAN // MAX_PROCESSES
        self.user_id = FIRST_USER + slot * stride + next(_serial) % stride
        return self.auth_headers()

    def auth_headers(self) -> dict[str, str]:
        """The current user's credentials (from the params' auth provider)."""
        auth = credentials(self.host)
        return auth.headers(self.user_id) if auth else {"X-User-Id": str(self.user_id)}

    def fail(self, response) -> None:  # noqa: ANN001 - Locust's response context
        """Record a failure (credentials masked); after a 401, log in again next time."""
        auth = credentials(self.host)
        text = f"{response.status_code} {(response.text or '')[:200]}"
        if auth is not None:
            if response.status_code == 401:
                auth.refresh(self.user_id)
            text = auth.redact(text)
        response.failure(text)

    def add(self, headers: dict[str, str], product: int, quantity: int) -> bool:
        body = {"product_id": product, "quantity": quantity}
        with self.client.post(
            names.CART_ITEMS, json=body, headers=headers, name=names.CART_ITEMS, catch_response=True
        ) as response:
            if response.status_code != 200:
                self.fail(response)
                return False
        return True

    def checkout(self, headers: dict[str, str], card: str, name: str, expect) -> None:  # noqa: ANN001
        body = {"idempotency_key": uuid.uuid4().hex, "payment": {"card_token": card}}
        with self.client.post(
            "/api/v1/checkout", json=body, headers=headers, name=name, catch_response=True
        ) as response:
            try:
                answer = response.json()
            except ValueError:
                answer = {}
            if expect(response.status_code, answer):
                response.success()  # an expected 409 is a success of its scenario
            else:
                self.fail(response)


class Buyer(ShopUser):
    """Checkouts, seed 000's mix: 80 % happy path, 15 % insufficient stock, 5 % declined."""

    abstract = SCENARIO != "mixed"
    weight = _weight("buyer", 2)

    @task(80)
    def happy_path(self) -> None:
        headers = self.fresh_user()
        if self.add(headers, HAPPY_PRODUCT, 1):
            self.checkout(
                headers,
                "tok_visa",
                names.CHECKOUT_HAPPY,
                lambda status, body: status == 200 and body.get("status") == "COMPLETED",
            )

    @task(15)
    def insufficient_stock(self) -> None:
        if not SCARCE_PRODUCT:
            log.warning("PHASEBOOK_LOAD_SCARCE_PRODUCT not set: no insufficient-stock checkout")
            return
        headers = self.fresh_user()
        if self.add(headers, SCARCE_PRODUCT, SCARCE_QUANTITY):
            self.checkout(
                headers,
                "tok_visa",
                names.CHECKOUT_SCARCE,
                lambda status, body: status == 409 and body.get("code") == "insufficient_stock",
            )

    @task(5)
    def payment_declined(self) -> None:
        headers = self.fresh_user()
        if self.add(headers, DECLINED_PRODUCT, 1):
            self.checkout(
                headers,
                "tok_chargeDeclined",
                names.CHECKOUT_DECLINED,
                lambda status, body: (
                    status == 200
                    and body.get("status") == "FAILED"
                    and body.get("failure_reason") == "payment_declined"
                ),
            )


class Browser(ShopUser):
    """Reads the catalogue: the list, and products by id. Short think time
    (``PHASEBOOK_LOAD_BROWSE_WAIT_S``), so the read percentiles rest on about a thousand
    samples per minute of load: a p99 of a hundred samples would be their maximum."""

    abstract = SCENARIO != "mixed"
    weight = _weight("browser", 1)
    wait_time = between(BROWSE_MIN, BROWSE_MAX)

    @task(2)
    def list_products(self) -> None:
        self.client.get(names.PRODUCTS, name=names.PRODUCTS)

    @task(1)
    def one_product(self) -> None:
        product = random.choice(READ_PRODUCTS)
        self.client.get(f"/api/v1/products/{product}", name=names.PRODUCT)


class CartUser(ShopUser):
    """Cart operations of one user of its own: add, read, update, remove, clear."""

    abstract = SCENARIO != "mixed"
    weight = _weight("cart", 1)

    def on_start(self) -> None:
        self.fresh_user()

    @task
    def edit_cart(self) -> None:
        product = random.choice(READ_PRODUCTS)
        item = f"/api/v1/cart/items/{product}"
        headers = self.auth_headers()  # cached by the provider; fresh after a 401
        if not self.add(headers, product, 1):
            return
        self.client.get(names.CART, headers=headers, name=names.CART)
        self.client.put(item, json={"quantity": 2}, headers=headers, name=names.CART_ITEM)
        self.client.delete(item, headers=headers, name=names.CART_ITEM)
        self.client.delete(names.CART, headers=headers, name=names.CART)


class ProductReader(FastHttpUser):
    """The read-capacity step: lists products as fast as the gateway answers."""

    abstract = SCENARIO != "reads"
    wait_time = constant(0)

    @task
    def list_products(self) -> None:
        self.client.get(names.PRODUCTS, name=names.PRODUCTS)


class SeedClient(ShopUser):
    """Seed 003 scenario 8: a client of its own user sending ``REQUESTS_PER_USER`` requests
    back to back, then stopping: ``read`` lists products, ``create`` publishes a client event
    (a new aggregate each time)."""

    abstract = SCENARIO != "clients"
    wait_time = constant(0)

    def on_start(self) -> None:
        self.headers = self.fresh_user()
        self.sent = 0

    @task
    def one_request(self) -> None:
        if self.sent >= REQUESTS_PER_USER:
            raise StopUser
        self.sent += 1
        if CLIENT_REQUEST != "create":
            self.client.get(names.PRODUCTS, name=names.PRODUCTS)
            return
        body = {
            "type": "perf.created",
            "aggregate_id": uuid.uuid4().hex,
            "payload": {"n": self.sent},
        }
        with self.client.post(
            names.EVENTS, json=body, headers=self.headers, name=names.EVENTS, catch_response=True
        ) as response:
            if response.status_code != 201:
                self.fail(response)


_stages = stages_from_env(ENV)
if _stages is not None:

    class RampSustainRamp(LoadTestShape):
        """Ramp-up, sustain, ramp-down from ``PHASEBOOK_LOAD_*`` (see stages.py); with
        ``PHASEBOOK_LOAD_REQUESTS_PER_USER``, ends once every client has sent its requests."""

        def tick(self):  # noqa: ANN201 - Locust's signature
            planned = _stages.users * REQUESTS_PER_USER
            if planned and self.runner.stats.total.num_requests >= planned:
                return None
            return _stages.target_at(self.get_run_time())


# Per-worker reporting (distributed mode): each worker adds its cumulative request counts to
# the reports it sends the master (Locust's report_to_master / worker_report events); the
# master writes them to PREFIX_workers.csv when it quits (read by stats.read_workers).
_sent = {"requests": 0, "failures": 0}
_workers: dict[str, dict] = {}
_environment: list = []  # Locust's Environment, once it exists


@events.request.add_listener
def _count_request(exception=None, **_kwargs) -> None:  # noqa: ANN001 - Locust's event
    _sent["requests"] += 1
    _sent["failures"] += exception is not None


@events.report_to_master.add_listener
def _report_counts(client_id: str, data: dict) -> None:
    runner = _environment[-1].runner if _environment else None
    data["phasebook_worker"] = {"index": getattr(runner, "worker_index", -1), **_sent}


@events.worker_report.add_listener
def _receive_counts(client_id: str, data: dict) -> None:
    if "phasebook_worker" in data:
        _workers[client_id] = data["phasebook_worker"]


@events.init.add_listener
def _remember_environment(environment, **_kwargs) -> None:  # noqa: ANN001
    _environment.append(environment)


_connected: set[str] = set()


@events.worker_connect.add_listener
def _announce_worker(client_id: str, **_kwargs) -> None:
    """One line per new worker in the master's output, whatever the log level: when the wait
    for workers runs out, headless.py names how many had connected (``workers connected:``)."""
    _connected.add(client_id)
    options = getattr(_environment[-1], "parsed_options", None) if _environment else None
    expected = getattr(options, "expect_workers", "?")
    print(f"phasebook: workers connected: {len(_connected)} of {expected}", flush=True)


@events.quitting.add_listener
def _write_worker_counts(environment, **_kwargs) -> None:  # noqa: ANN001
    prefix = getattr(environment.parsed_options, "csv_prefix", None)
    if not prefix or not isinstance(environment.runner, MasterRunner):
        return
    with open(f"{prefix}_workers.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["worker", "index", "requests", "failures"])
        for client_id, counts in sorted(_workers.items(), key=lambda kv: kv[1]["index"]):
            writer.writerow([client_id, counts["index"], counts["requests"], counts["failures"]])
