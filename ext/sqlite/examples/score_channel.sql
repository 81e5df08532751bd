-- ext/sqlite/examples/score_channel.sql — score every customer of the example event store with
-- one statement through the jinn SQLite extension (channel_decisions.sql), and write the
-- decisions back as optimal.channel events, as `jinn batch examples/channel/optimizer.jinja
-- --seed 1 --trim-blocks --lstrip-blocks` does (docs/sqlite-extension.md). From the top of the
-- repository:
--
--   sqlite3 crm.db -cmd '.load build/ext/sqlite/jinn' '.read ext/sqlite/examples/score_channel.sql'
.read ext/sqlite/examples/channel_decisions.sql

-- The write-back, in the shape of `jinn batch`: a run in batch_runs, an event per customer.
CREATE TABLE IF NOT EXISTS batch_runs(id INTEGER PRIMARY KEY, action TEXT NOT NULL, template TEXT NOT NULL,
  fingerprint TEXT NOT NULL, started INTEGER NOT NULL, finished INTEGER,
  scored INTEGER NOT NULL DEFAULT 0, errors INTEGER NOT NULL DEFAULT 0);
BEGIN;
INSERT INTO batch_runs(action, template, fingerprint, started)
  VALUES ('optimal.channel', 'examples/channel/optimizer.jinja', 'sql: ext/sqlite/examples/score_channel.sql seed=1',
          CAST(strftime('%s', 'now') AS INTEGER));
INSERT INTO events(customer_id, action, params, timestamp)
  SELECT customer_id, 'optimal.channel',
         json_object('type', 'CTR', 'value', jinn_json_value(decision), 'batch', (SELECT max(id) FROM batch_runs)),
         CAST(strftime('%s', 'now') AS INTEGER)
  FROM channel_decisions;
UPDATE batch_runs SET scored = changes(), finished = CAST(strftime('%s', 'now') AS INTEGER) WHERE id = (SELECT max(id) FROM batch_runs);
COMMIT;
