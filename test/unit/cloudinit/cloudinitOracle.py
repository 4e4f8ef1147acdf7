# cloud-init's own validator as a test oracle, run from Debian 12's cloud-init package unpacked
# with dpkg -x (PYTHONPATH points into it). Reads a JSON list of cases on stdin, each
# {"text": YAML, "schema": path of a vendored schema or null}; prints one result per case:
# {"yaml": false} when PyYAML cannot read it, else {"old": verdict, "new": verdict} where "old"
# is cloud-init 22.4's own cloud-config schema and "new" the given (vendored, newer) schema,
# both through cloud-init's validator (Draft 4 plus its deprecation keywords).
import json
import sys

import yaml
from cloudinit.config.schema import SchemaDeprecationError, get_jsonschema_validator, get_schema


def verdict(validator_class, schema, data):
    validator = validator_class(schema)
    keys = set()
    valid = True
    for error in validator.iter_errors(data):
        if isinstance(error, SchemaDeprecationError):
            continue
        valid = False
        keys.add(str(error.path[0]) if error.path else "")
    return {"valid": valid, "keys": sorted(keys)}


def main():
    cases = json.load(sys.stdin)
    validator_class, _ = get_jsonschema_validator()
    old_schema = get_schema()
    schemas = {}
    out = []
    for case in cases:
        try:
            data = yaml.safe_load(case["text"])
        except yaml.YAMLError:
            out.append({"yaml": False})
            continue
        result = {"yaml": True}
        if case.get("cloudConfig"):
            result["old"] = verdict(validator_class, old_schema, data)
        path = case.get("schema")
        if path:
            if path not in schemas:
                with open(path, encoding="utf-8") as f:
                    schemas[path] = json.load(f)
            result["new"] = verdict(validator_class, schemas[path], data)
        out.append(result)
    json.dump(out, sys.stdout)


main()
