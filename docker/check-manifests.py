#!/usr/bin/python3
"""Offline checks of docker/kubernetes.yaml and docker/kubernetes-hostpath-patch.yaml.

Used by t/90-container.t (no cluster needed). Prints one line per check:
"ok<TAB>description" or "not ok<TAB>description<TAB>diagnostic", and
"info<TAB>name<TAB>value" lines the test uses further.

usage: check-manifests.py MANIFEST PATCH README UID RUN_DIR TLS_DIR HTPASSWD_FILE HTTPS_PORT HTTP_PORT
"""
import re
import sys

import yaml

(manifest, patch_file, readme, uid, run_dir, tls_dir, htpasswd_file,
 https_port, http_port) = sys.argv[1:10]
uid, https_port, http_port = int(uid), int(https_port), int(http_port)


def check(cond, desc, diag=""):
    if cond:
        print(f"ok\t{desc}")
    else:
        print(f"not ok\t{desc}\t{diag}")


def info(name, value):
    print(f"info\t{name}\t{value}")


# The part of the Kubernetes API these files use: every key must be known
# here, so a misspelt field (readOnlyRootFileSystem) is caught before a
# cluster silently drops it. A dict is an object's fields, a one-element
# list a list of those, None any value.
META = {"name": None, "namespace": None, "labels": None, "annotations": None}
SELECTOR = {"matchLabels": None, "matchExpressions": None}
PROBE = {
    "httpGet": {"path": None, "port": None, "scheme": None, "host": None, "httpHeaders": None},
    "tcpSocket": {"port": None}, "exec": {"command": None},
    "initialDelaySeconds": None, "periodSeconds": None, "timeoutSeconds": None,
    "failureThreshold": None, "successThreshold": None, "terminationGracePeriodSeconds": None,
}
CAPS = {"add": None, "drop": None}
SECCOMP = {"type": None, "localhostProfile": None}
CONTAINER = {
    "name": None, "image": None, "imagePullPolicy": None, "command": None, "args": None,
    "workingDir": None,
    "ports": [{"name": None, "containerPort": None, "protocol": None, "hostPort": None}],
    "env": [{"name": None, "value": None, "valueFrom": None}],
    "envFrom": [{"prefix": None, "configMapRef": {"name": None, "optional": None},
                 "secretRef": {"name": None, "optional": None}}],
    "readinessProbe": PROBE, "livenessProbe": PROBE, "startupProbe": PROBE,
    "resources": {"requests": None, "limits": None},
    "securityContext": {
        "runAsNonRoot": None, "runAsUser": None, "runAsGroup": None,
        "readOnlyRootFilesystem": None, "allowPrivilegeEscalation": None,
        "privileged": None, "capabilities": CAPS, "seccompProfile": SECCOMP,
    },
    "volumeMounts": [{"name": None, "mountPath": None, "readOnly": None, "subPath": None}],
    "lifecycle": None,
}
SECRET_VOLUME = {"secretName": None, "defaultMode": None, "optional": None,
                 "items": [{"key": None, "path": None, "mode": None}]}
VOLUME = {"name": None, "secret": SECRET_VOLUME, "emptyDir": {"medium": None, "sizeLimit": None},
          "hostPath": {"path": None, "type": None}, "configMap": None}
POD_SPEC = {
    "containers": [CONTAINER], "initContainers": [CONTAINER], "volumes": [VOLUME],
    "imagePullSecrets": [{"name": None}], "enableServiceLinks": None,
    "automountServiceAccountToken": None, "serviceAccountName": None,
    "terminationGracePeriodSeconds": None, "nodeSelector": None, "affinity": None,
    "tolerations": None, "priorityClassName": None,
    "securityContext": {"runAsNonRoot": None, "runAsUser": None, "runAsGroup": None,
                        "fsGroup": None, "supplementalGroups": None, "seccompProfile": SECCOMP},
    "topologySpreadConstraints": [{"maxSkew": None, "topologyKey": None,
                                   "whenUnsatisfiable": None, "labelSelector": SELECTOR}],
}
SCHEMAS = {
    "ConfigMap": {"apiVersion": None, "kind": None, "metadata": META, "data": None},
    "Deployment": {"apiVersion": None, "kind": None, "metadata": META, "spec": {
        "replicas": None, "selector": SELECTOR, "revisionHistoryLimit": None,
        "minReadySeconds": None,
        "strategy": {"type": None, "rollingUpdate": {"maxUnavailable": None, "maxSurge": None}},
        "template": {"metadata": META, "spec": POD_SPEC}}},
    "Service": {"apiVersion": None, "kind": None, "metadata": META, "spec": {
        "type": None, "selector": None,
        "ports": [{"name": None, "port": None, "targetPort": None, "protocol": None}]}},
    "PodDisruptionBudget": {"apiVersion": None, "kind": None, "metadata": META, "spec": {
        "minAvailable": None, "maxUnavailable": None, "selector": SELECTOR}},
}
API_VERSIONS = {"ConfigMap": "v1", "Deployment": "apps/v1", "Service": "v1",
                "PodDisruptionBudget": "policy/v1"}


def unknown_fields(obj, schema, path=""):
    if schema is None:
        return []
    if isinstance(schema, list):
        if not isinstance(obj, list):
            return [f"{path}: expected a list"]
        return [e for i, item in enumerate(obj) for e in unknown_fields(item, schema[0], f"{path}[{i}]")]
    if not isinstance(obj, dict):
        return [f"{path}: expected an object"]
    errors = []
    for key, value in obj.items():
        if key not in schema:
            errors.append(f"{path}.{key}")
        else:
            errors += unknown_fields(value, schema[key], f"{path}.{key}")
    return errors


try:
    docs = [d for d in yaml.safe_load_all(open(manifest)) if d is not None]
    check(True, "kubernetes.yaml parses as YAML")
except yaml.YAMLError as e:
    check(False, "kubernetes.yaml parses as YAML", str(e).replace("\n", " "))
    sys.exit(0)

kinds = [d.get("kind") for d in docs]
check(sorted(kinds) == sorted(["ConfigMap", "Deployment", "Service", "PodDisruptionBudget"]),
      "it has a ConfigMap, a Deployment, a Service and a PodDisruptionBudget", f"kinds: {kinds}")
for d in docs:
    kind = d.get("kind")
    if kind in SCHEMAS:
        bad = unknown_fields(d, SCHEMAS[kind], kind)
        check(not bad, f"{kind}: every field is a known Kubernetes field", f"unknown: {bad}")
        check(d.get("apiVersion") == API_VERSIONS[kind], f"{kind}: apiVersion {API_VERSIONS[kind]}",
              d.get("apiVersion"))
        check(bool(d.get("metadata", {}).get("name")), f"{kind}: has a name")

by_kind = {d.get("kind"): d for d in docs}
dep = by_kind.get("Deployment", {})
cm = by_kind.get("ConfigMap", {})
svc = by_kind.get("Service", {})
pdb = by_kind.get("PodDisruptionBudget", {})
spec = dep.get("spec", {})
pod = spec.get("template", {}).get("spec", {})
labels = spec.get("template", {}).get("metadata", {}).get("labels", {})
containers = pod.get("containers", [])
c = containers[0] if containers else {}

check(spec.get("replicas") == 2, "Deployment: 2 replicas", spec.get("replicas"))
sel = spec.get("selector", {}).get("matchLabels", {})
check(bool(sel) and all(labels.get(k) == v for k, v in sel.items()),
      "Deployment: its selector matches the pod template's labels", f"{sel} vs {labels}")
check(len(containers) == 1, "Deployment: one container (nginx and the daemon run together in it)")

ports = {p.get("name"): p.get("containerPort") for p in c.get("ports", [])}
check(sorted(ports.values()) == sorted([https_port, http_port]),
      f"container ports are the image's {https_port} (HTTPS) and {http_port} (health)", ports)


def port_number(p):
    return ports.get(p) if isinstance(p, str) else p


for probe in ("readinessProbe", "livenessProbe"):
    hg = c.get(probe, {}).get("httpGet", {})
    check(hg.get("path") == "/api/v1/health" and port_number(hg.get("port")) == http_port
          and hg.get("scheme", "HTTP") == "HTTP",
          f"{probe}: HTTP GET /api/v1/health on port {http_port}", hg)

res = c.get("resources", {})
for part in ("requests", "limits"):
    for what in ("cpu", "memory"):
        check(what in res.get(part, {}), f"resources: {part}.{what} is set", res)


def mebibytes(q):
    m = re.fullmatch(r"(\d+)(Ki|Mi|Gi)?", str(q))
    if not m:
        return None
    return int(m.group(1)) * {"Ki": 1 / 1024, "Mi": 1, "Gi": 1024, None: 1 / 1048576}[m.group(2)]


info("memory_request_mib", mebibytes(res.get("requests", {}).get("memory", "0")))
info("memory_limit_mib", mebibytes(res.get("limits", {}).get("memory", "0")))

psc = pod.get("securityContext", {})
csc = c.get("securityContext", {})
check(psc.get("runAsNonRoot") is True or csc.get("runAsNonRoot") is True, "securityContext: runAsNonRoot")
check(psc.get("runAsUser", csc.get("runAsUser")) == uid,
      f"securityContext: runAsUser {uid}, the image's USER", psc.get("runAsUser"))
check(psc.get("fsGroup") == uid, f"securityContext: fsGroup {uid} (the Secrets' files readable)")
check(csc.get("readOnlyRootFilesystem") is True, "securityContext: readOnlyRootFilesystem")
check(csc.get("allowPrivilegeEscalation") is False, "securityContext: allowPrivilegeEscalation false")
check(csc.get("capabilities", {}).get("drop") == ["ALL"], "securityContext: drops ALL capabilities",
      csc.get("capabilities"))

volumes = {v.get("name"): v for v in pod.get("volumes", [])}
mounts = {m.get("mountPath"): m for m in c.get("volumeMounts", [])}
check(all(m.get("name") in volumes for m in mounts.values()), "every volumeMount names a volume")


def mounted_secret(path):
    m = mounts.get(path, {})
    return m, volumes.get(m.get("name"), {}).get("secret", {})


m, s = mounted_secret("/etc/ceph")
check(bool(s.get("secretName")) and m.get("readOnly") is True,
      "/etc/ceph: from a Secret, read-only", m)
check(s.get("defaultMode") == 0o440, "/etc/ceph: files mode 0440 (group-readable with fsGroup)",
      s.get("defaultMode"))
ceph_secret = s.get("secretName")
m, s = mounted_secret(tls_dir)
check(bool(s.get("secretName")) and m.get("readOnly") is True,
      f"{tls_dir}: the TLS Secret, read-only", m)
tls_secret = s.get("secretName")
m, s = mounted_secret(htpasswd_file.rsplit("/", 1)[0])
items = {i.get("path") for i in s.get("items", [])} if s.get("items") else None
check(bool(s.get("secretName")) and m.get("readOnly") is True
      and (items is None or htpasswd_file.rsplit("/", 1)[1] in items),
      f"{htpasswd_file}: from a Secret, read-only", m)
htpasswd_secret = s.get("secretName")
for path in (run_dir, "/tmp"):
    m = mounts.get(path, {})
    check("emptyDir" in volumes.get(m.get("name"), {}) and not m.get("readOnly"),
          f"{path}: a writable emptyDir (the root filesystem is read-only)", m)
writable = [p for p, m in mounts.items() if not m.get("readOnly")]
check(sorted(writable) == sorted([run_dir, "/tmp"]), "nothing else is writable", writable)

refs = [e.get("configMapRef", {}).get("name") for e in c.get("envFrom", [])]
check(cm.get("metadata", {}).get("name") in refs, "the container takes its environment from the ConfigMap",
      refs)
data = cm.get("data", {})
check(bool(data) and all(k.startswith("RBD_API_") and isinstance(v, str) for k, v in data.items()),
      "the ConfigMap holds RBD_API_* settings, as strings", data)
for k, v in sorted(data.items()):
    info("configmap_env", f"{k}={v}")
check(pod.get("enableServiceLinks") is False,
      "enableServiceLinks: false (no RBD_API_PORT-like variables from Services)")
pull = [p.get("name") for p in pod.get("imagePullSecrets", [])]
check(bool(pull), "imagePullSecrets for a private registry", pull)
check(pod.get("terminationGracePeriodSeconds", 30) > 30,
      "terminationGracePeriodSeconds beyond the daemon's shutdown_timeout (30 s)")

sspec = svc.get("spec", {})
sports = sspec.get("ports", [])
check(len(sports) == 1 and sports[0].get("port") == https_port
      and port_number(sports[0].get("targetPort")) == https_port,
      f"Service: port {https_port} to the container's HTTPS port, and nothing else", sports)
ssel = sspec.get("selector", {})
check(bool(ssel) and all(labels.get(k) == v for k, v in ssel.items()),
      "Service: its selector matches the pods", ssel)
psel = pdb.get("spec", {}).get("selector", {}).get("matchLabels", {})
check(bool(psel) and all(labels.get(k) == v for k, v in psel.items())
      and pdb.get("spec", {}).get("minAvailable") == 1,
      "PodDisruptionBudget: keeps 1 of the pods", pdb.get("spec"))

# The Secrets are made with kubectl (README); the names must agree.
text = open(readme).read()
creates = re.findall(r"kubectl(?: -n \S+)? create secret (generic|tls|docker-registry) (\S+)", text)
made = {name: kind for kind, name in creates}
for name, kind in ((ceph_secret, "generic"), (htpasswd_secret, "generic"), (tls_secret, "tls")):
    check(made.get(name) == kind, f"README: `kubectl create secret {kind} {name}`", made)
for name in pull:
    check(made.get(name) == "docker-registry", f"README: `kubectl create secret docker-registry {name}`",
          made)
check("--from-file=htpasswd=" in text, "README: the htpasswd Secret's key is htpasswd")

# The hostPath variant.
try:
    p = yaml.safe_load(open(patch_file))
    check(True, "kubernetes-hostpath-patch.yaml parses as YAML")
except yaml.YAMLError as e:
    check(False, "kubernetes-hostpath-patch.yaml parses as YAML", str(e).replace("\n", " "))
    sys.exit(0)
ppod = p.get("spec", {}).get("template", {}).get("spec", {})
check(not unknown_fields(ppod, POD_SPEC, "patch"), "the patch: every field is a known Kubernetes field",
      unknown_fields(ppod, POD_SPEC, "patch"))
check(ppod.get("nodeSelector") == {"zone": "ceph"}, "the patch: nodeSelector zone: ceph",
      ppod.get("nodeSelector"))
pv = {v.get("name"): v for v in ppod.get("volumes", [])}
ceph_volume = mounts.get("/etc/ceph", {}).get("name")
check(pv.get(ceph_volume, {}).get("hostPath", {}).get("path") == "/etc/ceph"
      and "secret" in pv.get(ceph_volume, {}) and pv[ceph_volume]["secret"] is None,
      "the patch: the /etc/ceph volume becomes the node's /etc/ceph (and loses its Secret)",
      pv.get(ceph_volume))
