#!/usr/bin/env python3
"""Generates, from k8s-openapi's v1_37 bindings (the Kubernetes OpenAPI definitions):
- core/src/console/explain/docs.json: the field documentation `kubectl explain` prints;
- core/src/apiserver/schema.json: field names, Go types and required marks for every type
  reachable from the kinds kubesim serves — what the apiserver's strict decoding checks.

Run from the repository root after `cargo fetch`:  python3 tools/gen/explain_docs.py
"""
import glob, json, os, re, sys

ROOTS = {
    "Pod": "api/core/v1/pod", "Node": "api/core/v1/node", "Namespace": "api/core/v1/namespace",
    "Binding": "api/core/v1/binding", "Event": "api/core/v1/event", "ConfigMap": "api/core/v1/config_map",
    "Secret": "api/core/v1/secret", "Service": "api/core/v1/service", "Endpoints": "api/core/v1/endpoints",
    "ServiceAccount": "api/core/v1/service_account", "ReplicationController": "api/core/v1/replication_controller",
    "ReplicaSet": "api/apps/v1/replica_set", "Deployment": "api/apps/v1/deployment", "DaemonSet": "api/apps/v1/daemon_set",
    "Job": "api/batch/v1/job", "CronJob": "api/batch/v1/cron_job", "Lease": "api/coordination/v1/lease",
    "EndpointSlice": "api/discovery/v1/endpoint_slice", "PriorityClass": "api/scheduling/v1/priority_class",
}

def find_src():
    for d in glob.glob(os.path.expanduser("~/.cargo/registry/src/*/k8s-openapi-0.29.0/src/v1_37")):
        return d
    sys.exit("k8s-openapi 0.29.0 sources not found: run `cargo fetch` first")

SRC = find_src()

def unescape(s):
    return re.sub(r"\\([<>\[\]*_`\\])", r"\1", s)

def parse_file(path):
    text = open(path).read()
    m = re.search(r"// Generated from definition (\S+)", text)
    if not m:
        return None
    defid = m.group(1)
    sm = re.search(r"((?:///[^\n]*\n)*)#\[derive[^\n]*\]\npub struct (\w+) \{\n(.*?)\n\}\n", text, re.S)
    if not sm:
        return None
    desc = "\n".join(unescape(l[4:] if l.startswith("/// ") else l[3:]) for l in sm.group(1).splitlines())
    body = sm.group(3)
    fields = []
    doc = []
    for line in body.splitlines():
        line = line.strip()
        if line.startswith("///"):
            doc.append(unescape(line[4:] if line.startswith("/// ") else line[3:]))
        elif line.startswith("pub "):
            fm = re.match(r"pub (\w+): (.+),$", line)
            if fm:
                fields.append((fm.group(1), fm.group(2), "\n".join(doc)))
            doc = []
        elif not line:
            continue
    names = dict((r, j) for j, r in re.findall(r'"([^"]+)" => Field::Key_(\w+),', text))
    return defid, sm.group(2), desc, fields, names

# module path (api/core/v1) + struct name -> parsed
by_path = {}
for f in glob.glob(os.path.join(SRC, "**", "*.rs"), recursive=True):
    p = parse_file(f)
    if not p:
        continue
    mod = os.path.relpath(os.path.dirname(f), SRC)
    by_path["crate::" + mod.replace(os.sep, "::") + "::" + p[1]] = p

GO_SCALAR = {"std::string::String": "string", "String": "string", "i32": "int32", "i64": "int64", "f64": "float64", "bool": "bool", "crate::ByteString": "bytes"}

SPECIAL = {
    "crate::apimachinery::pkg::apis::meta::v1::Time": "string",
    "crate::apimachinery::pkg::apis::meta::v1::MicroTime": "string",
    "crate::apimachinery::pkg::api::resource::Quantity": "Quantity",
    "crate::apimachinery::pkg::util::intstr::IntOrString": "IntOrString",
    "crate::apimachinery::pkg::runtime::RawExtension": "Object",
    "crate::apimachinery::pkg::apis::meta::v1::FieldsV1": "FieldsV1",
    "crate::ByteString": "string",
    "std::string::String": "string",
    "String": "string",
    "i32": "integer", "i64": "integer", "f64": "number", "bool": "boolean",
}

defs = {}
schema = {}
queue = []

def go_type(t):
    """Rust type -> the type strict decoding checks: Go scalar names, []X, map[string]X, @def."""
    m = re.fullmatch(r"Option<(.+)>", t)
    if m:
        t = m.group(1)
    m = re.fullmatch(r"(?:std::vec::)?Vec<(.+)>", t)
    if m:
        return "[]" + go_type(m.group(1))
    m = re.fullmatch(r"std::collections::BTreeMap<[^,]+, (.+)>", t)
    if m:
        return "map[string]" + go_type(m.group(1))
    if t in GO_SCALAR:
        return GO_SCALAR[t]
    if t in SPECIAL:
        return SPECIAL[t]
    if t in by_path:
        return "@" + by_path[t][0]
    return "Object"

def type_of(t):
    """Rust type -> (explain type with @def refs, required)."""
    required = True
    m = re.fullmatch(r"Option<(.+)>", t)
    if m:
        t, required = m.group(1), False
    return conv(t), required

def conv(t):
    m = re.fullmatch(r"(?:std::vec::)?Vec<(.+)>", t)
    if m:
        return "[]" + conv(m.group(1))
    m = re.fullmatch(r"std::collections::BTreeMap<[^,]+, (.+)>", t)
    if m:
        return "map[string]" + conv(m.group(1))
    if t in SPECIAL:
        return SPECIAL[t]
    if t in by_path:
        defid = by_path[t][0]
        queue.append(t)
        return "@" + defid
    return "Object"

for kind, mod in ROOTS.items():
    parts = mod.split("/")
    struct = "".join(w.capitalize() for w in parts[-1].split("_"))
    queue.append("crate::" + "::".join(parts[:-1]) + "::" + struct)

roots = {}
for kind, mod in ROOTS.items():
    parts = mod.split("/")
    struct = "".join(w.capitalize() for w in parts[-1].split("_"))
    roots[kind] = by_path["crate::" + "::".join(parts[:-1]) + "::" + struct][0]

seen = set()
while queue:
    t = queue.pop()
    if t in seen:
        continue
    seen.add(t)
    defid, name, desc, fields, names = by_path[t]
    out = []
    sch = []
    for rust, typ, doc in fields:
        sch.append([names.get(rust, rust), go_type(typ), 0 if typ.startswith("Option<") or names.get(rust, rust) == "metadata" else 1])
        js = names.get(rust, rust)
        ty, req = type_of(typ)
        out.append([js, ty, 1 if req and js != "metadata" else 0, doc])
    # apiVersion and kind are not struct fields in k8s-openapi: add them as the schema has them
    if any(k for k, v in roots.items() if v == defid):
        out.append(["apiVersion", "string", 0, "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources"])
        out.append(["kind", "string", 0, "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds"])
    out.sort(key=lambda f: f[0])
    defs[defid] = {"d": desc, "f": out}
    schema[defid] = {"n": name, "f": sch}

json.dump({"roots": roots, "defs": defs}, open("core/src/console/explain/docs.json", "w"), separators=(",", ":"), sort_keys=True)
json.dump({"roots": roots, "defs": schema}, open("core/src/apiserver/schema.json", "w"), separators=(",", ":"), sort_keys=True)
print(os.path.getsize("core/src/apiserver/schema.json"), "bytes of schema")
print(len(defs), "definitions,", os.path.getsize("core/src/console/explain/docs.json"), "bytes")
