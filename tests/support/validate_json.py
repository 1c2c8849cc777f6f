#!/usr/bin/env python3
"""Validates a JSON document against a JSON Schema (draft 2020-12).

usage: validate_json.py SCHEMA DOCUMENT
exit 0: valid; 1: invalid (every problem printed, one per line);
exit 3: python3-jsonschema is not installed (tests skip on this code).
"""
import json
import sys

try:
    import jsonschema
except ImportError:
    print("python3-jsonschema is not installed", file=sys.stderr)
    sys.exit(3)


def main():
    with open(sys.argv[1]) as f:
        schema = json.load(f)
    with open(sys.argv[2]) as f:
        document = json.load(f)
    validator_class = jsonschema.Draft202012Validator
    validator_class.check_schema(schema)
    errors = sorted(validator_class(schema).iter_errors(document), key=lambda e: list(e.absolute_path))
    for e in errors:
        where = "/".join(str(p) for p in e.absolute_path) or "(root)"
        print(f"{where}: {e.message}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
