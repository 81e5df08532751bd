-- tests/pg/coordinator.sql — the coordinator of the sharded set-up (docs/sharding.md): the
-- store's customers and events hash-partitioned by customer id over two shards, each partition
-- a postgres_fdw foreign table on its shard's plain table. psql variables p1, p2: the shards' ports.
CREATE EXTENSION IF NOT EXISTS postgres_fdw;
CREATE EXTENSION IF NOT EXISTS jinn;

-- extensions 'jinn': jinn_render and jinn_real may be shipped in Remote SQL (they are IMMUTABLE
-- and the shards have the same extension); async_capable: the shards work at the same time;
-- use_remote_estimate: the shards' own plans price the join, which then goes to them
CREATE SERVER shard1 FOREIGN DATA WRAPPER postgres_fdw
  OPTIONS (host '127.0.0.1', port :'p1', dbname 'crm', extensions 'jinn', async_capable 'true',
           fetch_size '1000', batch_size '1000', use_remote_estimate 'true');
CREATE SERVER shard2 FOREIGN DATA WRAPPER postgres_fdw
  OPTIONS (host '127.0.0.1', port :'p2', dbname 'crm', extensions 'jinn', async_capable 'true',
           fetch_size '1000', batch_size '1000', use_remote_estimate 'true');
CREATE USER MAPPING FOR CURRENT_USER SERVER shard1 OPTIONS (user 'postgres');
CREATE USER MAPPING FOR CURRENT_USER SERVER shard2 OPTIONS (user 'postgres');

CREATE TABLE customers(id text, attributes jsonb) PARTITION BY HASH (id);
CREATE FOREIGN TABLE customers_s1 PARTITION OF customers FOR VALUES WITH (MODULUS 2, REMAINDER 0)
  SERVER shard1 OPTIONS (table_name 'customers');
CREATE FOREIGN TABLE customers_s2 PARTITION OF customers FOR VALUES WITH (MODULUS 2, REMAINDER 1)
  SERVER shard2 OPTIONS (table_name 'customers');

CREATE TABLE events(customer_id text, action text, params jsonb, timestamp bigint) PARTITION BY HASH (customer_id);
CREATE FOREIGN TABLE events_s1 PARTITION OF events FOR VALUES WITH (MODULUS 2, REMAINDER 0)
  SERVER shard1 OPTIONS (table_name 'events');
CREATE FOREIGN TABLE events_s2 PARTITION OF events FOR VALUES WITH (MODULUS 2, REMAINDER 1)
  SERVER shard2 OPTIONS (table_name 'events');

-- the definitions and the runs are small: they stay on the coordinator
CREATE TABLE definitions(id text PRIMARY KEY,
  kind text CHECK (kind IN ('expression', 'metric', 'aggregate')), name text, sql text);
CREATE TABLE batch_runs(id bigserial PRIMARY KEY, action text NOT NULL, template text NOT NULL,
  fingerprint text NOT NULL, started bigint NOT NULL, finished bigint,
  scored bigint NOT NULL DEFAULT 0, errors bigint NOT NULL DEFAULT 0);

-- a customer's rows of both tables are on one shard: join and group per partition, which
-- postgres_fdw then ships whole (join, GROUP BY, jinn_render) to the shard
ALTER DATABASE crm SET enable_partitionwise_join = on;
ALTER DATABASE crm SET enable_partitionwise_aggregate = on;
