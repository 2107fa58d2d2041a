"""Every branch of the checkout saga, its start and its recovery, on in-memory fakes (no I/O).

The saga runs over :mod:`checkout_fakes`: a unit of work that commits or drops like the SQL one
and services that answer like the HTTP adapter. A "crash" is a BaseException raised at a
chosen point; recovery then runs on the same store, as a restarted process would.
"""

from __future__ import annotations

import asyncio

import pytest
from checkout_fakes import Crash, FakeServices, Store, fake_runtime
from shopstack.checkout.domain.commands import StartCheckout
from shopstack.checkout.domain.errors import (
    CheckoutInProgress,
    DownstreamUnavailable,
    DownstreamUnavailableForSession,
    EmptyCart,
    IdempotencyConflict,
    InsufficientStock,
    ProductUnavailable,
    UnexpectedAnswer,
)
from shopstack.checkout.domain.model import InvalidTransition
from shopstack.checkout.domain.session import Outcome
from shopstack.checkout.service_layer import recovery, saga, start
from shopstack.checkout.service_layer.pause import PausePoint
from shopstack.contracts import CheckoutCompleted, CheckoutFailed

USER = 7


def run(coroutine):
    return asyncio.run(coroutine)


def checkout(rt, key="k-1", *, user=USER, token="tok_visa", tenant="default"):
    command = StartCheckout(user_id=user, idempotency_key=key, card_token=token, tenant_id=tenant)
    return run(start.start_checkout(rt, command))


def shop(**cart) -> FakeServices:
    services = FakeServices()
    services.put_in_cart(USER, **(cart or {"p1": 2}))
    return services


def only_session(store: Store):
    [session] = store.sessions.values()
    return session


class CrashAfter(PausePoint):
    """The process dies right after persisting ``status``."""

    async def reached(self, status: str, idempotency_key: str) -> None:
        if status == self.after_status:
            raise Crash(status)


def crashed(crash: str, *, token: str = "tok_visa"):
    """A checkout whose process died at ``crash``; a restarted runtime on the same store."""
    services = shop()
    services.crash = crash
    rt, store = fake_runtime(services)
    with pytest.raises(Crash):
        checkout(rt, token=token)
    services.crash = None
    restarted, _ = fake_runtime(services, store)
    return services, store, restarted


def recover(rt) -> int:
    return run(recovery.recover_once(rt, stale_s=0.0))


# --- the saga's branches --------------------------------------------------------------------


def test_checkout_completes_confirms_stock_and_publishes_checkout_completed():
    services = shop(p1=2, p2=1)
    rt, store = fake_runtime(services)
    outcome = checkout(rt)
    session = only_session(store)
    assert (outcome.status, outcome.failure_reason) == ("COMPLETED", None)
    assert store.statuses(session.id) == [
        "INITIATED",
        "INVENTORY_RESERVED",
        "PAYMENT_PENDING",
        "PAYMENT_COMPLETED",
        "COMPLETED",
    ]
    [(aggregate, event)] = store.outbox
    assert aggregate == session.id and isinstance(event, CheckoutCompleted)
    assert event.bought() == {1: 2, 2: 1} and str(event.total_amount) == "2629.97"
    assert event.payment_id == session.payment_id == f"pay-{session.id}"
    assert services.reservations[session.id]["status"] == "CONFIRMED"
    assert services.stock == {1: 98, 2: 499} and rt.wakes == [1] and not rt.active


def test_a_checkout_reserves_and_charges_under_the_config_version_it_started_with():
    services = shop()
    rt, store = fake_runtime(services)
    rt.config_version = lambda: 3
    assert checkout(rt).status == "COMPLETED"
    assert only_session(store).config_version == 3
    assert services.config_versions == [3, 3]  # reserve, then charge


def test_checkout_releases_reservation_when_payment_declined():
    services = shop()
    rt, store = fake_runtime(services)
    outcome = checkout(rt, token="tok_chargeDeclined")
    session = only_session(store)
    assert (outcome.status, outcome.failure_reason) == ("FAILED", "payment_declined")
    assert session.payment_id == f"pay-{session.id}" and services.stock[1] == 100
    [(_, event)] = store.outbox
    assert event == CheckoutFailed(
        checkout_id=session.id,
        user_id=USER,
        failure_reason="payment_declined",
        payment_attempted=False,
    )


def test_insufficient_stock_fails_without_charging_and_a_replay_raises_it_again():
    services = shop(p1=101)
    rt, store = fake_runtime(services)
    with pytest.raises(InsufficientStock) as raised:
        checkout(rt)
    assert (raised.value.available, raised.value.requested) == (100, 101)
    assert only_session(store).failure_reason == "insufficient_stock"
    assert "charge" not in services.calls and services.stock[1] == 100
    with pytest.raises(InsufficientStock) as replayed:
        checkout(rt)
    assert replayed.value.as_json() == raised.value.as_json()
    assert len(store.sessions) == 1


@pytest.mark.parametrize(
    ("down", "reason", "release_tried"),
    [({"inventory"}, "inventory_unavailable", True), ({"payment"}, "payment_unavailable", True)],
)
def test_downstream_unavailable_fails_the_checkout_and_raises(down, reason, release_tried):
    services = shop()
    services.down = down
    rt, store = fake_runtime(services)
    with pytest.raises(DownstreamUnavailableForSession) as raised:
        checkout(rt)
    session = only_session(store)
    assert raised.value.unavailable.service == next(iter(down)) and session.failure_reason == reason
    assert (raised.value.checkout_id, raised.value.status) == (session.id, "FAILED")
    assert ("release" in services.calls) is release_tried
    [(_, event)] = store.outbox
    assert event.payment_attempted is (reason == "payment_unavailable")
    assert services.stock[1] == 100  # payment down: released; inventory down: never taken


def test_a_replay_of_a_checkout_failed_for_good_names_the_same_session_without_new_work():
    services = shop()
    services.down = {"payment"}
    rt, store = fake_runtime(services)
    with pytest.raises(DownstreamUnavailableForSession) as raised:
        checkout(rt)
    services.down = set()  # the service is back: the stored problem is the answer for good
    charges = services.calls.count("charge")
    with pytest.raises(DownstreamUnavailableForSession) as replayed:
        checkout(rt)
    for answer in (raised.value, replayed.value):
        named = (answer.unavailable.service, answer.checkout_id, answer.status)
        assert named == ("payment", only_session(store).id, "FAILED")
    assert services.calls.count("charge") == charges and len(store.sessions) == 1


def test_an_unexpected_inventory_answer_fails_the_checkout_as_unavailable():
    services = shop()
    rt, store = fake_runtime(services)

    async def odd_answer(checkout_id, lines, *, config_version=0):
        raise UnexpectedAnswer("inventory", 500)

    services.reserve = odd_answer
    with pytest.raises(UnexpectedAnswer):
        checkout(rt)
    assert only_session(store).failure_reason == "inventory_unavailable"


def test_a_reservation_already_compensated_fails_the_checkout_interrupted():
    services = shop()
    rt, store = fake_runtime(services)
    command = StartCheckout(user_id=USER, idempotency_key="k", card_token="tok_visa")
    snapshot = run(start.snapshot_of(rt, services.carts[USER]))
    session = start.new_session(command, snapshot)
    services.tombstone(session.id)  # recovery released it before this saga reserved
    run(rt.record_new(session))
    outcome = run(saga.run(rt, session))
    assert (outcome.status, outcome.failure_reason) == ("FAILED", "interrupted")
    assert "charge" not in services.calls


def test_a_reservation_gone_at_confirmation_fails_and_asks_payment_to_refund():
    services = shop()
    rt, store = fake_runtime(services)

    async def gone(reservation_id):
        from shopstack.checkout.domain.errors import ReservationGone

        raise ReservationGone(reservation_id)

    services.confirm = gone
    outcome = checkout(rt)
    assert (outcome.status, outcome.failure_reason) == ("FAILED", "reservation_expired")
    [(_, event)] = store.outbox
    assert event.payment_attempted is True


def test_inventory_down_at_confirmation_leaves_payment_completed_for_recovery():
    services = shop()
    rt, store = fake_runtime(services)
    real_confirm = services.confirm

    async def down(reservation_id):
        raise DownstreamUnavailable("inventory")

    services.confirm = down
    with pytest.raises(DownstreamUnavailableForSession) as raised:
        checkout(rt)
    assert only_session(store).status == "PAYMENT_COMPLETED" and store.outbox == []
    assert (raised.value.checkout_id, raised.value.status) == (
        only_session(store).id,
        "PAYMENT_COMPLETED",
    )
    services.confirm = real_confirm
    assert recover(rt) == 1
    assert only_session(store).status == "COMPLETED" and store.outbox_types() == [
        "checkout.completed"
    ]
    assert checkout(rt) == Outcome.completed(raised.value.checkout_id)  # the replay's answer


def test_run_refuses_a_session_that_is_not_initiated():
    services = shop()
    rt, store = fake_runtime(services)
    checkout(rt)
    with pytest.raises(ValueError, match="not INITIATED"):
        run(saga.run(rt, only_session(store)))


def test_release_that_fails_is_left_to_the_outbox_event():
    services = shop()
    services.down = {"inventory"}
    rt, store = fake_runtime(services)
    command = StartCheckout(user_id=USER, idempotency_key="k", card_token="tok_visa")
    services.down = set()
    snapshot = run(start.snapshot_of(rt, services.carts[USER]))
    session = start.new_session(command, snapshot)
    services.down = {"inventory"}
    run(saga.release_quietly(rt, session))  # no exception: checkout.failed will release
    assert services.calls[-1] == "release"


# --- crash points and recovery ----------------------------------------------------------------


def test_crash_after_reservation_is_compensated_on_restart():
    services = shop()
    rt, store = fake_runtime(services, pause=CrashAfter(after_status="INVENTORY_RESERVED"))
    with pytest.raises(Crash):
        checkout(rt)
    assert only_session(store).status == "INVENTORY_RESERVED" and services.stock[1] == 98
    restarted, _ = fake_runtime(services, store)
    assert recover(restarted) == 1
    session = only_session(store)
    assert (session.status, session.failure_reason) == ("FAILED", "interrupted")
    assert services.stock[1] == 100 and "charge" not in services.calls


def test_crash_before_the_charge_voids_it_and_compensates_on_restart():
    services, store, restarted = crashed("charge")
    assert only_session(store).status == "PAYMENT_PENDING"
    assert recover(restarted) == 1
    session = only_session(store)
    assert (session.status, session.failure_reason) == ("FAILED", "interrupted")
    assert services.charges[session.id].status == "VOIDED" and services.stock[1] == 100


def test_crash_after_a_captured_charge_resumes_to_completed_on_restart():
    services, store, restarted = crashed("charge:after")
    assert recover(restarted) == 1
    session = only_session(store)
    assert session.status == "COMPLETED" and store.outbox_types() == ["checkout.completed"]
    assert services.charges[session.id].status == "CAPTURED"


def test_crash_after_a_declined_charge_fails_declined_on_restart():
    _, store, restarted = crashed("charge:after", token="tok_chargeDeclined")
    assert recover(restarted) == 1
    session = only_session(store)
    assert (session.status, session.failure_reason) == ("FAILED", "payment_declined")


def test_crash_before_confirmation_resumes_to_completed_on_restart():
    _, store, restarted = crashed("confirm")
    assert only_session(store).status == "PAYMENT_COMPLETED"
    assert recover(restarted) == 1 and only_session(store).status == "COMPLETED"


def test_recovery_leaves_active_and_fresh_sessions_and_retries_unreachable_ones():
    services, store, restarted = crashed("confirm")
    session = only_session(store)
    restarted.active.add(session.id)
    assert recover(restarted) == 0  # a saga of this process is driving it
    restarted.active.clear()
    assert run(recovery.recover_once(restarted, stale_s=3600)) == 0  # not stale yet
    services.down = {"inventory"}
    assert recover(restarted) == 0 and only_session(store).status == "PAYMENT_COMPLETED"
    services.down = set()
    assert recover(restarted) == 1


def test_recovery_skips_a_session_another_actor_moved_on():
    _, store, restarted = crashed("confirm")
    stale = only_session(store)

    async def moved_meanwhile(rt_, session):
        raise InvalidTransition(f"{session.id} is no longer {session.status}")

    original = recovery.recover_session
    recovery.recover_session = moved_meanwhile
    try:
        assert recover(restarted) == 0
    finally:
        recovery.recover_session = original
    assert only_session(store).status == stale.status


# --- starting a checkout: idempotency ---------------------------------------------------------


def test_same_key_and_cart_replays_the_outcome_without_new_work():
    services = shop()
    rt, store = fake_runtime(services)
    first = checkout(rt)
    charges = services.calls.count("charge")
    assert checkout(rt) == first and services.calls.count("charge") == charges
    services.carts[USER] = {"cart_id": "", "items": []}  # consumed by checkout.completed
    assert checkout(rt) == first and len(store.sessions) == 1


def test_same_key_with_another_card_is_a_conflict():
    rt, _ = fake_runtime(shop())
    checkout(rt)
    with pytest.raises(IdempotencyConflict):
        checkout(rt, token="tok_chargeDeclined")


def test_same_key_from_another_user_or_tenant_is_their_own_checkout():
    services = shop()
    services.put_in_cart(8, p1=2)
    rt, store = fake_runtime(services)
    mine = checkout(rt)
    other_user = checkout(rt, user=8)
    other_tenant = checkout(rt, tenant="acme")
    ids = {mine.checkout_id, other_user.checkout_id, other_tenant.checkout_id}
    assert len(ids) == 3 and len(store.sessions) == 3
    owners = sorted((x.tenant_id, x.user_id) for x in store.sessions.values())
    assert owners == sorted([("default", USER), ("default", 8), ("acme", USER)])


def test_losing_the_insert_race_answers_the_winner_outcome():
    services = shop()
    rt, store = fake_runtime(services)
    winner = checkout(rt, key="race")
    real_read = rt.read
    reads = []

    async def read_missing_first(query):
        reads.append(1)
        return None if len(reads) == 1 else await real_read(query)

    rt.read = read_missing_first
    assert checkout(rt, key="race") == winner and len(store.sessions) == 1


def test_a_duplicate_waits_then_gives_up_while_the_first_is_in_progress(monkeypatch):
    services = shop()
    rt, store = fake_runtime(services, pause=CrashAfter(after_status="INVENTORY_RESERVED"))
    with pytest.raises(Crash):
        checkout(rt)
    monkeypatch.setattr(start, "REPLAY_WAIT_S", 0.0)
    with pytest.raises(CheckoutInProgress):
        checkout(rt)


def test_empty_cart_and_vanished_product_are_refused_before_any_session():
    services = FakeServices()
    rt, store = fake_runtime(services)
    with pytest.raises(EmptyCart):
        checkout(rt)
    services.put_in_cart(USER, p9=1)
    with pytest.raises(ProductUnavailable):
        checkout(rt)
    assert store.sessions == {}


def test_a_unit_that_does_not_commit_leaves_nothing():
    services = shop()
    rt, store = fake_runtime(services)
    with rt.uow(write=True) as uow:
        uow.outbox.add(
            aggregate_id="x",
            payload=CheckoutFailed(checkout_id="x", user_id=1, failure_reason="interrupted"),
        )
    assert store.outbox == [] and store.commits == 0
