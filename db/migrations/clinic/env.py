"""Alembic environment of the clinic database (consults, notes, audit).

Run through :mod:`explorer.store.migrate`, which passes an open connection in
``config.attributes["connection"]``; batch mode lets SQLite alter tables.
"""

from alembic import context

from explorer.store.clinic_models import ClinicBase

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=ClinicBase.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
