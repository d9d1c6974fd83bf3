"""Clinician PIN and idle rules, as plain functions (no database, no Qt).

The PIN is stored only as a salted scrypt hash (``hashlib.scrypt``, RFC 7914; the cost
parameters travel with the hash so they can be raised later). Wrong PINs are rate-limited
by a growing wait, and idle time is measured on an injectable clock so tests need no sleep.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

MIN_PIN_LENGTH = 4
MAX_PIN_LENGTH = 64
FREE_ATTEMPTS = 3
"""Wrong PINs allowed before any wait (typing slips)."""
FIRST_WAIT_SECONDS = 10
MAX_WAIT_SECONDS = 15 * 60
PATIENT_IDLE_SECONDS = 3 * 60
CLINICIAN_IDLE_SECONDS = 5 * 60

# scrypt cost: n=2**14, r=8 needs 16 MiB and ~50 ms here — slow to guess, quick to check.
_N, _R, _P = 2**14, 8, 1
_SCHEME = "scrypt"


class PinRefused(ValueError):
    """A PIN that cannot be set (too short, too long, not confirmed)."""


def check_new_pin(pin: str, confirmation: str) -> None:
    """Raise :class:`PinRefused` with a message for the person typing it."""
    if len(pin) < MIN_PIN_LENGTH:
        raise PinRefused(f"Use at least {MIN_PIN_LENGTH} characters.")
    if len(pin) > MAX_PIN_LENGTH:
        raise PinRefused(f"Use at most {MAX_PIN_LENGTH} characters.")
    if pin.strip() != pin:
        raise PinRefused("The PIN cannot begin or end with a space.")
    if len(set(pin)) == 1:
        raise PinRefused("Use more than one different character.")
    if pin != confirmation:
        raise PinRefused("The two PINs differ; type the same PIN twice.")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_pin(pin: str, *, salt: bytes | None = None) -> str:
    """``scrypt$n$r$p$salt$hash`` (base64): never the PIN itself."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"{_SCHEME}${_N}${_R}${_P}${_b64(salt)}${_b64(digest)}"


def verify_pin(pin: str, stored: str) -> bool:
    """True when ``pin`` matches ``stored`` (constant-time comparison)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != _SCHEME:
            return False
        expected = base64.b64decode(digest, validate=True)
        actual = hashlib.scrypt(
            pin.encode("utf-8"),
            salt=base64.b64decode(salt, validate=True),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def wait_after(failed_attempts: int) -> int:
    """Seconds to wait before the next try after ``failed_attempts`` wrong PINs in a row.

    None for the first :data:`FREE_ATTEMPTS`; then 10 s, doubling, at most 15 minutes.
    """
    over = failed_attempts - FREE_ATTEMPTS
    if over < 0:
        return 0
    wait: int = FIRST_WAIT_SECONDS * 2 ** min(over, 20)
    return min(MAX_WAIT_SECONDS, wait)


@dataclass
class IdleTimer:
    """Seconds since the last activity on ``clock`` (monotonic by default; tests inject one)."""

    timeout_seconds: float
    clock: Callable[[], float]
    _last: float = field(init=False)

    def __post_init__(self) -> None:
        self._last = self.clock()

    def touch(self) -> None:
        self._last = self.clock()

    def idle_seconds(self) -> float:
        return max(0.0, self.clock() - self._last)

    def expired(self) -> bool:
        return self.timeout_seconds > 0 and self.idle_seconds() >= self.timeout_seconds
