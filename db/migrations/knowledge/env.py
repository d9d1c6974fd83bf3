"""Alembic environment of the knowledge-base database.

Run through :mod:`explorer.store.migrate`, which passes an open connection in
``config.attributes["connection"]``; batch mode lets SQLite alter tables.
"""

from alembic import context

from explorer.store.models import KnowledgeBase

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=KnowledgeBase.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
