"""Business hours are judged on the sender's clock: the offset ``sent_at`` was written with.

On the tiny bundle E1 has three vendor replies to client messages in its window
(conftest.py): r1 after 10 minutes (instant), r2 on Wednesday 2025-02-05 at
14:00 UTC (business hours), r3 on a Saturday. So 2 of 3 are instant or after
hours. Each case below rewrites r2 only and states where its sender's wall
clock stands.
"""

from __future__ import annotations

import pytest

from engagement_analytics import signals
from engagement_analytics._contract import utc_offset_column

SHARE = "vendor_instant_or_after_hours_reply_share"


@pytest.mark.parametrize(
    ("r2_sent_at", "offset_minutes", "after_hours"),
    [
        # 14:00 UTC written in Tokyo: 23:00 on the sender's clock, after hours
        # (judged in UTC it would be 14:00, inside them).
        ("2025-02-05T23:00:00+09:00", 540.0, True),
        # 22:00 UTC written in New York: 17:00 there, inside business hours
        # (judged in UTC it would be 22:00, after them).
        ("2025-02-05T17:00:00-05:00", -300.0, False),
        # 07:30 on a Thursday in Kolkata is 02:00 UTC: early, after hours either way.
        ("2025-02-06T07:30:00+05:30", 330.0, True),
        # Friday 20:00 in Los Angeles is Saturday 04:00 UTC: a Friday evening, after hours.
        ("2025-02-07T20:00:00-08:00", -480.0, True),
        # Monday 09:00 in Auckland is Sunday 20:00 UTC: a working Monday morning.
        ("2025-02-10T09:00:00+13:00", 780.0, False),
        # Written with Z or without an offset: judged in UTC.
        ("2025-02-05T14:00:00Z", 0.0, False),
        ("2025-02-05T20:00:00", None, True),
    ],
)
def test_after_hours_share_reads_the_clock_the_reply_was_written_on(
    tiny_tables, loader, as_of, r2_sent_at, offset_minutes, after_hours
):
    messages = tiny_tables["communications"]
    messages.loc[messages["message_id"] == "r2", "sent_at"] = r2_sent_at
    bundle = loader(tiny_tables)

    kept = bundle.communications.set_index("message_id")[utc_offset_column("sent_at")]
    if offset_minutes is None:
        assert kept["r2"] != kept["r2"]  # NaN: no offset was written
    else:
        assert kept["r2"] == offset_minutes

    share = signals.compute(bundle, as_of=as_of).loc["E1", SHARE]
    # r1 is instant and r3 falls on a Saturday in every case; r2 decides the rest.
    assert share == pytest.approx((2 + after_hours) / 3)
