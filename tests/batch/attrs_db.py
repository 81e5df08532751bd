# tests/batch/attrs_db.py — a store whose customers' attributes are every shape of JSON the batch's
# own parser takes (cli/batch.c, fast_context) and many it leaves to jansson (escapes, big or
# out-of-range numbers, bad UTF-8, invalid JSON); tests/batch/suite.sh checks the batch decides and
# fails exactly as with jansson alone (attrs_expect.tsv, made before the fast parser existed).
import sqlite3, sys
d = sqlite3.connect(sys.argv[1])
d.executescript("CREATE TABLE customers(id TEXT PRIMARY KEY, attributes TEXT);"
                "CREATE TABLE events(customer_id TEXT, action TEXT, params TEXT, timestamp INTEGER);"
                "CREATE TABLE definitions(id TEXT PRIMARY KEY, kind TEXT, name TEXT, sql TEXT, set_sql TEXT);")
cases = [b'{}', b'{"a": 1}', b'{"a": -0, "b": 0.0, "c": -0.0, "d": 1e5, "e": 1E-5, "f": 123456789012345678, "g": 1234567890123456789}',
         b'{"s": "In\xc3\xa8s \\u00e9 \\n\\t\\"\\\\\\/"}', b'{"s": "a\\u0000b"}', b'{"n": null, "t": true, "f": false, "l": [1, [2, []], {}]}',
         b'{"a": 1, "a": 2, "b": 3}', b'[1,2]', b'"str"', b' { "x" : [ 1 , 2 ] } ', b'{"x": "\xf0\x9f\x98\x80", "y": "\\ud83d\\ude00"}',
         b'{"x": 1.7976931348623157e308, "y": 4.9e-324, "z": 0.1}', b'{"deep": ' + b'[' * 70 + b']' * 70 + b'}',
         b'{"x": 99999999999999999999}', b'{"k\\u0000": 1}', b'{"x": 01}', b'{"x": 1.}', b'{"x": 1e400}', b'{"x": tru}',
         b'{"x": "\xff"}', b'{"x": "\xed\xa0\x80"}', b'{"x": "\xc0\xaf"}', b'{"x": [1,]}', b'{"x": "a\tb"}', b'', b'{"a":1}}']
for i, c in enumerate(cases):
    d.execute("INSERT INTO customers VALUES(?, CAST(? AS TEXT))", ("c%02d" % i, c))
d.commit()
