#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""t/lib/surface.py - holds the OpenAPI document to the route table.

    surface.py SURFACE OPENAPI [--allow FILE] [--src SRC_DIR] [--docs API_MD]

SURFACE is what `rbd-rest-api --surface` prints: every route of the table
(src/api/routes.c) with its query parameters and the body fields its
handler checks (the field_spec arrays the table's body column names).
OPENAPI is src/openapi.json. The image and group paths the document lists
once stand for their /namespaces/{namespace}/ twins too, as the daemon
serves them (api_openapi.c). HEAD is served by the GET route.

Checked, route by route:
  - every route has an operation, and every operation is a route;
  - the query parameters are the same names;
  - a route that reads no JSON body has no application/json request body
    in the document, and one that does has one;
  - it refuses other fields (additionalProperties false), as the code
    does; its properties are the body's fields by name, each of the JSON type
    its field type means (below), null allowed exactly when the field is
    nullable, and `required` lists the required fields; fields that are
    objects with rules of their own (a clone's "parent") are compared the
    same way, one level down.

Field types and the schemas they mean:
  string, name    "type": "string" (a name's rule is in the description)
  size            integer (minimum >= 0) or a size string ("10G"): a oneOf
                  or anyOf of an integer and a string
  uint            "type": "integer" with a minimum >= 0
  bool            "type": "boolean"
  object          "type": "object"
  string_array    "type": "array" of "type": "string"
  nullable        "null" among the types (["integer", "null"]) or an
                  alternative {"type": "null"}

With --src, the source is checked too: every field_spec array of src/api/
is named by the route table (src/api/routes.c), so no body rule is left
out of the surface, and none is static (the table could not name it);
the array a route names is used in its handler's file, and a handler
that calls api_request_body itself passes the array its route names.
With --docs, docs/api.md mentions every route (an example call or a
`METHOD /path` text); a namespaced twin counts as mentioned with its twin.

Differences the code keeps on purpose are listed in the --allow file, one
a line: "METHOD PATH FIELD  reason" (two spaces before the reason; an
object's field as "PATH OBJECT FIELD", a query parameter as "?NAME"); an
entry that matches no difference is reported too, so the list only
shrinks. Prints one line per difference, "METHOD PATH: what", and exits 1
if any."""
import json
import os
import re
import sys

METHODS = ("get", "put", "post", "patch", "delete")
TWINNED = ("/api/v1/pools/{pool}/images", "/api/v1/pools/{pool}/groups")
POOL_PREFIX = "/api/v1/pools/{pool}"


def twin(path):
    return POOL_PREFIX + "/namespaces/{namespace}" + path[len(POOL_PREFIX):]


class Doc:
    def __init__(self, doc):
        self.doc = doc

    def resolve(self, node):
        seen = 0
        while isinstance(node, dict) and "$ref" in node:
            target = self.doc
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node = target
            seen += 1
            if seen > 20:
                raise ValueError("a $ref loop")
        return node

    def operations(self):
        """{(METHOD, path): (operation, path item)}, twins included."""
        ops = {}
        for path, item in self.doc.get("paths", {}).items():
            paths = [path] + ([twin(path)] if path.startswith(TWINNED) else [])
            for method in METHODS:
                if method in item:
                    for p in paths:
                        ops[(method.upper(), p)] = (item[method], item)
        return ops

    def types(self, schema):
        """The JSON types a schema accepts, and its integer minimum."""
        schema = self.resolve(schema)
        types, minimum = set(), None
        t = schema.get("type")
        if isinstance(t, list):
            types |= set(t)
        elif isinstance(t, str):
            types.add(t)
        if "integer" in types:
            minimum = schema.get("minimum")
            enum = schema.get("enum")
            if minimum is None and enum and all(isinstance(v, int) for v in enum):
                minimum = min(enum)
        if schema.get("nullable") is True:
            types.add("null")
        for key in ("oneOf", "anyOf"):
            for alt in schema.get(key, []):
                alt_types, alt_min = self.types(alt)
                types |= alt_types
                if "integer" in alt_types:
                    minimum = alt_min
        return types, minimum

    def properties(self, schema):
        """(properties, required) of an object schema, allOf merged."""
        schema = self.resolve(schema)
        props = dict(schema.get("properties", {}))
        required = list(schema.get("required", []))
        for part in schema.get("allOf", []):
            p, r = self.properties(part)
            props.update(p)
            required += r
        return props, required


WANT = {
    "string": {"string"},
    "name": {"string"},
    "size": {"integer", "string"},
    "uint": {"integer"},
    "bool": {"boolean"},
    "object": {"object"},
    "string_array": {"array"},
}


def compare_fields(doc, fields, schema, where, report):
    """fields: the surface's list; schema: the document's object schema."""
    props, required = doc.properties(schema)
    names = [f["name"] for f in fields]
    if doc.resolve(schema).get("additionalProperties", True) is not False:
        report(where, "additionalProperties",
               "the code refuses any other field: the document needs additionalProperties false")
    for name in names:
        if name not in props:
            report(where, name, "field %s is read by the code, missing from the document" % name)
    for name in props:
        if name not in names:
            report(where, name, "field %s is in the document, the code refuses it" % name)
    for f in fields:
        name = f["name"]
        if name not in props:
            continue
        want = WANT.get(f["type"])
        if want is None:
            report(where, name, "field %s has a type the check does not know: %s" % (name, f["type"]))
            continue
        want = set(want) | ({"null"} if f["nullable"] else set())
        got, minimum = doc.types(props[name])
        if got != want:
            report(where, name, "field %s is %s%s in the code, the document says %s" % (
                name, f["type"], " or null" if f["nullable"] else "",
                " or ".join(sorted(got)) or "nothing"))
        elif "integer" in want and (minimum is None or minimum < 0):
            report(where, name, "field %s is %s in the code: the document's integer needs a minimum >= 0" % (
                name, f["type"]))
        elif f["type"] == "string_array":
            items, _ = doc.types(doc.resolve(props[name]).get("items", {}))
            if items != {"string"}:
                report(where, name, "field %s is an array of strings in the code, of %s in the document" % (
                    name, " or ".join(sorted(items)) or "anything"))
        if "fields" in f and got == want:
            compare_fields(doc, f["fields"], props[name], where + " " + name, report)
    for name in names:
        f = fields[names.index(name)]
        if f["required"] and name not in required:
            report(where, name, "field %s is required by the code, optional in the document" % name)
    for name in required:
        if name in names and not fields[names.index(name)]["required"]:
            report(where, name, "field %s is optional in the code, required in the document" % name)


def check_route(doc, route, op, item, report):
    where = "%s %s" % (route["method"], route["path"])
    params = [doc.resolve(p) for p in item.get("parameters", []) + op.get("parameters", [])]
    documented = [p["name"] for p in params if p.get("in") == "query"]
    for name in route["query"]:
        if name not in documented:
            report(where, "?" + name, "query parameter %s is accepted, not documented" % name)
    for name in documented:
        if name not in route["query"]:
            report(where, "?" + name, "query parameter %s is documented, the route refuses it" % name)
    for f in route.get("query_fields", []):
        if f["name"] not in route["query"]:
            report(where, "?" + f["name"], "query field %s has a rule but is not in the query column" % f["name"])

    body = doc.resolve(op.get("requestBody", {}))
    json_body = body.get("content", {}).get("application/json")
    if route["body"] is None:
        if json_body is not None:
            report(where, "body", "the route reads no JSON body, the document describes one")
        return
    if json_body is None:
        report(where, "body", "the route reads a JSON body, the document has none")
        return
    compare_fields(doc, route["body"], json_body.get("schema", {}), where, report)


def table_entries(text):
    """The {HTTP_..., ...} entries of routes.c, macros' lines joined."""
    text = text.replace("\\\n", " ")
    start = text.find("{HTTP_")
    while start >= 0:
        depth, quoted, end = 0, False, start
        while end < len(text):
            c = text[end]
            if quoted:
                quoted = c != '"'
            elif c == '"':
                quoted = True
            elif c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
                if depth == 0:
                    break
            end += 1
        yield text[start:end + 1]
        start = text.find("{HTTP_", end)


def check_handlers(api, routes, report):
    """The body a route names is the one its handler reads: the array is
    in the handler's file, and a handler that passes an array to api_request_body
    itself passes the one its route names."""
    files = {}
    for name in os.listdir(api):
        if name.endswith(".c"):
            files[name] = open(os.path.join(api, name), encoding="utf-8").read()
    reads = re.compile(r"\bapi_(?:request_)?body\(\s*req,\s*resp,\s*([a-z_0-9]+)")
    # Every handler's definition, found once: {handler: [(file, match)]}.
    bodies = {}
    for name, text in files.items():
        for m in re.finditer(r"^int (api_[a-z0-9_]+)\(.*?^}", text, re.M | re.S):
            bodies.setdefault(m.group(1), []).append((name, m))
    for entry in table_entries(routes):
        handler = re.search(r"\b(api_[a-z0-9_]+)\b", entry)
        body = re.search(r"\.body\s*=\s*([a-z_0-9]+)", entry)
        if not handler:
            continue
        handler = handler.group(1)
        where = "src/api/routes.c"
        for name, m in bodies.get(handler, []):
            text = files[name]
            if body and body.group(1) != "no_fields" and \
                    not re.search(r"\b%s\b" % body.group(1), text):
                report(where, handler, "%s reads its body in src/api/%s, which does not use %s" % (
                    handler, name, body.group(1)))
            for used in reads.findall(m.group(0)):
                if not body or body.group(1) != used:
                    report(where, handler, "%s reads its body with %s, its route names %s" % (
                        handler, used, body.group(1) if body else "none"))


def check_source(src, report):
    """Every field_spec array of src/api/ is named in routes.c, and is the
    one its handler uses."""
    api = os.path.join(src, "api")
    routes = open(os.path.join(api, "routes.c"), encoding="utf-8").read()
    check_handlers(api, routes, report)
    named = set(re.findall(r"\b([a-z_][a-z0-9_]*_fields)\b", routes))
    named |= set(re.findall(r"\{\s*\"[a-z_]+\",\s*([a-z_][a-z0-9_]*)\s*\}", routes))
    decl = re.compile(r"^(static\s+)?const struct field_spec\s+([a-z_][a-z0-9_]*)\s*\[\]\s*=")
    nested = re.compile(r"^\s+static const struct field_spec\s+([a-z_][a-z0-9_]*)\s*\[\]")
    for name in sorted(os.listdir(api)):
        if not name.endswith(".c") or name == "routes.c":
            continue
        path = os.path.join(api, name)
        for n, line in enumerate(open(path, encoding="utf-8"), 1):
            m = decl.match(line)
            inner = nested.match(line)
            where = "src/api/%s:%d" % (name, n)
            if inner:
                report(where, inner.group(1),
                       "field_spec %s is inside a function: the route table cannot name it" % inner.group(1))
            elif m and m.group(1):
                report(where, m.group(2),
                       "field_spec %s is static: the route table cannot name it (route_decls.inc)" % m.group(2))
            elif m and m.group(2) not in named:
                report(where, m.group(2),
                       "field_spec %s is named by no route in src/api/routes.c" % m.group(2))


def check_docs(api_md, routes, report):
    """docs/api.md mentions every route: an example call or `METHOD /path`."""
    text = open(api_md, encoding="utf-8").read().replace("\\\n", " ")
    seen = set()
    for line in text.split("\n"):
        for m in re.finditer(r"\"\$RBD_API_URL(/api/v1/[^\"?]*)", line):
            method = re.search(r"\bapi\b.*-X\s*([A-Z]+)", line[:m.start()])
            seen.add((method.group(1) if method else "GET", m.group(1)))
    verbs = r"((?:GET|PUT|POST|PATCH|DELETE)(?:/(?:GET|PUT|POST|PATCH|DELETE))*)"
    for m in re.finditer(verbs + r"\s+((?:/api/v1|\.\.\.)/[^\s`?)\"]*)", text):
        for method in m.group(1).split("/"):
            seen.add((method, m.group(2)))

    def matches(method, pattern, mention):
        if method != mention[0]:
            return False
        want = pattern.rstrip("/").split("/")
        path = mention[1]
        if path.startswith("..."):
            # ".../peers/{uuid}": the end of the path
            got = path[4:].rstrip("/").split("/")
            want = want[-len(got):] if len(got) < len(want) else []
        else:
            got = path.rstrip("/").split("/")
        if not want or len(got) != len(want):
            return False
        if path.startswith("..."):
            # Written with {captures}: they stand for the route's.
            if all(g.startswith("{") for g in got):
                return False
            return all(w == g or (w.startswith("{") and g.startswith("{"))
                       for w, g in zip(want, got))
        return all(w.startswith("{") or w == g for w, g in zip(want, got))

    for route in routes:
        path = route["path"]
        candidates = [path]
        plain = path.replace("/namespaces/{namespace}", "", 1)
        if plain != path and plain.startswith(TWINNED):
            candidates.append(plain)
        if not any(matches(route["method"], c, s) for c in candidates for s in seen):
            report("%s %s" % (route["method"], path), "docs",
                   "docs/api.md mentions no %s %s" % (route["method"], path))


def main(argv):
    args = argv[1:]
    opts = {}
    while len(args) > 2 and args[-2].startswith("--"):
        opts[args[-2]] = args[-1]
        args = args[:-2]
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(args[0], encoding="utf-8") as f:
        routes = json.load(f)
    with open(args[1], encoding="utf-8") as f:
        doc = Doc(json.load(f))

    allowed = {}
    if "--allow" in opts:
        for line in open(opts["--allow"], encoding="utf-8"):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            key = re.split(r"\s{2,}|\t", line, 1)[0]
            allowed[" ".join(key.split())] = False
    problems = []

    def report(where, what, message):
        key = "%s %s" % (where, what)
        if key in allowed:
            allowed[key] = True
            return
        problems.append("%s: %s" % (where, message))

    ops = doc.operations()
    for route in routes:
        key = (route["method"], route["path"])
        if key not in ops:
            report("%s %s" % key, "operation", "a route the document does not describe")
            continue
        op, item = ops.pop(key)
        check_route(doc, route, op, item, report)
    for key in sorted(ops):
        report("%s %s" % key, "operation", "documented, but no route serves it")
    if "--src" in opts:
        check_source(opts["--src"], report)
    if "--docs" in opts:
        check_docs(opts["--docs"], routes, report)
    for key, used in allowed.items():
        if not used:
            problems.append("%s: stale entry in the allow list (no such difference)" % key)
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
