"""Near-duplicate complaint texts: MinHash signatures and LSH banding, vectorised in numpy.

Template scripts (话术) make a ring's complaints read alike even when the ring rotates its
phones and devices. Character 4-gram shingles are hashed once for all texts together, each
of ``num_perm`` hash functions is applied to the whole shingle array, and the per-text
minimum is taken with ``np.minimum.reduceat`` — no Python loop over shingles. Candidate
pairs come from LSH bands (``bands × rows = num_perm``); each candidate's Jaccard similarity
is then estimated from its signatures.
"""

from __future__ import annotations

import base64

import numpy as np
import pandas as pd

_MAX = np.iinfo(np.uint64).max
_MIX = np.uint64(0x9E3779B97F4A7C15)


def char_grams(text: str, k: int = 4) -> set[str]:
    """The set of character ``k``-grams of ``text`` (the shingles every similarity here uses).

    >>> sorted(char_grams("停息挂账", 2))
    ['停息', '息挂', '挂账']
    """
    return {text[i:i + k] for i in range(max(0, len(text) - k + 1))}


def jaccard(a: set, b: set) -> float:
    """Jaccard similarity of two sets (0 when both are empty)."""
    u = len(a | b)
    return len(a & b) / u if u else 0.0


def _codepoints(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    arrs = [np.frombuffer("".join(str(t).split()).encode("utf-32-le"), dtype=np.uint32)
            for t in texts]
    lens = np.fromiter((len(a) for a in arrs), dtype=np.int64, count=len(arrs))
    cp = np.concatenate(arrs).astype(np.uint64) if arrs else np.zeros(0, np.uint64)
    return cp, lens


def minhash_signatures(texts: list[str], num_perm: int = 24, k: int = 4,
                       seed: int = 20250501) -> np.ndarray:
    """MinHash signatures (``len(texts) × num_perm``, uint64) of character ``k``-gram sets.

    Whitespace is ignored; a text shorter than ``k`` characters has no shingles and gets a
    signature of maximal values (it matches nothing).

    Examples
    --------
    >>> sig = minhash_signatures(["我因疫情失业无力还款请求停息挂账", "我因疫情失业无力还款请求停息挂帐",
    ...                           "催收人员凌晨打电话骚扰我的家人"])
    >>> bool(estimate_similarity(sig, np.array([0]), np.array([1]))[0] > 0.5)
    True
    >>> float(estimate_similarity(sig, np.array([0]), np.array([2]))[0]) < 0.2
    True
    """
    n = len(texts)
    sig = np.full((n, num_perm), _MAX, dtype=np.uint64)
    cp, lens = _codepoints(texts)
    if len(cp) < k:
        return sig
    starts = np.concatenate([[0], np.cumsum(lens)[:-1]])
    m = len(cp) - k + 1
    with np.errstate(over="ignore"):
        h = np.zeros(m, dtype=np.uint64)
        for j in range(k):
            h = h * np.uint64(1_000_003) + cp[j:j + m]
    owner = np.repeat(np.arange(n), lens)[:m]
    valid = np.arange(m) + k <= (starts + lens)[owner]
    h, owner = h[valid], owner[valid]
    if not len(h):
        return sig
    seg_start = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    has = owner[seg_start]
    rng = np.random.default_rng(seed)
    a = rng.integers(1, 2**62, num_perm, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, 2**62, num_perm, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for p in range(num_perm):
            x = h * a[p] + b[p]
            x ^= x >> np.uint64(31)
            x *= _MIX
            sig[has, p] = np.minimum.reduceat(x, seg_start)
    return sig


def estimate_similarity(sig: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Estimated Jaccard similarity of rows ``a[i]`` and ``b[i]`` (share of equal minima)."""
    if not len(a):
        return np.zeros(0)
    eq = (sig[a] == sig[b]) & (sig[a] != _MAX)
    return eq.mean(axis=1)


def similar_pairs(sig: np.ndarray, bands: int = 8, min_similarity: float = 0.5,
                  max_bucket: int = 50) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs ``(i < j)`` whose estimated similarity reaches ``min_similarity``.

    Buckets larger than ``max_bucket`` are skipped: boilerplate that hundreds of genuine
    complaints share is not a script of one ring.
    """
    n, num_perm = sig.shape
    rows = num_perm // bands
    if n < 2 or rows == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    found_a, found_b = [], []
    idx = np.arange(n)
    blank = (sig == _MAX).all(axis=1)
    for band in range(bands):
        block = sig[:, band * rows:(band + 1) * rows]
        with np.errstate(over="ignore"):
            key = np.zeros(n, dtype=np.uint64)
            for r in range(rows):
                key = key * _MIX + block[:, r]
        key = key[~blank]
        who = idx[~blank]
        order = np.argsort(key, kind="stable")
        key, who = key[order], who[order]
        cut = np.flatnonzero(np.r_[True, key[1:] != key[:-1], True])
        sizes = np.diff(cut)
        for s, size in zip(cut[:-1][(sizes >= 2) & (sizes <= max_bucket)],
                           sizes[(sizes >= 2) & (sizes <= max_bucket)]):
            e = s + size
            members = np.sort(who[s:e])
            i, j = np.triu_indices(size, k=1)
            found_a.append(members[i])
            found_b.append(members[j])
    if not found_a:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    pairs = np.unique(np.column_stack([np.concatenate(found_a), np.concatenate(found_b)]),
                      axis=0)
    sim = estimate_similarity(sig, pairs[:, 0], pairs[:, 1])
    keep = sim >= min_similarity
    return pairs[keep, 0], pairs[keep, 1], sim[keep]


def shingles(text: str, k: int = 4) -> set[str]:
    """Character ``k``-grams of ``text`` with whitespace removed (the text itself when
    shorter than ``k``; nothing when empty).

    >>> sorted(shingles("停息 挂账", k=3))
    ['停息挂', '息挂账']
    """
    t = "".join(str(text).split())
    return {t[i:i + k] for i in range(max(1, len(t) - k + 1))} if t else set()


def mean_jaccard(texts: list[str], k: int = 4) -> float:
    """Mean pairwise Jaccard similarity of the texts' character ``k``-gram sets (exact).

    >>> mean_jaccard(["我因疫情失业无力还款", "我因疫情失业无力还款"])
    1.0
    """
    sims = pairwise_jaccard([shingles(t, k) for t in texts])
    return float(np.mean(sims)) if len(sims) else 0.0


def pairwise_jaccard(sets: list[set]) -> np.ndarray:
    """Exact Jaccard similarity of every pair ``i < j`` of ``sets`` (row-major order),
    pairs of two empty sets left out. Intersections are counted per element over the sets
    that hold it (vectorised), not per pair of sets in Python.

    >>> pairwise_jaccard([{"a", "b"}, {"b"}, set()]).tolist()
    [0.5, 0.0, 0.0]
    """
    n = len(sets)
    if n < 2:
        return np.zeros(0)
    size = np.array([len(s) for s in sets], dtype=np.int64)
    owner = np.repeat(np.arange(n), size)
    flat = np.empty(len(owner), dtype=object)
    flat[:] = [x for s in sets for x in s]
    elem = pd.factorize(flat)[0].astype(np.int64)
    order = np.argsort(elem, kind="stable")        # owners stay ascending per element
    elem, owner = elem[order], owner[order]
    start = np.flatnonzero(np.r_[True, elem[1:] != elem[:-1]]) if len(elem) else elem
    run = np.diff(np.r_[start, len(elem)])
    after = np.repeat(run, run) - 1 - (np.arange(len(elem)) - np.repeat(start, run))
    left = np.repeat(np.arange(len(elem)), after)
    right = left + 1 + (np.arange(len(left)) - np.repeat(np.cumsum(after) - after, after))
    inter = np.bincount(owner[left] * n + owner[right], minlength=n * n).reshape(n, n)
    i, j = np.triu_indices(n, k=1)
    union = size[i] + size[j] - inter[i, j]
    keep = union > 0
    return inter[i, j][keep] / union[keep]


def _random_pairs(n: int, pairs: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``pairs`` random pairs of distinct indices below ``n`` (the same pairs for texts and
    for their signatures, so both background estimates compare like with like)."""
    rng = np.random.default_rng(seed)
    a = rng.integers(0, n, pairs)
    return a, (a + rng.integers(1, n, pairs)) % n


def background_similarity(texts: list[str], pairs: int = 400, seed: int = 0,
                          k: int = 4) -> float:
    """Mean Jaccard similarity of ``pairs`` random pairs of distinct texts: how alike
    unrelated texts of *this* data are, so "a shared script" can be judged relative to it.

    >>> background_similarity(["甲乙丙丁戊", "子丑寅卯辰"], pairs=5)
    0.0
    """
    n = len(texts)
    if n < 2:
        return 0.0
    a, b = _random_pairs(n, pairs, seed)
    sims = []
    for i, j in zip(a.tolist(), b.tolist()):
        x, y = shingles(texts[i], k), shingles(texts[j], k)
        if x or y:
            sims.append(len(x & y) / len(x | y))
    return float(np.mean(sims)) if sims else 0.0


# Signatures instead of texts: a pooled store (ringgraph.pool) holds no complaint text, only
# each text's MinHash signature, so the scoring signals compare signatures instead.
SHARE_PERM = 128   # permutations of a shared signature: ~0.04 error on one pair's estimate


def signatures_to_text(sig: np.ndarray) -> list[str]:
    """One base64 string per signature row, keeping the low 32 bits of each minimum
    (b-bit MinHash: two different minima agree by chance once in 2³², which moves no
    estimate), so a shared signature of 128 values is 684 characters.

    >>> signatures_to_text(np.array([[1, 255]], dtype=np.uint64))
    ['AAAAAQAAAP8=']
    """
    low = np.ascontiguousarray((np.asarray(sig, np.uint64) & np.uint64(0xFFFFFFFF))
                               .astype(">u4"))
    return [base64.b64encode(row.tobytes()).decode("ascii") for row in low]


def signatures_from_text(values) -> np.ndarray:
    """Inverse of :func:`signatures_to_text` (uint64 rows; a blank signature, or an empty
    value, is all maximal values and matches nothing).

    >>> signatures_from_text(["AAAAAQAAAP8=", ""]).tolist()[0]
    [1, 255]
    """
    vals = ["" if v is None or v != v else str(v) for v in values]
    raw = [base64.b64decode(v) if v else b"" for v in vals]
    width = max((len(r) for r in raw), default=0) // 4
    out = np.full((len(vals), width), _MAX, dtype=np.uint64)
    full = [i for i, r in enumerate(raw) if width and len(r) == 4 * width]
    if full:
        low = np.frombuffer(b"".join(raw[i] for i in full), dtype=">u4").reshape(len(full), width)
        out[full] = np.where(low == 0xFFFFFFFF, _MAX, low.astype(np.uint64))
    return out


def mean_signature_similarity(sig: np.ndarray) -> float:
    """Mean pairwise estimated Jaccard of signature rows (``mean_jaccard`` of the texts,
    estimated).

    >>> s = minhash_signatures(["我因疫情失业无力还款", "我因疫情失业无力还款"], num_perm=16)
    >>> mean_signature_similarity(s)
    1.0
    """
    n = len(sig)
    if n < 2:
        return 0.0
    a, b = np.triu_indices(n, k=1)
    return float(estimate_similarity(sig, a, b).mean())


def background_signature_similarity(sig: np.ndarray, pairs: int = 400, seed: int = 0) -> float:
    """:func:`background_similarity` estimated from signatures (same random pairs)."""
    n = len(sig)
    if n < 2:
        return 0.0
    a, b = _random_pairs(n, pairs, seed)
    both_blank = (sig[a] == _MAX).all(axis=1) & (sig[b] == _MAX).all(axis=1)
    sims = estimate_similarity(sig, a, b)[~both_blank]
    return float(sims.mean()) if len(sims) else 0.0
