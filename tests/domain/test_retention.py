"""The rotation policy: 7 daily, 4 weekly, 12 monthly, 3 safety copies (pure function)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from explorer.domain.retention import (
    BackupStamp,
    RetentionPolicy,
    backups_to_keep,
    kept_for_consults,
)


def _daily(first: dt.date, last: dt.date, hour: int = 9) -> list[BackupStamp]:
    days = (last - first).days + 1
    return [
        BackupStamp(dt.datetime.combine(first + dt.timedelta(d), dt.time(hour)), f"d{d}")
        for d in range(days)
    ]


def _dates(stamps: list[BackupStamp], keep: set[str]) -> set[str]:
    return {s.taken_at.date().isoformat() for s in stamps if s.name in keep}


def test_a_year_of_daily_backups_keeps_exactly_7_daily_4_weekly_12_monthly() -> None:
    stamps = _daily(dt.date(2025, 10, 1), dt.date(2026, 11, 26))  # 2026-11-26 is a Thursday
    kept = _dates(stamps, backups_to_keep(stamps))
    daily = {f"2026-11-{d}" for d in range(20, 27)}
    weekly = {"2026-11-26", "2026-11-22", "2026-11-15", "2026-11-08"}  # newest of ISO weeks
    monthly = {
        "2026-11-26", "2026-10-31", "2026-09-30", "2026-08-31", "2026-07-31", "2026-06-30",
        "2026-05-31", "2026-04-30", "2026-03-31", "2026-02-28", "2026-01-31", "2025-12-31",
    }  # fmt: skip
    assert kept == daily | weekly | monthly
    assert len(kept) == 7 + 2 + 11  # the newest of today counts for all three rules


def test_several_backups_a_day_keep_the_newest_of_each_day() -> None:
    stamps = [BackupStamp(dt.datetime(2026, 11, 26, hour), f"h{hour}") for hour in (8, 12, 17)] + [
        BackupStamp(dt.datetime(2026, 11, 25, 9), "yesterday")
    ]
    assert backups_to_keep(stamps) == {"h17", "yesterday"}


def test_a_long_break_keeps_the_last_backups_rather_than_none() -> None:
    """Periods with a backup are counted, not calendar days back from today."""
    stamps = _daily(dt.date(2026, 1, 1), dt.date(2026, 1, 10))
    kept = _dates(stamps, backups_to_keep(stamps))  # nothing since January: all still there
    # the 7 newest days; 1-3 January go (Sunday the 4th is also its ISO week's newest)
    assert kept == {f"2026-01-{d:02d}" for d in range(4, 11)}


def test_safety_copies_keep_the_three_newest_whatever_their_age() -> None:
    safety = [
        BackupStamp(dt.datetime(2024 + i, 3, 1), f"upgrade{i}", safety=True) for i in range(5)
    ]
    regular = _daily(dt.date(2026, 11, 1), dt.date(2026, 11, 26))
    keep = backups_to_keep(safety + regular)
    assert {n for n in keep if n.startswith("upgrade")} == {"upgrade2", "upgrade3", "upgrade4"}
    assert len(keep - {"upgrade2", "upgrade3", "upgrade4"}) == len(backups_to_keep(regular))


def test_the_policy_numbers_are_honoured() -> None:
    stamps = _daily(dt.date(2024, 1, 1), dt.date(2026, 11, 26))
    keep = backups_to_keep(stamps, RetentionPolicy(daily=2, weekly=1, monthly=3, safety=0))
    assert _dates(stamps, keep) == {"2026-11-26", "2026-11-25", "2026-10-31", "2026-09-30"}
    assert backups_to_keep([]) == set()


def test_a_backup_holding_consults_no_newer_backup_holds_is_never_rotated_away() -> None:
    """The clinic database lost consults (emptied, an old copy put in its place): the
    poorer backups taken since never push out the last one that holds them, nor a richer
    one the same day; in normal use (the count only grows) nothing extra is kept."""
    regular = _daily(dt.date(2026, 1, 1), dt.date(2026, 11, 26))
    growing = [replace(s, consults=i) for i, s in enumerate(sorted(regular))]
    assert backups_to_keep(growing) == backups_to_keep(regular)

    rich = BackupStamp(dt.datetime(2025, 12, 31, 9), "rich", consults=40)
    same_day_richer = BackupStamp(dt.datetime(2026, 11, 26, 8), "this morning", consults=35)
    poorer = [replace(s, consults=3) for s in regular]  # every backup since: 3 consults
    keep = backups_to_keep([rich, same_day_richer, *poorer])
    assert {"rich", "this morning"} <= keep
    assert keep - {"rich", "this morning"} == backups_to_keep(regular)
    assert kept_for_consults([rich, same_day_richer, *poorer]) == {"rich", "this morning", "d329"}

    emptied = [replace(s, consults=0) for s in regular]  # nothing holds consults since
    assert "rich" in backups_to_keep([rich, *emptied])
    unreadable = BackupStamp(dt.datetime(2026, 11, 26, 7), "unreadable", consults=None)
    assert "unreadable" not in backups_to_keep([unreadable, *emptied])
