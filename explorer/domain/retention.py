"""Which backups to keep: recent daily, weekly and monthly copies (pure functions, no I/O).

The policy counts *periods that have a backup*, not calendar periods back from today: a PC
that stayed off for a month still keeps its last 7 daily copies instead of losing them all
at the first start after the break.

- **daily**: the newest backup of each of the 7 most recent days that have one;
- **weekly**: the newest backup of each of the 4 most recent ISO weeks (Monday to Sunday)
  that have one;
- **monthly**: the newest backup of each of the 12 most recent calendar months that have one;
- **safety copies** (taken before an upgrade or a restore): the 3 most recent are kept
  whatever their date, in addition to the above.

A backup kept by several rules counts once, so at most 7 + 4 + 12 + 3 = 26 files remain.

Whatever the periods say, a backup holding more consults than every newer backup is kept
(:func:`kept_for_consults`): removing it would lose consults that no other backup holds. In
normal use the count of consults only grows (a deleted consult stays in the file), so this
keeps nothing extra; it matters when the clinic database lost consults (emptied, an older
copy put in its place, its write-ahead log lost), so that the poorer backups taken since
never push out the last ones that hold them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RetentionPolicy:
    """How many periods of each kind keep their newest backup."""

    daily: int = 7
    weekly: int = 4
    monthly: int = 12
    safety: int = 3


DEFAULT_POLICY = RetentionPolicy()


@dataclass(frozen=True, order=True)
class BackupStamp:
    """What the rotation needs to know about one backup: when, whether it is a safety copy
    (before an upgrade or a restore), and how many consults it holds (None: unknown, e.g.
    unreadable). ``name`` identifies it (the file name)."""

    taken_at: dt.datetime
    name: str
    safety: bool = False
    consults: int | None = field(default=None, compare=False)


def _newest_per_period(
    stamps: list[BackupStamp], period: Callable[[dt.datetime], Hashable], count: int
) -> set[str]:
    newest: dict[Hashable, BackupStamp] = {}
    for stamp in stamps:  # sorted newest first: the first one seen in a period is its newest
        newest.setdefault(period(stamp.taken_at), stamp)
    return {stamp.name for stamp in list(newest.values())[:count]}


def backups_to_keep(
    stamps: Iterable[BackupStamp], policy: RetentionPolicy = DEFAULT_POLICY
) -> set[str]:
    """The names of the backups the policy keeps (see the module docstring)."""
    ordered = sorted(stamps, reverse=True)
    regular = [s for s in ordered if not s.safety]
    keep = _newest_per_period(regular, lambda t: t.date(), policy.daily)
    keep |= _newest_per_period(regular, lambda t: t.isocalendar()[:2], policy.weekly)
    keep |= _newest_per_period(regular, lambda t: (t.year, t.month), policy.monthly)
    safety = [s for s in ordered if s.safety]
    keep |= {s.name for s in safety[: policy.safety]}
    return keep | kept_for_consults(ordered)


def kept_for_consults(stamps: Iterable[BackupStamp]) -> set[str]:
    """The backups holding more consults than every newer backup (an unknown count counts
    as none). The newest backup that holds any consults is always one of them."""
    keep: set[str] = set()
    most_since = 0  # the most consults any newer backup holds
    for stamp in sorted(stamps, reverse=True):
        count = stamp.consults or 0
        if count > most_since:
            keep.add(stamp.name)
            most_since = count
    return keep
