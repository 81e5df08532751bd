-- ext/postgres/jinn--0.1.sql — the SQL objects of the extension jinn (docs/postgres.md).
\echo Use "CREATE EXTENSION jinn" to load this file. \quit

-- IMMUTABLE: the output is a function of the template, the context and the options alone —
-- |random and |shuffle draw from the seed of the options, provider answers come from the
-- context, and nothing is read from the database. That is what lets parallel workers, the
-- planner and postgres_fdw (which ships only immutable functions of extensions named in a
-- server's `extensions`) run it anywhere. The one exception is a template that reads the clock
-- (today(), unixtimestamp without an argument): such a template is as time-dependent as
-- clock_timestamp(), and a query that wants that should not rely on the declaration.
--
-- The template is declared "any" and must be text, varchar or an untyped literal: a literal
-- then stays untyped, not collatable, and postgres_fdw ships only calls whose collatable
-- inputs come from the remote tables — a text template would keep the call on the coordinator.
CREATE FUNCTION jinn_render(template "any", context jsonb, options jsonb DEFAULT '{}')
RETURNS text
AS 'MODULE_PATHNAME', 'jinn_render_pg'
LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE COST 1000;

COMMENT ON FUNCTION jinn_render("any", jsonb, jsonb) IS
'Render a jinn template with a JSON context; provider answers from the context''s expressions/metrics/aggregates/catalogs keys';

CREATE FUNCTION jinn_check_json(template text, options jsonb DEFAULT '{}')
RETURNS text
AS 'MODULE_PATHNAME', 'jinn_check_json_pg'
LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;

-- The diagnostics of `jinn check --format json` (docs/diagnostics.md: LSP's shape), as rows.
CREATE FUNCTION jinn_check(template text, options jsonb DEFAULT '{}')
RETURNS TABLE(line int, "column" int, end_column int, severity text, kind text, message text)
LANGUAGE sql STRICT IMMUTABLE PARALLEL SAFE
AS $$
  SELECT (d->>'line')::int, (d->>'column')::int, (d->>'endColumn')::int,
         CASE d->>'severity' WHEN '1' THEN 'error' WHEN '2' THEN 'warning' WHEN '3' THEN 'information' ELSE 'hint' END,
         d->>'code', d->>'message'
  FROM regexp_split_to_table(jinn_check_json(template, options), E'\n') AS l, LATERAL (SELECT l::jsonb AS d) AS j
  WHERE l <> ''
$$;

-- A float8 as JSON that jinn reads back as the same float (1.0 stays a float, 0.1 + 0.2 keeps
-- all its digits), as the SQLite provider hands reals to jinn; NaN and infinities are null.
CREATE FUNCTION jinn_real(float8)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'jinn_real_pg'
LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;

-- A render's output as `jinn batch` writes it into params.value: the output itself when it
-- is a JSON text, otherwise a JSON string of it.
CREATE FUNCTION jinn_json_value(output text)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'jinn_json_value_pg'
LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;

-- This backend's template cache: templates kept, templates compiled since it started.
CREATE FUNCTION jinn_cache_stats(OUT templates int, OUT compiles bigint)
AS 'MODULE_PATHNAME', 'jinn_cache_stats_pg'
LANGUAGE C VOLATILE PARALLEL SAFE;

-- jsonb_build_object declared IMMUTABLE, to build render contexts. The built-in is STABLE only
-- because some types print according to settings (timestamptz and TimeZone, ...); given text,
-- numbers, booleans and jsonb — what a context is made of — it is immutable, and postgres_fdw
-- ships only immutable calls: with it, a whole scoring query runs on the shards
-- (docs/sharding.md). Convert timestamps to epoch numbers or text yourself before passing them.
CREATE FUNCTION jinn_object(VARIADIC "any")
RETURNS jsonb
AS 'jsonb_build_object'
LANGUAGE internal IMMUTABLE PARALLEL SAFE;
