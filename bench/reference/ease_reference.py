"""Reference for bench/ease.bench.ts: numpy.linalg.inv on the same EASE matrix (X^T X + lambda I,
written by the bench as raw little-endian float64, n x n), and its agreement with the bench's P.

Usage: /usr/bin/python3 bench/reference/ease_reference.py DIR RUNS
Prints one JSON line: {"seconds": [...], "cpu_seconds": [...] (all threads), "max_abs_diff": |P_numpy - P_ours|
max, "max_abs": |P| max, "numpy": version}.
"""
import json
import sys
import time

import numpy as np


def main() -> None:
    folder, runs = sys.argv[1], int(sys.argv[2])
    with open(f"{folder}/shape.json") as f:
        n = json.load(f)["n"]
    g = np.fromfile(f"{folder}/gram.bin", dtype="<f8").reshape(n, n)
    seconds = []
    cpu_seconds = []
    p = None
    for _ in range(runs):
        start = time.perf_counter()
        cpu = time.process_time()
        p = np.linalg.inv(g)
        seconds.append(time.perf_counter() - start)
        cpu_seconds.append(time.process_time() - cpu)
    ours = np.fromfile(f"{folder}/p.bin", dtype="<f8").reshape(n, n)
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu_seconds, "max_abs_diff": float(np.abs(p - ours).max()), "max_abs": float(np.abs(p).max()), "numpy": np.__version__}))


if __name__ == "__main__":
    main()
