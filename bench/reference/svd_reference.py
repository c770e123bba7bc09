"""Reference for bench/svd.bench.ts: scipy.sparse.linalg.svds (ARPACK, k=50) on the same
mean-centered CSR matrix, written by the bench as raw little-endian arrays.

Usage: /usr/bin/python3 bench/reference/svd_reference.py DIR K RUNS
Prints one JSON line: {"seconds": [...], "cpu_seconds": [...] (all threads), "singular_values": [...], "scipy": version}.
"""
import json
import sys
import time

import numpy as np
import scipy
from scipy.sparse import csr_matrix
from scipy.sparse.linalg import svds


def main() -> None:
    folder, k, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    with open(f"{folder}/shape.json") as f:
        shape = json.load(f)
    indptr = np.fromfile(f"{folder}/indptr.bin", dtype="<i4")
    indices = np.fromfile(f"{folder}/indices.bin", dtype="<i4")
    values = np.fromfile(f"{folder}/values.bin", dtype="<f8")
    a = csr_matrix((values, indices, indptr), shape=(shape["rows"], shape["cols"]))
    seconds = []
    cpu_seconds = []
    s = None
    for run in range(runs):
        start = time.perf_counter()
        cpu = time.process_time()
        _, s, _ = svds(a, k=k, random_state=run)
        seconds.append(time.perf_counter() - start)
        cpu_seconds.append(time.process_time() - cpu)
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu_seconds, "singular_values": sorted(s.tolist(), reverse=True), "scipy": scipy.__version__}))


if __name__ == "__main__":
    main()
