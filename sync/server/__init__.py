"""The reference central server: FastAPI on PostgreSQL, its own Alembic history.

app.py (endpoints) -> push.py / ingest.py (storing what counters send) -> feed.py (the change
feed counters pull) over tables.py; reference.py and demo.py load the data the server owns;
online.py and webhooks.py turn gateway events into online payments. It may use app.domain but
never the counter's database layer (app.db) or services.
"""
