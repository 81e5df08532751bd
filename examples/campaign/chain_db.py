#!/usr/bin/env python3
"""Build an event store (the schema of docs/providers.md) from chain-context.json, for the
chain module over SQLite: examples/campaign/chain-store.jinja (the campaign report) and
examples/campaign/chain-next.jinja (one customer's next action, for `jinn batch`).

    python3 examples/campaign/chain_db.py OUT.db [CONTEXT.json]

Definitions:
  chain-events     aggregate: the customer's events, oldest first (action, time, params as JSON text)
  chain-customers  aggregate: every customer with profile and events as JSON text (the report)
  clock            expression: :now, the time of the lookup
"""
import json
import os
import sqlite3
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

DEFINITIONS = [
    ("chain-events", "aggregate", "the customer's events",
     "SELECT action, timestamp AS time, params FROM events "
     "WHERE customer_id = :customer_id ORDER BY timestamp, rowid"),
    ("chain-customers", "aggregate", "every customer, with profile and events",
     "SELECT c.id AS id, c.attributes AS profile, "
     "(SELECT json_group_array(json_object('action', e.action, 'time', e.timestamp, 'params', json(e.params))) "
     " FROM (SELECT * FROM events WHERE customer_id = c.id ORDER BY timestamp, rowid) AS e) AS events "
     "FROM customers AS c ORDER BY c.id"),
    ("clock", "expression", "now", "SELECT :now"),
]


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    ctx = json.load(open(sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "chain-context.json")))
    if os.path.exists(out):
        os.remove(out)
    db = sqlite3.connect(out)
    db.executescript("""
        CREATE TABLE customers(id TEXT PRIMARY KEY, attributes TEXT);
        CREATE TABLE events(customer_id TEXT, action TEXT, params TEXT, timestamp INTEGER);
        CREATE TABLE definitions(id TEXT PRIMARY KEY,
            kind TEXT CHECK(kind IN ('expression', 'metric', 'aggregate')), name TEXT, sql TEXT);
        CREATE INDEX events_by_customer ON events(customer_id, action, timestamp);
    """)
    for c in ctx["customers"]:
        db.execute("INSERT INTO customers VALUES (?, ?)", (c["id"], json.dumps(c.get("profile") or {})))
        for e in c["events"]:
            db.execute("INSERT INTO events VALUES (?, ?, ?, ?)",
                       (c["id"], e["action"], json.dumps(e.get("params") or {}), e["time"]))
    db.executemany("INSERT INTO definitions VALUES (?, ?, ?, ?)", DEFINITIONS)
    db.commit()
    n = db.execute("SELECT count(*) FROM events").fetchone()[0]
    print("%s: %d customers, %d events" % (out, len(ctx["customers"]), n))


if __name__ == "__main__":
    main()
