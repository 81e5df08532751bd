#!/usr/bin/env python3
"""tests/providers/small_db.py — a small event store for the provider and batch tests.

    small_db.py OUT.db            build it
    small_db.py --expect          print "customer<TAB>decision" as tests/batch/pick.jinja decides

40 customers c01..c40 with sends and clicks on two channels computed from their number, so the
expected values can be recomputed here; the definitions include broken ones on purpose. Some
have a set form (set_sql, for `jinn batch`), which must answer as the per-customer query does.
"""
import json
import sqlite3
import sys

T0 = 1700000000
FUTURE = 4102444800  # 2100-01-01: after any :now, so never counted


def counts(i):
    return {"email": (i % 9, min(i % 4, i % 9)), "sms": ((i * 7) % 11, min((i * 3) % 5, (i * 7) % 11))}


def ctr(sends, clicks):
    return clicks / sends if sends >= 5 else 0


DEFS = [
    ("e-email", "expression", "email CTR",
     "SELECT CASE WHEN s >= 5 THEN CAST(c AS REAL) / s ELSE 0 END FROM "
     "(SELECT count(*) AS s FROM events WHERE customer_id = :customer_id AND action = 'email.send' AND timestamp <= :now), "
     "(SELECT count(*) AS c FROM events WHERE customer_id = :customer_id AND action = 'email.click' AND timestamp <= :now)"),
    ("e-sms", "expression", "sms CTR",
     "SELECT CASE WHEN s >= 5 THEN CAST(c AS REAL) / s ELSE 0 END FROM "
     "(SELECT count(*) AS s FROM events WHERE customer_id = :customer_id AND action = 'sms.send' AND timestamp <= :now), "
     "(SELECT count(*) AS c FROM events WHERE customer_id = :customer_id AND action = 'sms.click' AND timestamp <= :now)"),
    ("m-email", "metric", "email global CTR",
     "SELECT CAST((SELECT count(*) FROM events WHERE action = 'email.click' AND timestamp <= :now) AS REAL) / "
     "max(1, (SELECT count(*) FROM events WHERE action = 'email.send' AND timestamp <= :now))"),
    ("m-sms", "metric", "sms global CTR",
     "SELECT CAST((SELECT count(*) FROM events WHERE action = 'sms.click' AND timestamp <= :now) AS REAL) / "
     "max(1, (SELECT count(*) FROM events WHERE action = 'sms.send' AND timestamp <= :now))"),
    ("m-count", "metric", "customers", "SELECT count(*) FROM customers"),
    ("a-activity", "aggregate", "activity",
     "SELECT action, count(*) AS n FROM events WHERE customer_id = :customer_id AND timestamp <= :now "
     "GROUP BY action ORDER BY action"),
    ("a-empty", "aggregate", "nothing", "SELECT 1 AS x WHERE 0"),
    ("e-bad", "expression", "broken", "SELEC count(*) FROM events"),
    ("e-nocol", "expression", "no column", "SELECT nope FROM events"),
    ("e-multi", "expression", "two statements", "SELECT 1; SELECT 2"),
    ("e-write", "expression", "writer", "DELETE FROM events"),
    ("e-param", "expression", "positional", "SELECT ?1"),
    ("e-text", "expression", "text", "SELECT 'say \"hi\"' || char(10) || 'tab' || char(9) || 'é'"),
    ("e-none", "expression", "no row", "SELECT 1 WHERE 0"),
    ("e-null", "expression", "null", "SELECT NULL"),
    ("e-all", "expression", "all events, :now bounded", "SELECT count(*) FROM events WHERE customer_id = :customer_id AND timestamp <= :now"),
    ("e-who", "expression", "the customer", "SELECT :customer_id"),
    ("e-badset", "expression", "broken set form", "SELECT 1"),
    ("e-noid", "expression", "set form without customer_id", "SELECT 2"),
]


def ctr_set_sql(ch):
    return ("SELECT customer_id, CASE WHEN s >= 5 THEN CAST(c AS REAL) / s ELSE 0 END FROM "
            "(SELECT k.customer_id AS customer_id, "
            f"(SELECT count(*) FROM events AS e WHERE e.customer_id = k.customer_id AND e.action = '{ch}.send' AND e.timestamp <= :now) AS s, "
            f"(SELECT count(*) FROM events AS e WHERE e.customer_id = k.customer_id AND e.action = '{ch}.click' AND e.timestamp <= :now) AS c "
            "FROM chunk_customers AS k)")


# the set forms (definitions.set_sql): the same answers for a whole chunk at once
SETS = {
    "e-email": ctr_set_sql("email"),
    "e-sms": ctr_set_sql("sms"),
    "a-activity": "SELECT customer_id, action, count(*) AS n FROM events "
                  "WHERE customer_id IN (SELECT customer_id FROM chunk_customers) AND timestamp <= :now "
                  "GROUP BY customer_id, action ORDER BY customer_id, action",
    "e-badset": "SELEC customer_id FROM chunk_customers",
    "e-noid": "SELECT 2 AS x FROM chunk_customers",
}


def build(path):
    db = sqlite3.connect(path)
    db.executescript("""
        DROP TABLE IF EXISTS customers; DROP TABLE IF EXISTS events; DROP TABLE IF EXISTS definitions;
        CREATE TABLE customers(id TEXT PRIMARY KEY, attributes TEXT);
        CREATE TABLE events(customer_id TEXT, action TEXT, params TEXT, timestamp INTEGER);
        CREATE TABLE definitions(id TEXT PRIMARY KEY, kind TEXT CHECK(kind IN ('expression','metric','aggregate')),
                                 name TEXT, sql TEXT, set_sql TEXT);
        CREATE INDEX events_by_customer ON events(customer_id, action, timestamp);
    """)
    t = T0
    for i in range(1, 41):
        cid = f"c{i:02d}"
        db.execute("INSERT INTO customers VALUES (?, ?)",
                   (cid, json.dumps({"name": f"Customer {i}", "tier": ["gold", "silver"][i % 2], "n": i})))
        for ch, (sends, clicks) in counts(i).items():
            for k in range(sends):
                t += 1
                db.execute("INSERT INTO events VALUES (?, ?, ?, ?)", (cid, f"{ch}.send", json.dumps({"campaign": k}), t))
            for k in range(clicks):
                t += 1
                db.execute("INSERT INTO events VALUES (?, ?, ?, ?)", (cid, f"{ch}.click", json.dumps({"campaign": k}), t))
        db.execute("INSERT INTO events VALUES (?, 'email.send', '{}', ?)", (cid, FUTURE))  # never counted
    db.executemany("INSERT INTO definitions VALUES (?, ?, ?, ?, ?)", [d + (SETS.get(d[0]),) for d in DEFS])
    db.commit()
    db.close()


def expect():
    tot = {"email": [0, 0], "sms": [0, 0]}
    for i in range(1, 41):
        for ch, (s, c) in counts(i).items():
            tot[ch][0] += s
            tot[ch][1] += c
    metric = {ch: c / max(1, s) for ch, (s, c) in tot.items()}
    for i in range(1, 41):
        cands = [(name, ctr(*counts(i)[ch]), metric[ch])
                 for name, ch in (("EMAIL", "email"), ("SMS", "sms"))]
        winners = [c for c in cands if c[1] > c[2]]
        if winners:
            winners.sort(key=lambda c: c[1], reverse=True)
            print(f"c{i:02d}\t{winners[0][0]}")
        else:
            print(f"c{i:02d}\tNONE")


if __name__ == "__main__":
    if sys.argv[1:] == ["--expect"]:
        expect()
    else:
        build(sys.argv[1])
