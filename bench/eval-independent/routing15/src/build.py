#!/usr/bin/env python3
"""Deterministically build heldout15.jsonl from the hand-written sources in this folder.

Source format (one row per line, UTF-8): `<tier> <kind> <contextTokens> | <prompt>`
where tier is s/m/l. Blank lines and lines starting with '#' are ignored.
"""
import json, os, random, sys

HERE = os.path.dirname(os.path.abspath(__file__))
LANGS = ["en", "zh", "ja", "ko", "de", "fr", "es", "pt", "ru"]
TIERS = {"s": "small", "m": "medium", "l": "large"}
KINDS = ["completion", "rename", "edit", "docstring", "question", "test", "docs",
         "review", "bugfix", "refactor", "feature", "architecture", "other"]
SEED = 15015


def load_rows():
    rows = []
    for lang in LANGS:
        path = os.path.join(HERE, f"{lang}.txt")
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                line = line.rstrip("\n")
                if not line.strip() or line.startswith("#"):
                    continue
                meta, sep, prompt = line.partition(" | ")
                if not sep:
                    raise SystemExit(f"{path}:{n}: missing ' | ' separator")
                parts = meta.split()
                if len(parts) != 3 or parts[0] not in TIERS or parts[1] not in KINDS:
                    raise SystemExit(f"{path}:{n}: bad metadata {meta!r}")
                prompt = prompt.strip()
                rows.append({"lang": lang, "prompt": prompt, "tier": TIERS[parts[0]],
                             "kind": parts[1], "contextTokens": int(parts[2])})
    return rows


def build_text():
    rows = load_rows()
    random.Random(SEED).shuffle(rows)
    out = []
    for i, r in enumerate(rows, 1):
        obj = {"id": f"h15-{i:04d}", "lang": r["lang"], "prompt": r["prompt"],
               "tier": r["tier"], "kind": r["kind"], "contextTokens": r["contextTokens"]}
        out.append(json.dumps(obj, ensure_ascii=False))
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    target = os.path.join(HERE, "..", "heldout15.jsonl")
    if len(sys.argv) > 1:
        target = sys.argv[1]
    with open(target, "w", encoding="utf-8", newline="\n") as f:
        f.write(build_text())
    print(f"wrote {os.path.normpath(target)}")
