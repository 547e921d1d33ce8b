"""Exit 0 when two batch results CSVs hold the same rows, timing columns (and the columns named after
the two files) aside; else print the first difference."""
import csv
import sys

TIMING = {"search_seconds", "eval_seconds", "latency_ms"} | set(sys.argv[3:])


def rows(path):
    with open(path, newline="") as f:
        return [{k: v for k, v in r.items() if k not in TIMING} for r in csv.DictReader(f)]


a, b = rows(sys.argv[1]), rows(sys.argv[2])
if len(a) != len(b):
    sys.exit(f"{sys.argv[1]} has {len(a)} rows, {sys.argv[2]} has {len(b)}")
for i, (x, y) in enumerate(zip(a, b)):
    if x != y:
        diff = {k: (x.get(k), y.get(k)) for k in x.keys() | y.keys() if x.get(k) != y.get(k)}
        sys.exit(f"row {i} differs: {diff}")
print(f"same {len(a)} rows (timing columns aside)")
