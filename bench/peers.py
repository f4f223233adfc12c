"""Python peers for convkit's benchmarks: time one workload with OpenCV, SciPy, scikit-image, PyTorch.

usage: peers.py WORKLOAD REPS PARAMS_JSON INPUT.npy [MORE.npy ...]
Prints one JSON line {peer: median_ms}. A peer that is not installed is reported as a note.
Run with Debian's /usr/bin/python3 (python3-opencv python3-scipy python3-skimage python3-torch).
"""
import json
import sys
import time

import numpy as np


def median_ms(fn, reps):
    fn()
    ts = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t) * 1000)
    ts.sort()
    return ts[len(ts) // 2]


def opencv():
    try:
        import cv2
        return cv2
    except ImportError:
        return None


def scipy_ndimage():
    try:
        import scipy.ndimage as nd
        return nd
    except ImportError:
        return None


def peers_for(workload, params, arrays):
    """Returns {name: callable} for one workload."""
    cv2, nd = opencv(), scipy_ndimage()
    out = {}
    if workload in ("W1", "W2"):
        x, k = arrays
        if cv2 is not None:
            def cv(threads):
                def run():
                    cv2.setNumThreads(threads)
                    cv2.filter2D(x, -1, k.astype(np.float32), borderType=cv2.BORDER_REFLECT_101)
                return run
            out["opencv filter2D (1 thread)"] = cv(1)
            out["opencv filter2D"] = cv(-1)
        if nd is not None:
            out["scipy ndimage.correlate"] = lambda: nd.correlate(x, k.astype(x.dtype) if x.dtype.kind == "f" else k, mode="mirror")
    return out


def main():
    workload, reps, params = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
    arrays = [np.load(p) for p in sys.argv[4:]]
    result = {}
    notes = []
    if opencv() is None:
        notes.append("OpenCV not installed (apt-get install python3-opencv)")
    if scipy_ndimage() is None:
        notes.append("SciPy not installed (apt-get install python3-scipy)")
    for name, fn in peers_for(workload, params, arrays).items():
        result[name] = median_ms(fn, reps)
    if notes:
        result["_note"] = "; ".join(notes)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
