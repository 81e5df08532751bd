-- ext/sqlite/examples/channel_decisions.sql — every customer of the example event store
-- (examples/channel/gen_db.py) scored by one SELECT through the jinn SQLite extension: the
-- view channel_decisions(customer_id, decision) decides as `jinn batch
-- examples/channel/optimizer.jinja --seed 1 --trim-blocks --lstrip-blocks` (docs/sqlite-extension.md).
-- score_channel.sql writes the decisions back. Run from the top of the repository:
--
--   sqlite3 crm.db -cmd '.load build/ext/sqlite/jinn' '.read ext/sqlite/examples/channel_decisions.sql' \
--       'SELECT * FROM channel_decisions LIMIT 5'
--
-- The definitions of the store, in set form: one pass over the events grouped by customer
-- gives every customer's four channel CTR expressions (0 under 5 sends, as the SQL definitions
-- say); the four global CTR metrics are one more pass. Floats go through jinn_real() so that
-- jinn sees exactly the double the SQLite provider would hand it (1.0 stays a float).
-- readfile() is the sqlite3 shell's; a program binds the template text instead.
CREATE TEMP TABLE IF NOT EXISTS score_template AS SELECT readfile('examples/channel/optimizer.jinja') AS src;

CREATE TEMP VIEW IF NOT EXISTS channel_metrics AS
SELECT json_object(
  '550060f2-4feb-a6a5-46e8ad01b8ac', jinn_real(CAST(count(*) FILTER (WHERE action = 'email.click') AS REAL) / max(count(*) FILTER (WHERE action = 'email.send'), 1)),
  '4d0a2c6e-8b1f-4e3a-9c5d-7e9f1b3d5f7a', jinn_real(CAST(count(*) FILTER (WHERE action = 'sms.click') AS REAL) / max(count(*) FILTER (WHERE action = 'sms.send'), 1)),
  '8a4e6c0b-2f5d-4a7e-b9c1-3d5f7b9e1c2a', jinn_real(CAST(count(*) FILTER (WHERE action = 'webpush.click') AS REAL) / max(count(*) FILTER (WHERE action = 'webpush.send'), 1)),
  '85651a3a-5163-4b1f-971a-4109e83bf753', jinn_real(CAST(count(*) FILTER (WHERE action = 'mobilepush.click') AS REAL) / max(count(*) FILTER (WHERE action = 'mobilepush.send'), 1))
) AS metrics
FROM events;

CREATE TEMP VIEW IF NOT EXISTS channel_decisions AS
SELECT c.id AS customer_id,
       trim(jinn_render((SELECT src FROM score_template),
         json_object(
           'customer', json(c.attributes),
           'expressions', json_object(
             '37368423-6210-4ee4-bd67-5e2143544576',
               CASE WHEN count(*) FILTER (WHERE e.action = 'email.send') >= 5
                    THEN jinn_real(CAST(count(*) FILTER (WHERE e.action = 'email.click') AS REAL) / count(*) FILTER (WHERE e.action = 'email.send'))
                    ELSE 0 END,
             '2b8e0c4a-9f1d-4d6e-8a3b-5c7e9f1a2b3c',
               CASE WHEN count(*) FILTER (WHERE e.action = 'sms.send') >= 5
                    THEN jinn_real(CAST(count(*) FILTER (WHERE e.action = 'sms.click') AS REAL) / count(*) FILTER (WHERE e.action = 'sms.send'))
                    ELSE 0 END,
             '6f2c4e8a-0d3b-4f5c-a7e9-1b3d5f7a9c0e',
               CASE WHEN count(*) FILTER (WHERE e.action = 'webpush.send') >= 5
                    THEN jinn_real(CAST(count(*) FILTER (WHERE e.action = 'webpush.click') AS REAL) / count(*) FILTER (WHERE e.action = 'webpush.send'))
                    ELSE 0 END,
             '6e3206d9-708a-4fc5-bfe4-88fea18da90f',
               CASE WHEN count(*) FILTER (WHERE e.action = 'mobilepush.send') >= 5
                    THEN jinn_real(CAST(count(*) FILTER (WHERE e.action = 'mobilepush.click') AS REAL) / count(*) FILTER (WHERE e.action = 'mobilepush.send'))
                    ELSE 0 END),
           'metrics', json((SELECT metrics FROM channel_metrics))),
         json_object('seed', 1, 'seed_per_customer', json('true'), 'customer_id', c.id,
                     'trim_blocks', json('true'), 'lstrip_blocks', json('true'), 'warnings', 'ignore')),
         ' ' || char(10) || char(9) || char(13)) AS decision
FROM customers c LEFT JOIN events e ON e.customer_id = c.id
GROUP BY c.id;

