#!/usr/bin/env python3
"""Validate heldout15.jsonl against the brief; prints a report ending in RESULT: OK or RESULT: FAIL."""
import collections, json, os, re, sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import build  # noqa: E402

PATH = os.path.join(HERE, "..", "heldout15.jsonl")
KEYS = ["id", "lang", "prompt", "tier", "kind", "contextTokens"]
LANG_COUNTS = {"en": 150}
TARGET = {"small": 0.40, "medium": 0.35, "large": 0.25}
errors = []
out = []


def fail(msg):
    errors.append(msg)


def is_very_short(lang, prompt):
    if lang in ("zh", "ja"):
        return len(prompt.strip()) <= 15
    return len(prompt.split()) <= 6


raw = open(PATH, "rb").read()
try:
    text = raw.decode("utf-8")
except UnicodeDecodeError as e:
    fail(f"not UTF-8: {e}")
    text = raw.decode("utf-8", "replace")
lines = text.split("\n")
if lines and lines[-1] == "":
    lines = lines[:-1]
else:
    fail("file does not end with a newline")
rows = []
for n, line in enumerate(lines, 1):
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as e:
        fail(f"line {n}: invalid JSON: {e}")
        continue
    if list(obj.keys()) != KEYS:
        fail(f"line {n}: key order {list(obj.keys())}")
    rows.append(obj)
out.append(f"rows: {len(rows)}")
if len(rows) != 600:
    fail(f"expected 600 rows, got {len(rows)}")

# ids
ids = [r.get("id") for r in rows]
if ids != [f"h15-{i:04d}" for i in range(1, len(rows) + 1)]:
    fail("ids are not h15-0001..h15-0600 in order")

# field values
seen = {}
for r in rows:
    p = r.get("prompt", "")
    if not isinstance(p, str) or not p.strip():
        fail(f"{r.get('id')}: empty prompt")
        continue
    if "\n" in p or "\r" in p or "\u2028" in p or "\u2029" in p:
        fail(f"{r['id']}: prompt contains a line break")
    if r.get("lang") not in build.LANGS:
        fail(f"{r['id']}: bad lang")
    if r.get("tier") not in TARGET:
        fail(f"{r['id']}: bad tier")
    if r.get("kind") not in build.KINDS:
        fail(f"{r['id']}: bad kind")
    ct = r.get("contextTokens")
    if not isinstance(ct, int) or isinstance(ct, bool) or ct < 0:
        fail(f"{r['id']}: bad contextTokens")
    key = re.sub(r"\s+", "", p).casefold()
    if key in seen:
        fail(f"{r['id']}: duplicate prompt of {seen[key]}")
    seen[key] = r["id"]
out.append(f"unique prompts (case/whitespace-insensitive): {len(seen)}")

# language counts
lc = collections.Counter(r["lang"] for r in rows)
out.append("language counts: " + ", ".join(f"{l}={lc[l]}" for l in build.LANGS))
if lc["en"] != 150:
    fail("en must have 150 rows")
others = [lc[l] for l in build.LANGS if l != "en"]
if sum(others) != 450 or any(c not in (56, 57) for c in others):
    fail(f"non-English counts must be 56/57 summing to 450, got {others}")

# tier shares per language
out.append("")
out.append("lang   small  medium  large   (share %)        very-short")
for l in build.LANGS:
    rs = [r for r in rows if r["lang"] == l]
    tc = collections.Counter(r["tier"] for r in rs)
    shares = {t: 100.0 * tc[t] / len(rs) for t in TARGET}
    vs = sum(is_very_short(l, r["prompt"]) for r in rs)
    out.append(f"{l:5s} {tc['small']:6d} {tc['medium']:7d} {tc['large']:6d}   "
               f"({shares['small']:.1f}/{shares['medium']:.1f}/{shares['large']:.1f})   {vs:3d} ({100.0*vs/len(rs):.1f}%)")
    for t, target in TARGET.items():
        if abs(shares[t] - 100 * target) > 3.0:
            fail(f"{l}: {t} share {shares[t]:.1f}% not within 3 points of {100*target:.0f}%")

# kind minimums
out.append("")
kc = collections.Counter(r["kind"] for r in rows)
out.append("kind          total  min-per-lang")
for k in build.KINDS:
    per = [sum(1 for r in rows if r["lang"] == l and r["kind"] == k) for l in build.LANGS]
    out.append(f"{k:13s} {kc[k]:5d}  {min(per):3d}")
    if kc[k] < 25:
        fail(f"kind {k}: only {kc[k]} rows overall")
    for l, c in zip(build.LANGS, per):
        if c < 3:
            fail(f"kind {k}: only {c} rows in {l}")

# very short share
vs_rows = [r for r in rows if is_very_short(r["lang"], r["prompt"])]
share = 100.0 * len(vs_rows) / len(rows)
vst = collections.Counter(r["tier"] for r in vs_rows)
out.append("")
out.append(f"very short (<=6 words; zh/ja <=15 chars): {len(vs_rows)} = {share:.1f}%  "
           f"by tier: small={vst['small']} medium={vst['medium']} large={vst['large']}")
if not 12.0 <= share <= 18.0:
    fail(f"very-short share {share:.1f}% outside 12-18%")
for t in TARGET:
    if vst[t] == 0:
        fail(f"no very-short rows in tier {t}")

# fresh build equality
fresh = build.build_text()
if fresh != text:
    fail("heldout15.jsonl differs from a fresh build of src/")
else:
    out.append("fresh build: identical")

out.append("")
for e in errors:
    out.append("ERROR: " + e)
out.append("RESULT: " + ("OK" if not errors else "FAIL"))
print("\n".join(out))
sys.exit(0 if not errors else 1)
