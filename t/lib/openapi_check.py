#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""t/lib/openapi_check.py - check recorded API answers against the OpenAPI
document (t/99-schemas.t runs it).

    openapi_check.py DOCUMENT RECORDS

DOCUMENT is the served OpenAPI 3.1 document; RECORDS holds one JSON object
per line, {test, method, path, status, type, body}, as test-lib.sh's api()
writes them when RBD_API_RECORD is set.

Each answer is matched to the document's operation (the concrete path
against the templated ones, the most literal template winning), then to
the response for its status (or "default"), and its body is validated
against that response's schema with Debian's python3-jsonschema (draft
2020-12, which OpenAPI 3.1 uses).  Before validating, every object schema
that does not say otherwise gets unevaluatedProperties: false, so a field
the service sends and the document lacks is a mismatch, not silence.

Prints one line per kind of mismatch (route, status, where in the body,
what) with how often and in which tests it was seen, then a summary line
"checked N answers on M operations; K mismatches".  Exit status 1 when
there is any mismatch.
"""

import collections
import copy
import json
import re
import sys

import jsonschema

METHODS = ("get", "put", "post", "patch", "delete")
COMPOSED = ("allOf", "oneOf", "anyOf")


def pointer_escape(s):
    return s.replace("~", "~0").replace("/", "~1")


def member_refs(node, found):
    """Component schemas used as a member of allOf/oneOf/anyOf: closing
    them would hide the properties their siblings add."""
    if isinstance(node, dict):
        for key in COMPOSED:
            for member in node.get(key, []):
                if isinstance(member, dict) and "$ref" in member:
                    found.add(member["$ref"])
        for value in node.values():
            member_refs(value, found)
    elif isinstance(node, list):
        for value in node:
            member_refs(value, found)


def close_schema(node, is_member, open_refs, ref=None):
    """Adds unevaluatedProperties: false to object schemas that are not
    themselves parts of a composition and say nothing about extra fields."""
    if isinstance(node, list):
        for value in node:
            close_schema(value, False, open_refs)
        return
    if not isinstance(node, dict):
        return
    objectish = "properties" in node or "$ref" in node or any(k in node for k in COMPOSED)
    says = "additionalProperties" in node or "unevaluatedProperties" in node
    if objectish and not says and not is_member and ref not in open_refs:
        node["unevaluatedProperties"] = False
    for key, value in node.items():
        if key in COMPOSED:
            for member in value:
                close_schema(member, True, open_refs)
        elif key == "properties":
            for sub in value.values():
                close_schema(sub, False, open_refs)
        elif key in ("items", "additionalProperties", "not", "if", "then", "else"):
            close_schema(value, False, open_refs)


def strict_document(doc):
    doc = copy.deepcopy(doc)
    open_refs = set()
    member_refs(doc, open_refs)
    for name, schema in doc.get("components", {}).get("schemas", {}).items():
        close_schema(schema, False, open_refs, "#/components/schemas/" + name)
    # Schemas written inline in responses.
    for path in doc.get("paths", {}).values():
        for method in METHODS:
            for response in path.get(method, {}).get("responses", {}).values():
                for media in response.get("content", {}).values():
                    if "schema" in media:
                        close_schema(media["schema"], False, open_refs)
    for response in doc.get("components", {}).get("responses", {}).values():
        for media in response.get("content", {}).values():
            if "schema" in media:
                close_schema(media["schema"], False, open_refs)
    return doc


def templates(doc):
    """(regex, template, literal segment count) for every path, most
    literal first, so /pools/{pool}/trash beats /pools/{pool}/{x}."""
    out = []
    for template in doc.get("paths", {}):
        parts = template.strip("/").split("/")
        regex = "/".join("[^/]+" if re.fullmatch(r"\{[^}]+\}", p) else re.escape(p) for p in parts)
        literal = sum(1 for p in parts if not p.startswith("{"))
        out.append((re.compile("^/" + regex + "/?$"), template, literal))
    out.sort(key=lambda t: -t[2])
    return out


def find_template(tpls, path):
    path = path.split("?", 1)[0]
    for regex, template, _ in tpls:
        if regex.match(path):
            return template
    return None


def resolve(doc, node):
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), ref
        target = doc
        for part in ref[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def main():
    doc_file, records_file = sys.argv[1], sys.argv[2]
    with open(doc_file, encoding="utf-8") as f:
        original = json.load(f)
    doc = strict_document(original)
    tpls = templates(doc)
    validators = {}
    mismatches = collections.OrderedDict()
    checked = 0
    operations = set()

    def mismatch(route, status, where, what, test):
        key = (route, status, where, what)
        seen = mismatches.setdefault(key, [0, set()])
        seen[0] += 1
        seen[1].add(test)

    with open(records_file, encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    for rec in records:
        method, status, test = rec["method"], rec["status"], rec.get("test", "?")
        body, ctype = rec["body"], rec["type"]
        if method == "HEAD" or not status:
            continue    # no body to check (HEAD), or no answer at all
        if re.match(r"^/api/docs(/|$|\?)", rec["path"]):
            continue    # the reference page's static files, not the API
        template = find_template(tpls, rec["path"])
        op = doc["paths"][template].get(method.lower()) if template else None
        if op is None:
            # Not an operation of the document (an unknown path, a method
            # the route lacks, a page nginx answers): it must be an error,
            # and errors are Status objects.
            route = "%s %s" % (method, rec["path"].split("?", 1)[0])
            if not status.startswith(("4", "5")):
                mismatch(route, status, "", "answer %s to an undocumented operation" % status, test)
                continue
            pointer = "#/components/schemas/Status"
        else:
            route = "%s %s" % (method, template)
            operations.add(route)
            responses = op.get("responses", {})
            key = status if status in responses else "default" if "default" in responses else None
            if key is None:
                mismatch(route, status, "", "status %s is not documented" % status, test)
                continue
            response = resolve(doc, responses[key])
            media = response.get("content", {})
            if not media:
                if body:
                    mismatch(route, status, "", "documented without a body, but one was sent", test)
                checked += 1
                continue
            if "application/json" not in media:
                checked += 1    # e.g. /metrics, text: nothing to validate
                continue
            if "$ref" in responses[key]:
                pointer = responses[key]["$ref"] + "/content/application~1json/schema"
            else:
                pointer = "#/paths/%s/%s/responses/%s/content/application~1json/schema" % (
                    pointer_escape(template), method.lower(), key)
        checked += 1
        if not ctype.startswith("application/json"):
            mismatch(route, status, "", "Content-Type %r, not application/json" % ctype, test)
            continue
        try:
            value = json.loads(body)
        except ValueError as e:
            mismatch(route, status, "", "body is not JSON: %s" % e, test)
            continue
        if pointer not in validators:
            root = dict(doc)
            root["$ref"] = pointer
            validators[pointer] = jsonschema.Draft202012Validator(root)
        for err in validators[pointer].iter_errors(value):
            where = "".join("[]" if isinstance(p, int) else "." + str(p) for p in err.absolute_path) or "."
            what = err.message
            if err.validator == "unevaluatedProperties":
                what = "undocumented field: " + err.message
            # Values in messages make every answer a new line: keep the
            # message short and let the count say how often.
            mismatch(route, status, where, what[:300], test)

    for (route, status, where, what), (count, tests) in mismatches.items():
        print("MISMATCH %s -> %s at %s: %s (%d times; %s)" % (
            route, status, where or ".", what, count, ", ".join(sorted(tests))))
    print("checked %d answers on %d operations; %d mismatches" % (checked, len(operations), len(mismatches)))
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
