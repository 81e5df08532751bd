-- ext/postgres/examples/channel_schema.sql — the event store of docs/providers.md in PostgreSQL
-- (one node; docs/sharding.md partitions the same tables over shards). Same tables and columns
-- as the SQLite store that examples/channel/gen_db.py builds, with jsonb for the JSON columns.
CREATE TABLE IF NOT EXISTS customers(id text PRIMARY KEY, attributes jsonb);
CREATE TABLE IF NOT EXISTS events(customer_id text, action text, params jsonb, timestamp bigint);
CREATE INDEX IF NOT EXISTS events_by_customer ON events(customer_id, action, timestamp);
CREATE TABLE IF NOT EXISTS definitions(id text PRIMARY KEY,
  kind text CHECK (kind IN ('expression', 'metric', 'aggregate')), name text, sql text);
-- `jinn batch`'s runs, so that a SQL run is recorded the same way
CREATE TABLE IF NOT EXISTS batch_runs(id bigserial PRIMARY KEY, action text NOT NULL, template text NOT NULL,
  fingerprint text NOT NULL, started bigint NOT NULL, finished bigint,
  scored bigint NOT NULL DEFAULT 0, errors bigint NOT NULL DEFAULT 0);
