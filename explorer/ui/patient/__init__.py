"""Patient mode: the simplified full-screen window shown to the patient."""
