"""The base of errors whose message is written for the person using the application."""


class UserFacingError(Exception):
    """An error whose message says what happened and what to do; no traceback needed."""


class ConsultConflict(UserFacingError):
    """The consult was saved elsewhere since it was read; nothing was overwritten.

    Here rather than with the consult services so that the window can tell it apart
    without loading the database code."""
