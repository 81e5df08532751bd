#!/usr/bin/env python3
"""schema_check.py — validate JSON diagnostics, one a line on stdin, against
docs/diagnostics.schema.json (the subset of JSON Schema it uses: type, required,
additionalProperties false, properties, enum, minimum, $ref to #/$defs), plus the
consistency the schema cannot say: the range is the 1-based position less one.
Prints nothing and exits 0 when every line is valid; otherwise names the first problem.
Usage: schema_check.py SCHEMA [MIN_LINES] < lines"""
import json
import sys

TYPES = {"object": dict, "string": str, "array": list}


def check(value, schema, root, path):
    if "$ref" in schema:
        ref = schema["$ref"]
        assert ref.startswith("#/$defs/"), ref
        return check(value, root["$defs"][ref[8:]], root, path)
    t = schema.get("type")
    if t == "integer":
        if not isinstance(value, int) or isinstance(value, bool):
            return "%s: %r is not an integer" % (path, value)
    elif t and not isinstance(value, TYPES[t]):
        return "%s: %r is not a %s" % (path, value, t)
    if "enum" in schema and value not in schema["enum"]:
        return "%s: %r is not one of %r" % (path, value, schema["enum"])
    if "minimum" in schema and value < schema["minimum"]:
        return "%s: %r < %r" % (path, value, schema["minimum"])
    if t == "object":
        for k in schema.get("required", []):
            if k not in value:
                return "%s: no %r" % (path, k)
        props = schema.get("properties", {})
        for k, v in value.items():
            if k not in props:
                if schema.get("additionalProperties") is False:
                    return "%s: unexpected %r" % (path, k)
                continue
            err = check(v, props[k], root, path + "." + k)
            if err:
                return err
    return None


def main():
    schema = json.load(open(sys.argv[1]))
    need = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    n = 0
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            d = json.loads(line)
        except ValueError as e:
            print("not JSON (%s): %s" % (e, line.rstrip()))
            return 1
        err = check(d, schema, schema, "$")
        if not err and d["line"] and (d["range"]["start"]["line"] != d["line"] - 1 or
                                      d["range"]["start"]["character"] != d["column"] - 1):
            err = "$.range does not match line/column"
        if err:
            print("%s\n  in %s" % (err, line.rstrip()))
            return 1
        n += 1
    if n < need:
        print("%d diagnostics, expected at least %d" % (n, need))
        return 1
    return 0


sys.exit(main())
