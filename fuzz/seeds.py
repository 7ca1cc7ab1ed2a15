"""Seed corpora for the fuzz targets, from the project's own tests and lessons:
transcript commands (console), their here-document bodies (manifest), lesson files (lesson),
sessions and share links built from transcript commands (session, share_link)."""
import base64, glob, json, os, sys, zlib

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
out = sys.argv[1]
EPOCH = 1767225600000  # 2026-01-01T00:00:00Z, the simulation's start
blocks, bodies = [], []
for path in sorted(glob.glob(os.path.join(root, "tests/transcripts/*.txt"))):
    cur = None
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("$ "):
            if cur:
                blocks.append(cur)
            cur = [line[2:]]
        elif line.startswith("> ") and cur is not None:
            cur.append(line[2:])
        elif cur is not None and line and not line.startswith("> "):
            blocks.append(cur)
            cur = None
    if cur:
        blocks.append(cur)
for b in blocks:
    if len(b) > 2 and "<<" in b[0]:
        bodies.append("\n".join(b[1:-1]) + "\n")

def write(target, name, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))

for i, b in enumerate(blocks):
    write("console", f"t{i:04}", "\n".join(b))
for i, body in enumerate(bodies):
    write("manifest", f"m{i:04}", body)
for path in sorted(glob.glob(os.path.join(root, "static/lessons/*.yaml"))):
    write("lesson", os.path.basename(path), open(path, "rb").read())
for i in range(0, len(blocks), 7):
    steps = [[EPOCH + 260000 + j * 1000, "\n".join(b)] for j, b in enumerate(blocks[i:i + 3])]
    session = json.dumps({"kubesim": 1, "seed": 1, "now": EPOCH + 300000, "steps": steps})
    write("session", f"s{i:04}", session)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = c.compress(session.encode()) + c.flush()
    write("share_link", f"l{i:04}", "s1." + base64.urlsafe_b64encode(packed).decode().rstrip("="))
print(f"seeds: {len(blocks)} console, {len(bodies)} manifest, lessons, sessions and links in {out}", file=sys.stderr)
