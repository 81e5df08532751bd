#!/usr/bin/env python3
"""examples/channel/gen_db.py — build the example event store for the channel example.

    python3 examples/channel/gen_db.py [OUT.db] [--customers N] [--seed S]     (make example-db)

A realistic, deterministic (seeded) SQLite database in the schema of docs/providers.md:
a few thousand customers with attributes, 90 days of campaign sends and clicks on four
channels (email = NEWSLETTER, sms, web push, mobile push), and the definitions that
examples/channel/optimizer.jinja asks for:

  - per channel, an *expression*: the customer's click-through rate on that channel,
    counted only for customers sent at least 5 campaigns on it (otherwise 0);
  - per channel, a *metric*: the global click-through rate of the channel;
  - an *aggregate*: the customer's activity per action (count, last time).

Each expression and the aggregate also has its *set form* (definitions.set_sql): the same
answers for a whole chunk of customers in one statement, over the temporary table
chunk_customers(customer_id) that `jinn batch` fills (docs/providers.md); the per-customer
query stays for `jinn render --customer` and any other single lookup.

Each customer has a hidden affinity per channel, so some beat the channel's baseline on one
channel, some on several, some on none — the three cases of the optimizer.
"""
import json
import os
import random
import sqlite3
import sys

# The end of the 90 days of history (2025-11-24T00:00:00Z): fixed, so the database is the same
# on every run. Definitions compare timestamps with :now, the time of the render, which is later.
END = 1763942400
DAYS = 90

CHANNELS = [
    # name in templates, action prefix, baseline CTR, sends per customer (mean), ids
    ("NEWSLETTER", "email", 0.060, 14, "37368423-6210-4ee4-bd67-5e2143544576", "550060f2-4feb-a6a5-46e8ad01b8ac"),
    ("SMS", "sms", 0.035, 6, "2b8e0c4a-9f1d-4d6e-8a3b-5c7e9f1a2b3c", "4d0a2c6e-8b1f-4e3a-9c5d-7e9f1b3d5f7a"),
    ("WEB_PUSH", "webpush", 0.020, 9, "6f2c4e8a-0d3b-4f5c-a7e9-1b3d5f7a9c0e", "8a4e6c0b-2f5d-4a7e-b9c1-3d5f7b9e1c2a"),
    ("MOBILE_PUSH", "mobilepush", 0.045, 11, "6e3206d9-708a-4fc5-bfe4-88fea18da90f", "85651a3a-5163-4b1f-971a-4109e83bf753"),
]
ACTIVITY_AGGREGATE = "9c1e3a5f-7b2d-4c6e-8f0a-2b4d6f8a0c1e"

SCHEMA = """
CREATE TABLE customers(id TEXT PRIMARY KEY, attributes TEXT);            -- attributes: JSON object
CREATE TABLE events(customer_id TEXT, action TEXT, params TEXT, timestamp INTEGER);  -- params: JSON
CREATE TABLE definitions(id TEXT PRIMARY KEY,
                         kind TEXT CHECK(kind IN ('expression', 'metric', 'aggregate')),
                         name TEXT, sql TEXT,
                         set_sql TEXT);                          -- the set form, or NULL
CREATE INDEX events_by_customer ON events(customer_id, action, timestamp);
CREATE INDEX events_by_action ON events(action, customer_id, timestamp);  -- covers the metrics
"""

FIRST = ["Ada", "Ben", "Chloé", "Dmitri", "Emma", "Farid", "Greta", "Hiro", "Inès", "Jonas", "Kemal", "Lena",
         "Marco", "Nadia", "Oskar", "Priya", "Quentin", "Rosa", "Sven", "Tariq", "Uma", "Victor", "Wen", "Yara"]
COUNTRIES = ["FR", "DE", "ES", "IT", "GB", "NL", "BE", "PL", "SE", "PT"]
TIERS = ["bronze", "silver", "gold", "platinum"]


def expression_sql(prefix):
    return f"""SELECT CASE WHEN sends >= 5 THEN CAST(clicks AS REAL) / sends ELSE 0 END FROM
  (SELECT count(*) AS sends FROM events
    WHERE customer_id = :customer_id AND action = '{prefix}.send' AND timestamp <= :now),
  (SELECT count(*) AS clicks FROM events
    WHERE customer_id = :customer_id AND action = '{prefix}.click' AND timestamp <= :now)"""


def expression_set_sql(prefix):
    # one row per customer of the chunk, its counts read through events_by_customer as the
    # per-customer query reads them (so a customer without events answers 0 there and here,
    # and the types agree: 0 stays an integer, a ratio a real)
    return f"""SELECT customer_id, CASE WHEN sends >= 5 THEN CAST(clicks AS REAL) / sends ELSE 0 END FROM
  (SELECT c.customer_id AS customer_id,
     (SELECT count(*) FROM events AS e WHERE e.customer_id = c.customer_id
        AND e.action = '{prefix}.send' AND e.timestamp <= :now) AS sends,
     (SELECT count(*) FROM events AS e WHERE e.customer_id = c.customer_id
        AND e.action = '{prefix}.click' AND e.timestamp <= :now) AS clicks
   FROM chunk_customers AS c)"""


def metric_sql(prefix):
    return f"""SELECT CAST(clicks AS REAL) / max(sends, 1) FROM
  (SELECT count(*) AS sends FROM events WHERE action = '{prefix}.send' AND timestamp <= :now),
  (SELECT count(*) AS clicks FROM events WHERE action = '{prefix}.click' AND timestamp <= :now)"""


ACTIVITY_SQL = """SELECT action, count(*) AS n, max(timestamp) AS last FROM events
  WHERE customer_id = :customer_id AND timestamp <= :now GROUP BY action ORDER BY action"""

ACTIVITY_SET_SQL = """SELECT customer_id, action, count(*) AS n, max(timestamp) AS last FROM events
  WHERE customer_id IN (SELECT customer_id FROM chunk_customers) AND timestamp <= :now
  GROUP BY customer_id, action ORDER BY customer_id, action"""


def main(argv):
    out = "examples/channel/crm.db"
    n_customers = 3000
    seed = 2024
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == "--customers":
            n_customers = int(args.pop(0))
        elif a == "--seed":
            seed = int(args.pop(0))
        elif a.startswith("-"):
            sys.exit(f"gen_db.py: unknown option {a}")
        else:
            out = a
    rng = random.Random(seed)
    tmp = out + ".tmp"
    if os.path.exists(tmp):
        os.remove(tmp)
    db = sqlite3.connect(tmp)
    db.executescript(SCHEMA)

    customers, events = [], []
    start = END - DAYS * 86400
    campaign = 0
    for i in range(1, n_customers + 1):
        cid = f"cust-{i:05d}"
        attrs = {
            "first_name": rng.choice(FIRST),
            "country": rng.choice(COUNTRIES),
            "tier": rng.choices(TIERS, weights=[50, 30, 15, 5])[0],
            "age": rng.randint(18, 80),
            "signup": start - rng.randint(0, 3 * 365) * 86400,
        }
        opt_in = {}
        for name, prefix, base, mean_sends, _, _ in CHANNELS:
            opted = rng.random() < 0.8
            opt_in[prefix] = opted
            if not opted:
                continue
            # hidden affinity: most customers near the baseline, some far above or below it
            affinity = base * rng.lognormvariate(0, 0.8)
            sends = max(0, int(rng.gauss(mean_sends, mean_sends / 2)))
            for _ in range(sends):
                campaign += 1
                t = start + rng.randrange(DAYS * 86400)
                params = json.dumps({"campaign_id": f"cmp-{campaign % 400:04d}", "channel": name})
                events.append((cid, f"{prefix}.send", params, t))
                if rng.random() < min(affinity, 0.9):
                    events.append((cid, f"{prefix}.click", params, t + rng.randint(60, 2 * 86400)))
        attrs["opt_in"] = opt_in
        customers.append((cid, json.dumps(attrs, ensure_ascii=False)))

    events.sort(key=lambda e: e[3])
    db.executemany("INSERT INTO customers VALUES (?, ?)", customers)
    db.executemany("INSERT INTO events VALUES (?, ?, ?, ?)", events)
    defs = []
    for name, prefix, _, _, expr_id, metric_id in CHANNELS:
        defs.append((expr_id, "expression", f"{name} CTR (customers sent at least 5 campaigns)", expression_sql(prefix),
                     expression_set_sql(prefix)))
        defs.append((metric_id, "metric", f"{name} global CTR", metric_sql(prefix), None))
    defs.append((ACTIVITY_AGGREGATE, "aggregate", "activity per action", ACTIVITY_SQL, ACTIVITY_SET_SQL))
    db.executemany("INSERT INTO definitions VALUES (?, ?, ?, ?, ?)", defs)
    db.commit()
    db.execute("ANALYZE")
    db.commit()
    db.close()
    os.replace(tmp, out)
    print(f"{out}: {len(customers)} customers, {len(events)} events, {len(defs)} definitions")


if __name__ == "__main__":
    main(sys.argv[1:])
