-- ext/postgres/examples/channel_definitions.sql — the channel example's definitions in
-- PostgreSQL SQL, for `jinn batch --providers postgres:CONNINFO` (docs/providers.md, "The
-- PostgreSQL store"): the same ids, kinds and names as the SQLite store of
-- examples/channel/gen_db.py, with $1 where SQLite says :customer_id and $2 where it says :now,
-- and each expression's and the aggregate's set form over chunk_customers(customer_id).
-- Load it after channel_schema.sql and the data; it replaces the definitions' rows.
ALTER TABLE definitions ADD COLUMN IF NOT EXISTS set_sql text;
DELETE FROM definitions;

-- A column has one type in PostgreSQL, but SQLite's CASE ... THEN a real ELSE 0 answers a float
-- or the integer 0 by row (and the template prints them: 0.0 is not 0). A jsonb answer goes to
-- jinn as it is, so the expressions answer jsonb: store_real(x) is x as a JSON float (a whole
-- value keeps its ".0"), '0'::jsonb the integer.
CREATE OR REPLACE FUNCTION store_real(x float8) RETURNS jsonb LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
$$SELECT CASE WHEN x::text ~ '^-?[0-9]+$' THEN (x::text || '.0')::jsonb ELSE x::text::jsonb END$$;

INSERT INTO definitions(id, kind, name, sql, set_sql)
SELECT expr_id, 'expression', name || ' CTR (customers sent at least 5 campaigns)',
  format($q$SELECT CASE WHEN sends >= 5 THEN store_real(clicks::float8 / sends) ELSE '0'::jsonb END FROM
  (SELECT count(*) FILTER (WHERE action = '%1$s.send') AS sends,
          count(*) FILTER (WHERE action = '%1$s.click') AS clicks
   FROM events WHERE customer_id = $1 AND action IN ('%1$s.send', '%1$s.click') AND timestamp <= $2) s$q$, prefix),
  -- per customer of the chunk, through events_by_customer (an index-only scan once VACUUMed)
  format($q$SELECT c.customer_id, CASE WHEN s.sends >= 5 THEN store_real(s.clicks::float8 / s.sends) ELSE '0'::jsonb END AS ctr
FROM chunk_customers c CROSS JOIN LATERAL
  (SELECT count(*) FILTER (WHERE e.action = '%1$s.send') AS sends,
          count(*) FILTER (WHERE e.action = '%1$s.click') AS clicks
   FROM events e WHERE e.customer_id = c.customer_id AND e.action IN ('%1$s.send', '%1$s.click')
     AND e.timestamp <= $2) s$q$, prefix)
FROM (VALUES ('NEWSLETTER', 'email', '37368423-6210-4ee4-bd67-5e2143544576'),
             ('SMS', 'sms', '2b8e0c4a-9f1d-4d6e-8a3b-5c7e9f1a2b3c'),
             ('WEB_PUSH', 'webpush', '6f2c4e8a-0d3b-4f5c-a7e9-1b3d5f7a9c0e'),
             ('MOBILE_PUSH', 'mobilepush', '6e3206d9-708a-4fc5-bfe4-88fea18da90f')) v(name, prefix, expr_id);

INSERT INTO definitions(id, kind, name, sql)
SELECT metric_id, 'metric', name || ' global CTR',
  format($q$SELECT count(*) FILTER (WHERE action = '%1$s.click')::float8 / greatest(count(*) FILTER (WHERE action = '%1$s.send'), 1)
FROM events WHERE action IN ('%1$s.send', '%1$s.click') AND timestamp <= $2$q$, prefix)
FROM (VALUES ('NEWSLETTER', 'email', '550060f2-4feb-a6a5-46e8ad01b8ac'),
             ('SMS', 'sms', '4d0a2c6e-8b1f-4e3a-9c5d-7e9f1b3d5f7a'),
             ('WEB_PUSH', 'webpush', '8a4e6c0b-2f5d-4a7e-b9c1-3d5f7b9e1c2a'),
             ('MOBILE_PUSH', 'mobilepush', '85651a3a-5163-4b1f-971a-4109e83bf753')) v(name, prefix, metric_id);

INSERT INTO definitions(id, kind, name, sql, set_sql) VALUES ('9c1e3a5f-7b2d-4c6e-8f0a-2b4d6f8a0c1e', 'aggregate', 'activity per action',
$q$SELECT action, count(*) AS n, max(timestamp) AS last FROM events
  WHERE customer_id = $1 AND timestamp <= $2 GROUP BY action ORDER BY action COLLATE "C"$q$,
$q$SELECT customer_id, action, count(*) AS n, max(timestamp) AS last FROM events
  WHERE customer_id IN (SELECT customer_id FROM chunk_customers) AND timestamp <= $2
  GROUP BY customer_id, action ORDER BY customer_id, action COLLATE "C"$q$);
