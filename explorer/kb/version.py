"""The knowledge-base document's format name and version, without importing pydantic
(the window's start-up read path checks them)."""

FORMAT_NAME = "spine-treatment-explorer/knowledge-base"
FORMAT_VERSION = 4
"""2: required plain-language fields for everything plain mode shows (course, duration,
delivered by, regulatory note, guideline positions, harm frequencies, finding time points,
pathway escalation criteria). 3: required plain treatment names, plain statistic labels and
populations, and plain FAQ questions. An older file is refused, naming every missing field
(no upgrade step can invent them; see :mod:`explorer.kb.upgrade`). 4: required source
funding and harm causation (a format-3 document is upgraded: "not reported", "not
established"), and optional replacements, early stopping, harm certainty and regulator
warnings, finding analysis, red flags and the scope statement."""
