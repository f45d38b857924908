"""alembic's environment for the store: run on the connection :mod:`bots.store.schema` hands over.

That connection is already inside the transaction that holds the store's
write lock, so every revision of one upgrade commits (or rolls back) together.
"""

from alembic import context

context.configure(connection=context.config.attributes["connection"],
                  transaction_per_migration=False)
with context.begin_transaction():
    context.run_migrations()
