"""Timeline entries from every clock the sources use end up on one UTC axis, in order."""

from __future__ import annotations

import datetime as dt
import math

from phasebook.explore.timeline import Entry, Timeline, to_utc

UTC = dt.UTC


def test_times_from_every_source_are_read_as_utc():
    expected = dt.datetime(2026, 12, 1, 19, 24, 26, 311000, tzinfo=UTC)
    assert to_utc("2026-12-01 19:24:26.311") == expected  # SQLite, naive UTC
    assert to_utc("2026-12-01T19:24:26.311Z") == expected  # the API and the mail sink
    assert to_utc(expected.timestamp()) == expected  # the journal's epoch seconds
    assert to_utc(expected.astimezone(dt.timezone(dt.timedelta(hours=2)))) == expected
    local = expected.astimezone().replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S,%f")[:23]
    assert to_utc(local, naive_is_local=True) == expected  # log lines, local time


def test_unreadable_times_are_none_not_errors():
    for value in (None, "", "yesterday", math.nan, float("inf"), object()):
        assert to_utc(value) is None


def test_a_timeline_is_sorted_and_shows_offsets_from_its_first_entry():
    t0 = dt.datetime(2026, 1, 1, tzinfo=UTC)
    later = Entry(t0 + dt.timedelta(milliseconds=250), "email", "email", "email to a@b")
    first = Entry(t0, "request", "request", "POST /api/v1/checkout → 200")
    timeline = Timeline("checkout x", [later, first], ["emails: none"])
    assert timeline.kinds() == ["request", "email"]
    frame = timeline.to_frame()
    assert list(frame["+ms"]) == [0.0, 250.0]
    assert "+250 ms" in timeline._repr_html_() and "emails: none" in timeline._repr_html_()
