#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The Kubernetes manifest (docker/kubernetes.yaml) and its hostPath patch,
# offline: kinds, fields, probes, security, Secrets, a ConfigMap the
# entrypoint accepts, and memory sized from what the daemon and nginx
# measurably use when the entrypoint runs them (measured here first).
. "$(dirname "$0")/lib/test-lib.sh"
# shellcheck source=t/lib/container.sh
. "$T_DIR/lib/container.sh"

container_entrypoint_setup

# The entrypoint with the settings file's 2 workers, for the measurement.
ep_start
status=$?
[ "$status" = 0 ] || diag "the entrypoint did not start; no memory figures" "$(tail -n 20 "$work/ep.log")"
if [ "$status" = 0 ]; then
	# Memory: what the daemon and nginx use after some requests, for the
	# manifest's resources (printed, and compared below).
	for i in 1 2 3 4 5 6; do
		RBD_API_URL=$https RBD_API_CACERT=$work/tls/tls.crt RBD_API_USER=admin \
			RBD_API_PASSWORD=$password api GET '/api/v1/pools?detail=true'
		RBD_API_URL=$https RBD_API_CACERT=$work/tls/tls.crt RBD_API_USER=admin \
			RBD_API_PASSWORD=$password api GET /api/v1/pools/rbd/images
	done
	rss() { ps -o rss= -p "$1" | tr -d ' '; }
	master_rss=$(rss "$DAEMON")
	worker_rss=$(for p in $(pgrep -P "$DAEMON"); do rss "$p"; done | sort -n | tail -n1)
	nginx_rss=$(for p in "$NGINX" $(pgrep -P "$NGINX"); do rss "$p"; done | awk '{ s += $1 } END { print s }')
	other_rss=$(($(rss "$EP_BASH") + $([ "$EP_BASH" != "$EP_PID" ] && rss "$EP_PID" || echo 0)))
	echo "# RSS (ps -o rss, KiB): daemon master $master_rss, largest worker $worker_rss," \
		"nginx in all $nginx_rss, entrypoint and tini $other_rss"
	kill -TERM "$EP_PID"
	ep_exit 30
fi

# --- the Kubernetes manifest
$python - "$top/docker/kubernetes.yaml" "$top/docker/kubernetes-hostpath-patch.yaml" \
	"$top/docker/README.md" "$uid" "$(ep_default RUN_DIR)" "$(ep_default TLS_DIR)" \
	"$(ep_default HTPASSWD_FILE)" "$(ep_default HTTPS_PORT)" "$(ep_default HTTP_PORT)" \
	>"$work/manifest-checks" 2>&1 <<'EOF'
"""Offline checks of the manifest and the hostPath patch. Prints
"ok<TAB>what", "not ok<TAB>what<TAB>why" and "info<TAB>name<TAB>value"."""
import re
import sys

import yaml

(manifest, patch_file, readme, uid, run_dir, tls_dir, htpasswd_file,
 https_port, http_port) = sys.argv[1:10]
uid, https_port, http_port = int(uid), int(https_port), int(http_port)


def check(cond, desc, why=""):
    print(f"ok\t{desc}" if cond else f"not ok\t{desc}\t{why}")


def info(name, value):
    print(f"info\t{name}\t{value}")


# The part of the Kubernetes API these files use. Every key must be known
# here, so that a misspelt field (readOnlyRootFileSystem) is caught before
# an API server drops it. A dict: an object's fields; a one-element list: a
# list of those; None: any value.
META = {"name": None, "namespace": None, "labels": None, "annotations": None}
SELECTOR = {"matchLabels": None, "matchExpressions": None}
PROBE = {
    "httpGet": {"path": None, "port": None, "scheme": None, "host": None, "httpHeaders": None},
    "tcpSocket": {"port": None}, "exec": {"command": None},
    "initialDelaySeconds": None, "periodSeconds": None, "timeoutSeconds": None,
    "failureThreshold": None, "successThreshold": None, "terminationGracePeriodSeconds": None,
}
SECCOMP = {"type": None, "localhostProfile": None}
CONTAINER = {
    "name": None, "image": None, "imagePullPolicy": None, "command": None, "args": None,
    "workingDir": None, "lifecycle": None,
    "ports": [{"name": None, "containerPort": None, "protocol": None, "hostPort": None}],
    "env": [{"name": None, "value": None, "valueFrom": None}],
    "envFrom": [{"prefix": None, "configMapRef": {"name": None, "optional": None},
                 "secretRef": {"name": None, "optional": None}}],
    "readinessProbe": PROBE, "livenessProbe": PROBE, "startupProbe": PROBE,
    "resources": {"requests": None, "limits": None},
    "securityContext": {
        "runAsNonRoot": None, "runAsUser": None, "runAsGroup": None,
        "readOnlyRootFilesystem": None, "allowPrivilegeEscalation": None, "privileged": None,
        "capabilities": {"add": None, "drop": None}, "seccompProfile": SECCOMP,
    },
    "volumeMounts": [{"name": None, "mountPath": None, "readOnly": None, "subPath": None}],
}
VOLUME = {
    "name": None, "configMap": None,
    "secret": {"secretName": None, "defaultMode": None, "optional": None,
               "items": [{"key": None, "path": None, "mode": None}]},
    "emptyDir": {"medium": None, "sizeLimit": None},
    "hostPath": {"path": None, "type": None},
}
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


def unknown_fields(obj, schema, path):
    if schema is None or obj is None:    # null: "delete this" in a patch
        return []
    if isinstance(schema, list):
        if not isinstance(obj, list):
            return [f"{path} (not a list)"]
        return [e for i, o in enumerate(obj) for e in unknown_fields(o, schema[0], f"{path}[{i}]")]
    if not isinstance(obj, dict):
        return [f"{path} (not an object)"]
    errors = []
    for key, value in obj.items():
        if key in schema:
            errors += unknown_fields(value, schema[key], f"{path}.{key}")
        else:
            errors.append(f"{path}.{key}")
    return errors


try:
    docs = [d for d in yaml.safe_load_all(open(manifest)) if d is not None]
    check(True, "kubernetes.yaml parses as YAML")
except yaml.YAMLError as e:
    check(False, "kubernetes.yaml parses as YAML", str(e).replace("\n", " "))
    sys.exit(0)

kinds = [d.get("kind") for d in docs]
check(sorted(kinds) == ["ConfigMap", "Deployment", "PodDisruptionBudget", "Service"],
      "it has a ConfigMap, a Deployment, a Service and a PodDisruptionBudget", kinds)
for d in docs:
    kind = d.get("kind")
    if kind in SCHEMAS:
        bad = unknown_fields(d, SCHEMAS[kind], kind)
        check(not bad, f"{kind}: every field is a known Kubernetes field", bad)
        check(d.get("apiVersion") == API_VERSIONS[kind], f"{kind}: apiVersion {API_VERSIONS[kind]}",
              d.get("apiVersion"))

by_kind = {d.get("kind"): d for d in docs}
dep, cm = by_kind.get("Deployment", {}), by_kind.get("ConfigMap", {})
svc, pdb = by_kind.get("Service", {}), by_kind.get("PodDisruptionBudget", {})
spec = dep.get("spec", {})
pod = spec.get("template", {}).get("spec", {})
labels = spec.get("template", {}).get("metadata", {}).get("labels", {})
containers = pod.get("containers", [])
c = containers[0] if containers else {}


def selects(sel):
    return bool(sel) and all(labels.get(k) == v for k, v in sel.items())


check(spec.get("replicas") == 2, "Deployment: 2 replicas", spec.get("replicas"))
check(selects(spec.get("selector", {}).get("matchLabels")),
      "Deployment: its selector matches the pod template's labels")
check(len(containers) == 1, "Deployment: one container (nginx and the daemon together)")

ports = {p.get("name"): p.get("containerPort") for p in c.get("ports", [])}
check(sorted(ports.values()) == sorted([https_port, http_port]),
      f"container ports: the image's {https_port} (HTTPS) and {http_port} (health)", ports)


def number(port):
    return ports.get(port) if isinstance(port, str) else port


for probe in ("readinessProbe", "livenessProbe"):
    get = c.get(probe, {}).get("httpGet", {})
    check(get.get("path") == "/api/v1/health" and number(get.get("port")) == http_port
          and get.get("scheme", "HTTP") == "HTTP",
          f"{probe}: HTTP GET /api/v1/health on port {http_port}", get)

res = c.get("resources", {})
for part in ("requests", "limits"):
    for what in ("cpu", "memory"):
        check(what in res.get(part, {}), f"resources: {part}.{what} is set", res)


def mib(quantity):
    m = re.fullmatch(r"(\d+)(Ki|Mi|Gi)", str(quantity))
    return int(m.group(1)) * {"Ki": 1 / 1024, "Mi": 1, "Gi": 1024}[m.group(2)] if m else 0


info("memory_request_mib", int(mib(res.get("requests", {}).get("memory"))))
info("memory_limit_mib", int(mib(res.get("limits", {}).get("memory"))))

psc, csc = pod.get("securityContext", {}), c.get("securityContext", {})
check(psc.get("runAsNonRoot") is True and csc.get("runAsNonRoot", True) is True,
      "securityContext: runAsNonRoot")
check(psc.get("runAsUser") == uid and psc.get("runAsGroup") == uid,
      f"securityContext: runAsUser/runAsGroup {uid}, the image's USER")
check(psc.get("fsGroup") == uid, f"securityContext: fsGroup {uid} (makes the Secrets readable)")
check(csc.get("readOnlyRootFilesystem") is True, "securityContext: readOnlyRootFilesystem")
check(csc.get("allowPrivilegeEscalation") is False, "securityContext: allowPrivilegeEscalation false")
check(csc.get("capabilities", {}).get("drop") == ["ALL"], "securityContext: drops ALL capabilities",
      csc.get("capabilities"))

volumes = {v.get("name"): v for v in pod.get("volumes", [])}
mounts = {m.get("mountPath"): m for m in c.get("volumeMounts", [])}
check(all(m.get("name") in volumes for m in mounts.values()), "every volumeMount names a volume")


def secret_at(path):
    m = mounts.get(path, {})
    s = volumes.get(m.get("name"), {}).get("secret", {})
    return s.get("secretName") if m.get("readOnly") is True else None, s


ceph_secret, s = secret_at("/etc/ceph")
check(ceph_secret, "/etc/ceph: from a Secret, read-only")
check(s.get("defaultMode") == 0o440, "/etc/ceph: mode 0440 (readable through fsGroup)",
      s.get("defaultMode"))
tls_secret, s = secret_at(tls_dir)
check(tls_secret, f"{tls_dir}: from the TLS Secret, read-only")
hdir, hfile = htpasswd_file.rsplit("/", 1)
htpasswd_secret, s = secret_at(hdir)
check(htpasswd_secret and hfile in [i.get("path") for i in s.get("items", [{"path": hfile}])],
      f"{htpasswd_file}: from a Secret, read-only")
for path in (run_dir, "/tmp"):
    m = mounts.get(path, {})
    check("emptyDir" in volumes.get(m.get("name"), {}) and not m.get("readOnly"),
          f"{path}: a writable emptyDir (the root filesystem is read-only)", m)
writable = sorted(p for p, m in mounts.items() if not m.get("readOnly"))
check(writable == sorted([run_dir, "/tmp"]), "nothing else is writable", writable)

refs = [e.get("configMapRef", {}).get("name") for e in c.get("envFrom", [])]
check(cm.get("metadata", {}).get("name") in refs, "the container's environment comes from the ConfigMap",
      refs)
data = cm.get("data") or {}
check(data and all(k.startswith("RBD_API_") and isinstance(v, str) for k, v in data.items()),
      "the ConfigMap holds RBD_API_* settings, as strings", data)
for k, v in sorted(data.items()):
    info("configmap_env", f"{k}={v}")
check(pod.get("enableServiceLinks") is False,
      "enableServiceLinks: false (no RBD_API_PORT-like variables from Services)")
pull = [p.get("name") for p in pod.get("imagePullSecrets", [])]
check(pull, "imagePullSecrets for a private registry")
check(pod.get("terminationGracePeriodSeconds", 30) > 30,
      "terminationGracePeriodSeconds beyond the daemon's shutdown_timeout (30 s)")

sports = svc.get("spec", {}).get("ports", [])
check(len(sports) == 1 and sports[0].get("port") == https_port
      and number(sports[0].get("targetPort")) == https_port,
      f"Service: port {https_port} to the container's HTTPS port, nothing else", sports)
check(selects(svc.get("spec", {}).get("selector")), "Service: its selector matches the pods")
check(selects(pdb.get("spec", {}).get("selector", {}).get("matchLabels"))
      and pdb.get("spec", {}).get("minAvailable") == 1, "PodDisruptionBudget: keeps 1 pod")

# The Secrets are made with kubectl as the README says: the names agree.
made = {name: kind for kind, name in re.findall(
    r"kubectl(?: -n \S+)? create secret (generic|tls|docker-registry) (\S+)", open(readme).read())}
for name, kind in ((ceph_secret, "generic"), (htpasswd_secret, "generic"), (tls_secret, "tls")):
    check(made.get(name) == kind, f"README: kubectl create secret {kind} {name}", made)
for name in pull:
    check(made.get(name) == "docker-registry", f"README: kubectl create secret docker-registry {name}",
          made)
check(f"--from-file={hfile}=" in open(readme).read(), f"README: the htpasswd Secret's key is {hfile}")

# The hostPath variant: a strategic merge patch of the Deployment.
try:
    patch = yaml.safe_load(open(patch_file))
    check(True, "kubernetes-hostpath-patch.yaml parses as YAML")
except yaml.YAMLError as e:
    check(False, "kubernetes-hostpath-patch.yaml parses as YAML", str(e).replace("\n", " "))
    sys.exit(0)
ppod = patch.get("spec", {}).get("template", {}).get("spec", {})
bad = unknown_fields(ppod, POD_SPEC, "patch")
check(not bad, "the patch: every field is a known Kubernetes field", bad)
check(ppod.get("nodeSelector") == {"zone": "ceph"}, "the patch: nodeSelector zone: ceph")
v = {x.get("name"): x for x in ppod.get("volumes", [])}.get(mounts.get("/etc/ceph", {}).get("name"), {})
check(v.get("hostPath", {}).get("path") == "/etc/ceph" and "secret" in v and v["secret"] is None,
      "the patch: the /etc/ceph volume becomes the node's /etc/ceph, without the Secret", v)
EOF
status=$?
ok "$status" "the manifest checker ran"
[ "$status" = 0 ] || diag "$(cat "$work/manifest-checks")"
configmap_env=()
while IFS=$'\t' read -r result desc why; do
	case $result in
	ok) ok 0 "kubernetes: $desc" ;;
	"not ok")
		ok 1 "kubernetes: $desc"
		diag "$why"
		;;
	info)
		case $desc in
		memory_request_mib) memory_request=$why ;;
		configmap_env) configmap_env+=("$why") ;;
		esac
		;;
	esac
done <"$work/manifest-checks"

# The ConfigMap's settings are ones the entrypoint and the daemon accept.
check_run "${configmap_env[@]}"
is "$CHECK_STATUS" 0 "the ConfigMap's settings pass the entrypoint's check (${configmap_env[*]})"
[ "$CHECK_STATUS" = 0 ] || diag "$CHECK_OUT"

# The memory request covers what was measured, for the ConfigMap's workers.
cm_workers=$(printf '%s\n' "${configmap_env[@]}" | sed -n 's/^RBD_API_WORKERS=//p')
if [ -n "$master_rss" ] && [ -n "$worker_rss" ] && [ -n "$cm_workers" ]; then
	need=$(((master_rss + cm_workers * worker_rss + nginx_rss + other_rss) / 1024))
	echo "# with the ConfigMap's $cm_workers workers: about $need MiB by RSS; the request is ${memory_request:-?} MiB"
	[ "$need" -lt "${memory_request:-0}" ]
	ok $? "the memory request (${memory_request:-?} MiB) covers the measured RSS for $cm_workers workers ($need MiB)"
fi

# kubectl, where installed, applies the patch offline as an API server would.
if command -v kubectl >/dev/null 2>&1; then
	$python -c 'import sys, yaml
d = [x for x in yaml.safe_load_all(open(sys.argv[1])) if x and x["kind"] == "Deployment"][0]
yaml.safe_dump(d, open(sys.argv[2], "w"))' "$top/docker/kubernetes.yaml" "$work/deployment.yaml"
	out=$(kubectl patch --local -f "$work/deployment.yaml" --type strategic \
		--patch-file "$top/docker/kubernetes-hostpath-patch.yaml" -o json 2>/dev/null |
		jq -c '.spec.template.spec | [.nodeSelector, (.volumes[] | select(.name == "ceph"))]' 2>&1)
	is "$out" '[{"zone":"ceph"},{"hostPath":{"path":"/etc/ceph","type":"Directory"},"name":"ceph"}]' \
		"kubectl patch --local: the patched Deployment has the nodeSelector and only the hostPath"
fi

done_testing
