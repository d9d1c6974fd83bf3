"""The base of errors whose message is written for the person using the application."""


class UserFacingError(Exception):
    """An error whose message says what happened and what to do; no traceback needed."""
