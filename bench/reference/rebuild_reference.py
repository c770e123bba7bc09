"""Reference for bench/rebuild.bench.ts: the original notebook's method in numpy/scipy on the
same ratings file, stage by stage.

  matrix      user-mean-centered CSR (users x movies), missing entries 0
  svd         scipy.sparse.linalg.svds(k) (ARPACK)
  similarity  cosine of the rows of V * Sigma, top-K other movies per movie (argpartition)
  recs        per user: mean + (U Sigma) V^T over unrated movies, top-N (argpartition)

Similarity and recommendations are computed in row blocks so the dense score blocks stay small
(ML-25M: 62k movies would need 31 GB as one matrix).

Usage: /usr/bin/python3 bench/reference/rebuild_reference.py RATINGS_FILE K TOPK RECSN RUNS
Prints one JSON line: {"parse": s, "runs": [{"matrix": s, "svd": s, "similarity": s, "recs": s, "total": s, "cpu": s}],
"peak_rss_mb": MB, "singular_values": [...], "numpy": v, "scipy": v}.
"""
import json
import resource
import sys
import time

import numpy as np
import pandas as pd
import scipy
from scipy.sparse import csr_matrix
from scipy.sparse.linalg import svds

BLOCK = 1024


def read_ratings(path):
    if path.endswith(".csv"):
        df = pd.read_csv(path, usecols=[0, 1, 2], dtype={"userId": np.int32, "movieId": np.int32, "rating": np.float32})
        return df.iloc[:, 0].to_numpy(), df.iloc[:, 1].to_numpy(), df.iloc[:, 2].to_numpy()
    # ML-1M `user::movie::rating::timestamp`: split on ':' and keep fields 0, 2, 4.
    df = pd.read_csv(path, sep=":", header=None, usecols=[0, 2, 4], dtype=np.int64, engine="c")
    return df[0].to_numpy(np.int32), df[2].to_numpy(np.int32), df[4].to_numpy(np.float32)


def top_k_rows(scores, k):
    """Indices of the k largest entries of each row, sorted by score descending."""
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    order = np.argsort(-np.take_along_axis(scores, part, axis=1), axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1)


def rebuild(users, movies, ratings, k, topk, recsn):
    t = {}
    start = time.perf_counter()
    uids, u = np.unique(users, return_inverse=True)
    mids, m = np.unique(movies, return_inverse=True)
    means = np.bincount(u, weights=ratings) / np.bincount(u)
    a = csr_matrix((ratings - means[u], (u, m)), shape=(len(uids), len(mids)))
    a.sort_indices()
    t["matrix"] = time.perf_counter() - start

    s0 = time.perf_counter()
    U, s, vt = svds(a, k=k, random_state=0)
    t["svd"] = time.perf_counter() - s0

    s0 = time.perf_counter()
    x = vt.T * s
    norms = np.linalg.norm(x, axis=1)
    norms[norms == 0] = 1
    xn = x / norms[:, None]
    n_movies = xn.shape[0]
    similar = np.empty((n_movies, topk), dtype=np.int32)
    for b in range(0, n_movies, BLOCK):
        sims = xn[b : b + BLOCK] @ xn.T
        rows = np.arange(sims.shape[0])
        sims[rows, b + rows] = -np.inf
        similar[b : b + BLOCK] = top_k_rows(sims, topk)
    t["similarity"] = time.perf_counter() - s0

    s0 = time.perf_counter()
    us = U * s
    n_users = us.shape[0]
    recs = np.empty((n_users, recsn), dtype=np.int32)
    for b in range(0, n_users, BLOCK):
        pred = means[b : b + BLOCK, None] + us[b : b + BLOCK] @ vt
        block = a[b : b + BLOCK]
        pred[np.repeat(np.arange(block.shape[0]), np.diff(block.indptr)), block.indices] = -np.inf
        recs[b : b + BLOCK] = top_k_rows(pred, recsn)
    t["recs"] = time.perf_counter() - s0
    t["total"] = time.perf_counter() - start
    return t, np.sort(s)[::-1]


def main():
    path, k, topk, recsn, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    s0 = time.perf_counter()
    users, movies, ratings = read_ratings(path)
    parse = time.perf_counter() - s0
    out = []
    s = None
    for _ in range(runs):
        cpu = time.process_time()
        t, s = rebuild(users, movies, ratings.astype(np.float64), k, topk, recsn)
        t["cpu"] = time.process_time() - cpu
        out.append(t)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"parse": parse, "runs": out, "peak_rss_mb": peak, "singular_values": s[:10].tolist(), "numpy": np.__version__, "scipy": scipy.__version__}))


if __name__ == "__main__":
    main()
