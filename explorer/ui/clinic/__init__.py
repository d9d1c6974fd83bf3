"""Clinician mode: the PIN lock, the consult panel with its history and saving, the audit
log dialog and the preferences."""
