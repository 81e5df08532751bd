-- ext/postgres/examples/score_channel.sql — the channel example's definitions in set form, and
-- the scoring of a whole base in one statement (docs/postgres.md). The same file serves one
-- node and a sharded coordinator (docs/sharding.md): it only names customers and events.
--
-- channel_metrics: the four global CTR metrics, one pass over the events. The SQL definitions
-- of the store say CAST(clicks AS REAL) / max(sends, 1); jinn_real() hands jinn the very double.
CREATE OR REPLACE VIEW channel_metrics AS
SELECT jsonb_build_object(
  '550060f2-4feb-a6a5-46e8ad01b8ac', jinn_real(count(*) FILTER (WHERE action = 'email.click')::float8 / greatest(count(*) FILTER (WHERE action = 'email.send'), 1)),
  '4d0a2c6e-8b1f-4e3a-9c5d-7e9f1b3d5f7a', jinn_real(count(*) FILTER (WHERE action = 'sms.click')::float8 / greatest(count(*) FILTER (WHERE action = 'sms.send'), 1)),
  '8a4e6c0b-2f5d-4a7e-b9c1-3d5f7b9e1c2a', jinn_real(count(*) FILTER (WHERE action = 'webpush.click')::float8 / greatest(count(*) FILTER (WHERE action = 'webpush.send'), 1)),
  '85651a3a-5163-4b1f-971a-4109e83bf753', jinn_real(count(*) FILTER (WHERE action = 'mobilepush.click')::float8 / greatest(count(*) FILTER (WHERE action = 'mobilepush.send'), 1))
) AS metrics
FROM events;

-- channel_decisions_sql(template, seed): the scoring query, every customer's decision. The
-- per-customer definitions (a channel's CTR, 0 under 5 sends — an integer 0, as the SQL
-- definition's ELSE 0) are aggregates of the customer's events in one GROUP BY; with the
-- customer's attributes and the metrics they make the context, in the JSON-fixture shape that
-- jinn_render answers insert tags from. The seed, the customer id and the whitespace options
-- are `jinn batch`'s (--seed N --trim-blocks --lstrip-blocks): seed_per_customer makes the
-- same |random draws, trim the same trimmed output.
--
-- Why a query text: postgres_fdw ships a call to the shards only if every collatable input
-- comes from the remote tables, so the template must be an untyped literal (%L), not a text
-- parameter; and jinn_object (jsonb_build_object declared IMMUTABLE) builds the context,
-- because postgres_fdw ships only immutable calls. On one node it is just as good.
CREATE OR REPLACE FUNCTION channel_decisions_sql(template text, seed bigint)
RETURNS text
LANGUAGE sql IMMUTABLE
AS $f$
SELECT format($q$
SELECT c.id AS customer_id,
       jinn_render(%L,
         jinn_object(
           'customer', c.attributes,
           'expressions', jinn_object(
             '37368423-6210-4ee4-bd67-5e2143544576',
               CASE WHEN count(*) FILTER (WHERE e.action = 'email.send') >= 5
                    THEN jinn_real(count(*) FILTER (WHERE e.action = 'email.click')::float8 / count(*) FILTER (WHERE e.action = 'email.send'))
                    ELSE '0'::jsonb END,
             '2b8e0c4a-9f1d-4d6e-8a3b-5c7e9f1a2b3c',
               CASE WHEN count(*) FILTER (WHERE e.action = 'sms.send') >= 5
                    THEN jinn_real(count(*) FILTER (WHERE e.action = 'sms.click')::float8 / count(*) FILTER (WHERE e.action = 'sms.send'))
                    ELSE '0'::jsonb END,
             '6f2c4e8a-0d3b-4f5c-a7e9-1b3d5f7a9c0e',
               CASE WHEN count(*) FILTER (WHERE e.action = 'webpush.send') >= 5
                    THEN jinn_real(count(*) FILTER (WHERE e.action = 'webpush.click')::float8 / count(*) FILTER (WHERE e.action = 'webpush.send'))
                    ELSE '0'::jsonb END,
             '6e3206d9-708a-4fc5-bfe4-88fea18da90f',
               CASE WHEN count(*) FILTER (WHERE e.action = 'mobilepush.send') >= 5
                    THEN jinn_real(count(*) FILTER (WHERE e.action = 'mobilepush.click')::float8 / count(*) FILTER (WHERE e.action = 'mobilepush.send'))
                    ELSE '0'::jsonb END),
           'metrics', (SELECT metrics FROM channel_metrics)),
         jinn_object('seed', %s, 'seed_per_customer', true, 'customer_id', c.id, 'trim', true,
                     'trim_blocks', true, 'lstrip_blocks', true, 'warnings', 'ignore')) AS decision
FROM customers c LEFT JOIN events e ON e.customer_id = c.id
GROUP BY c.id, c.attributes
$q$, template, seed)
$f$;

CREATE OR REPLACE FUNCTION channel_decisions(template text, seed bigint)
RETURNS TABLE(customer_id text, decision text)
LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $$
BEGIN
  RETURN QUERY EXECUTE channel_decisions_sql(template, seed);
END
$$;

-- score_channel(template, seed): the write-back, one INSERT … SELECT (also a query text, for
-- the reason above): a run in batch_runs and
-- an optimal.channel event per customer, params as `jinn batch` writes them. Returns the run.
CREATE OR REPLACE FUNCTION score_channel(template text, seed bigint, template_name text DEFAULT 'optimizer.jinja')
RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
  run bigint;
  n bigint;
BEGIN
  INSERT INTO batch_runs(action, template, fingerprint, started)
    VALUES ('optimal.channel', template_name, format('sql: channel_decisions %s seed=%s', md5(template), seed),
            extract(epoch FROM now())::bigint)
    RETURNING id INTO run;
  EXECUTE format($q$
    INSERT INTO events(customer_id, action, params, timestamp)
    SELECT d.customer_id, 'optimal.channel',
           jsonb_build_object('type', 'CTR', 'value', jinn_json_value(d.decision), 'batch', %s),
           extract(epoch FROM now())::bigint
    FROM (%s) AS d$q$, run, channel_decisions_sql(template, seed));
  GET DIAGNOSTICS n = ROW_COUNT;
  UPDATE batch_runs SET scored = n, finished = extract(epoch FROM now())::bigint WHERE id = run;
  RETURN run;
END
$$;
