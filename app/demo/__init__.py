"""Demo, sample and benchmark data builders: a layer above the use cases (app.services).

Builders, not use cases: they may write with raw bulk SQL for speed. Nothing in app.services,
app.domain, app.db, sync, printing or ui imports this package (an import contract says so).
"""
