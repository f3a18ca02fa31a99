"""Sessions on disk: model, store, migrations, recovery."""
