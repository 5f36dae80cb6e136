#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""t/lib/layers.py SRC_DIR - checks the layers of the daemon's source.

The folders of src/ are its layers, top to bottom:

    process  main, master, workers, listen socket, systemd notify, scoreboard
    http     FastCGI request in, response out; router and route table
    api      one handler file per resource: validate -> call -> render
    sched    snapshot schedules: their store, the lease, the scheduler process
    tasks    copy and rollback tasks run by this service
    rbd      knowledge of RBD over librados/librbd
    ceph     the cluster connection, io contexts, mon and mgr commands
    core     beside them all: JSON in and out, names, sizes, log, answers

A file may include headers of its own layer, of any lower layer, and of
core; core includes only core. Only api, sched, tasks, rbd and ceph talk to the
cluster: elsewhere neither librados/librbd headers nor rados_/rbd_ calls.
In the process layer only the worker (worker.c/h) holds a connection
through the ceph layer: the master never touches Ceph. The api layer may
name librados/librbd types but calls neither: its handlers validate, call
the rbd, ceph, tasks or sched layer, and render. The files still allowed
to call them are listed, each with its reason, in t/lib/layers-allow; an
entry whose file no longer calls them is reported too, so the list only
shrinks.

No include circles: a .c and its .h are one module, and a module that
includes another's header depends on it. Each strongly connected
component of more than one module is reported with its files and the
include lines that close it, unless t/lib/layers-allow lists exactly
those modules in its [circles] section, with the reason; an entry whose
circle is gone is reported too.
Prints one line per violation, "FILE:LINE: why", and exits 1 if any."""
import os
import re
import sys

ORDER = ["ceph", "rbd", "tasks", "sched", "api", "http", "process"]
RANK = {name: i + 1 for i, name in enumerate(ORDER)}
RANK["core"] = 0
CLUSTER_LAYERS = {"api", "sched", "tasks", "rbd", "ceph"}

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
CLUSTER_CALL = re.compile(r"\b(rados|rbd)_[a-z0-9_]+\s*\(")


def read_allowed():
    """From t/lib/layers-allow: {"src/api/x.c": reason} ("FILE  reason"
    lines), and {frozenset of modules: reason} from its [circles] section
    ("src/api/a,src/api/b  reason": the modules of one circle, without
    .c or .h)."""
    allowed, circles = {}, {}
    section = allowed
    # LAYERS_ALLOW: another list, for t/00-layers.t's own checks.
    path = os.environ.get("LAYERS_ALLOW") or \
        os.path.join(os.path.dirname(os.path.abspath(__file__)), "layers-allow")
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line == "[circles]":
                section = circles
            elif line and not line.startswith("#"):
                name, _, reason = line.partition(" ")
                key = frozenset(name.split(",")) if section is circles else name
                section[key] = reason.strip()
    return allowed, circles


def strongly_connected(graph):
    """The strongly connected components of graph ({node: set of nodes}),
    by Tarjan's algorithm, iteratively (no recursion limit to meet)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                found.append(sorted(component))
    return found


def include_circles(includes, allowed_circles):
    """Problems for the include circles among modules. includes holds
    (module, "src/x/file.c:LINE", included module) for every include of
    a header of another module of src/."""
    graph = {}
    for module, _, other in includes:
        graph.setdefault(module, set()).add(other)
        graph.setdefault(other, set())
    problems, seen = [], set()
    for component in strongly_connected(graph):
        if len(component) < 2:
            continue
        members = frozenset(component)
        if members in allowed_circles:
            seen.add(members)
            continue
        closing = [f"{where} includes {os.path.basename(other)}.h"
                   for module, where, other in includes if module in members and other in members]
        problems.append(f"include circle of {len(component)} modules ("
                        f"{', '.join(m + '.c/.h' for m in component)}): "
                        f"{'; '.join(closing)}. Move each declaration to the header of the module "
                        "that defines it (or list the circle, with its reason, in the [circles] "
                        "section of t/lib/layers-allow)")
    for members in sorted(set(allowed_circles) - seen, key=sorted):
        problems.append(f"t/lib/layers-allow: the circle {','.join(sorted(members))} is gone "
                        "(or changed): remove or update its entry")
    return problems


def main(src):
    problems = []
    allowed, allowed_circles = read_allowed()
    includes = []
    api_callers = set()
    layer_of = {}
    files = []
    for entry in sorted(os.listdir(src)):
        path = os.path.join(src, entry)
        if entry.startswith("."):
            continue  # a build's .deps
        if os.path.isdir(path):
            if entry not in RANK:
                problems.append(f"src/{entry}/: a folder that is no layer ({', '.join(RANK)})")
                continue
            for name in sorted(os.listdir(path)):
                if name.endswith((".c", ".h")):
                    layer_of[name] = entry
                    files.append((entry, name))
        elif entry.endswith((".c", ".h")):
            problems.append(f"src/{entry}:1: source outside the layer folders")
    for layer, name in files:
        rel = f"src/{layer}/{name}"
        with open(os.path.join(src, layer, name), encoding="utf-8", errors="replace") as f:
            in_comment = False
            for number, line in enumerate(f, 1):
                m = INCLUDE.match(line)
                if m:
                    kind, target = m.groups()
                    base = os.path.basename(target)
                    if kind == "<":
                        if target.startswith(("rados/", "rbd/")) and layer not in CLUSTER_LAYERS:
                            problems.append(f"{rel}:{number}: the {layer} layer may not include <{target}>: "
                                            "only api, sched, tasks, rbd and ceph talk to the cluster")
                        continue
                    other = layer_of.get(base)
                    if other is None:
                        continue  # config.h, generated files
                    module = f"src/{layer}/{os.path.splitext(name)[0]}"
                    other_module = f"src/{other}/{os.path.splitext(base)[0]}"
                    if module != other_module:
                        includes.append((module, f"{rel}:{number}", other_module))
                    if layer == "process" and other == "ceph" and not name.startswith("worker."):
                        problems.append(f"{rel}:{number}: only the worker may use the ceph layer "
                                        f"({other}/{base}): the master never touches Ceph")
                    elif layer == "core" and other != "core":
                        problems.append(f"{rel}:{number}: core may include only core, not {other}/{base}")
                    elif other != "core" and RANK[other] > RANK[layer]:
                        problems.append(f"{rel}:{number}: the {layer} layer may not include {other}/{base} "
                                        f"(a higher layer)")
                    continue
                code = line
                if in_comment:
                    if "*/" not in code:
                        continue
                    code = code.split("*/", 1)[1]
                    in_comment = False
                code = re.sub(r"/\*.*?\*/", "", code)
                if "/*" in code:
                    code, in_comment = code.split("/*", 1)[0], True
                code = re.sub(r'"([^"\\]|\\.)*"', '""', code)
                if layer == "api" and CLUSTER_CALL.search(code):
                    call = CLUSTER_CALL.search(code).group(0).rstrip("( ")
                    api_callers.add(rel)
                    if rel not in allowed:
                        problems.append(f"{rel}:{number}: the api layer calls {call}: put the Ceph "
                                        "sequence in rbd/ or ceph/ and call that (or list the file, "
                                        "with its reason, in t/lib/layers-allow)")
                if layer not in CLUSTER_LAYERS and CLUSTER_CALL.search(code):
                    call = CLUSTER_CALL.search(code).group(0).rstrip("( ")
                    problems.append(f"{rel}:{number}: the {layer} layer calls {call}: "
                                    "only api, sched, tasks, rbd and ceph talk to the cluster")
    problems += include_circles(includes, allowed_circles)
    for rel in sorted(set(allowed) - api_callers):
        problems.append(f"t/lib/layers-allow: {rel} no longer calls librados or librbd: "
                        "remove its entry")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "src"))
