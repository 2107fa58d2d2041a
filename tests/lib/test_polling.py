import pytest
from phasebook.errors import EventuallyTimeout
from phasebook.polling import eventually


class FakeClock:
    def __init__(self):
        self.now = 100.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def sequence(*values):
    items = iter(values)

    def next_value():
        value = next(items)
        if isinstance(value, Exception):
            raise value
        return value

    return next_value


def test_returns_the_first_truthy_value_and_reports_convergence_time():
    clock, seen = FakeClock(), []
    value = eventually(
        sequence(None, [], {"ok": 1}),
        timeout=5,
        interval=0.5,
        clock=clock,
        sleep=clock.sleep,
        description="cart cleared",
        on_success=lambda d, s: seen.append((d, s)),
    )
    assert value == {"ok": 1}
    assert seen == [("cart cleared", 1.0)]


def test_until_predicate_decides_when_the_value_is_ready():
    clock = FakeClock()
    value = eventually(
        sequence(1, 2, 3),
        until=lambda v: v >= 3,
        timeout=5,
        interval=1,
        clock=clock,
        sleep=clock.sleep,
    )
    assert value == 3


def test_exceptions_count_as_not_yet():
    clock = FakeClock()
    assert (
        eventually(
            sequence(ValueError("boom"), "done"),
            timeout=5,
            interval=1,
            clock=clock,
            sleep=clock.sleep,
        )
        == "done"
    )


def test_timeout_reports_last_value_and_elapsed():
    clock = FakeClock()
    with pytest.raises(EventuallyTimeout) as info:
        eventually(
            lambda: 0,
            timeout=2,
            interval=0.5,
            clock=clock,
            sleep=clock.sleep,
            description="order created",
        )
    error = info.value
    assert error.elapsed == 2.0 and error.last_value == 0
    assert str(error).startswith("order created: not reached after 2.00 s (5 attempts")
    assert "last value 0" in str(error)


def test_timeout_reports_the_last_exception():
    clock = FakeClock()

    def failing():
        raise ConnectionError("refused")

    with pytest.raises(EventuallyTimeout, match="last error ConnectionError: refused") as info:
        eventually(failing, timeout=1, interval=0.5, clock=clock, sleep=clock.sleep)
    assert isinstance(info.value.last_error, ConnectionError)


def test_last_sleep_is_shortened_to_the_deadline():
    clock = FakeClock()
    with pytest.raises(EventuallyTimeout):
        eventually(lambda: False, timeout=1, interval=0.75, clock=clock, sleep=clock.sleep)
    assert clock.sleeps == [0.75, 0.25]
