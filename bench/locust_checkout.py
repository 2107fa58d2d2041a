"""Locust scenario for ``bench/checkout.py``: every purchase is made by a user of its own
(``X-User-Id``): put the bench product in the cart, check out with a fresh key. (One user
buying again at once would add to the cart that the completed checkout is about to clear.)

Runs in its own process (Locust monkey-patches with gevent; never import it elsewhere). By
hand: ``BENCH_PRODUCT_ID=6 locust -f bench/locust_checkout.py --host http://127.0.0.1:8080``.
"""

from __future__ import annotations

import itertools
import os
import uuid

from locust import task
from locust.contrib.fasthttp import FastHttpUser

_user_ids = itertools.count(int(os.environ.get("BENCH_FIRST_USER", "9000000")))
PRODUCT_ID = int(os.environ.get("BENCH_PRODUCT_ID", "1"))


class Shopper(FastHttpUser):
    @task
    def buy(self) -> None:
        self.headers = {"X-User-Id": str(next(_user_ids))}
        self.client.post(
            "/api/v1/cart/items",
            json={"product_id": PRODUCT_ID, "quantity": 1},
            headers=self.headers,
            name="add to cart",
        )
        body = {"idempotency_key": uuid.uuid4().hex}
        with self.client.post(
            "/api/v1/checkout",
            json=body,
            headers=self.headers,
            name="checkout",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or response.json().get("status") != "COMPLETED":
                response.failure(f"{response.status_code} {response.text[:200]}")
