"""Makes test/fixtures/golden/nonlinear: median, bilateral, non-local means and 8-bit L*a*b*
cases beyond the shared `filters` suite, from OpenCV 4.6 and SciPy 1.10 (Debian packages).

    /usr/bin/python3 test/golden/make-nonlinear.py

Same manifest format as the shared suites (see test/fixtures/golden/README.md).
"""
import json
import os

import cv2
import numpy as np
import scipy.ndimage as ndi

OUT = os.path.join(os.path.dirname(__file__), "..", "fixtures", "golden", "nonlinear")
NDI = {"constant": "constant", "replicate": "nearest", "symmetric": "reflect", "mirror": "mirror", "wrap": "grid-wrap"}
rng = np.random.default_rng(20240607)
cases = []


def save(cid, tag, arr):
    name = f"{cid}.{tag}.npy"
    np.save(os.path.join(OUT, name), arr)
    return name


def smooth_noisy(h, w, c, sigma=18.0, dtype=np.uint8, top=255):
    yy, xx = np.mgrid[0:h, 0:w]
    base = (np.sin(xx / 6.0) * np.cos(yy / 5.0) * 0.35 + 0.5) * top
    if c:
        base = np.stack([np.roll(base, 3 * k, axis=1) * (0.6 + 0.2 * k) for k in range(c)], -1)
    noisy = base + rng.normal(0, sigma * top / 255.0, size=base.shape)
    return np.clip(np.round(noisy), 0, top).astype(dtype)


os.makedirs(OUT, exist_ok=True)
n = 0
# median, uint8 against OpenCV (odd widths exercise the pairwise network tails)
for k, (h, w, c) in [(3, (23, 31, None)), (5, (19, 37, 3)), (5, (7, 9, None)), (9, (40, 53, None)), (45, (60, 71, None))]:
    x = rng.integers(0, 256, size=(h, w) if c is None else (h, w, c)).astype(np.uint8)
    y = cv2.medianBlur(x, k)
    cid = f"med{n:02d}"; n += 1
    cases.append({"id": cid, "op": "median", "ksize": [k, k], "border": "replicate", "dtype": "uint8",
                  "input": save(cid, "in", x), "expected": save(cid, "out", y), "tolerance": {"max_abs_diff": 0},
                  "cross_checked_with": ["cv2.medianBlur"],
                  "cli": ["median", "IN", "--ksize", str(k), "--border", "replicate", "-o", "OUT"]})
# median, other dtypes and rectangular windows against SciPy (size = (rows, cols))
for (kw, kh), border, dt in [((3, 5), "constant", np.uint16), ((4, 2), "wrap", np.float32), ((7, 7), "mirror", np.uint16),
                              ((5, 5), "symmetric", np.float64), ((1, 6), "replicate", np.float32), ((8, 3), "mirror", np.uint8)]:
    x = rng.normal(100, 40, size=(17, 26))
    x = np.clip(x, 0, 255).astype(dt) if dt in (np.uint8, np.uint16) else np.round(x, 2).astype(dt)
    y = ndi.median_filter(x, size=(kh, kw), mode=NDI[border])
    cid = f"med{n:02d}"; n += 1
    cases.append({"id": cid, "op": "median", "ksize": [kw, kh], "border": border, "dtype": str(x.dtype),
                  "input": save(cid, "in", x), "expected": save(cid, "out", y), "tolerance": {"abs": 0},
                  "cross_checked_with": ["scipy.ndimage.median_filter"],
                  "cli": ["median", "IN", "--ksize", f"{kw}x{kh}", "--border", border, "-o", "OUT"]})
# bilateral against OpenCV: uint8 is bit-exact; float32 within float32 accumulation
for (h, w, c), d, sc, ss, dt in [((31, 45, None), 5, 25.0, 4.0, np.uint8), ((28, 33, 3), 0, 40.0, 2.6, np.uint8),
                                  ((26, 29, 3), 6, 60.0, 9.0, np.uint8), ((40, 41, None), 15, 12.0, 20.0, np.uint8),
                                  ((24, 30, None), 7, 0.2, 3.0, np.float32), ((20, 22, 3), 5, 30.0, 2.0, np.float32)]:
    x = smooth_noisy(h, w, c)
    if dt == np.float32:
        x = (x.astype(np.float32) / 255.0 if sc < 1 else x.astype(np.float32))
    y = cv2.bilateralFilter(x, d, sc, ss)
    cid = f"bil{n:02d}"; n += 1
    tol = {"max_abs_diff": 0} if dt == np.uint8 else {"abs": 0, "rel": 1e-5}
    cases.append({"id": cid, "op": "bilateral", "diameter": d, "sigma_color": sc, "sigma_space": ss, "border": "mirror",
                  "dtype": str(x.dtype), "input": save(cid, "in", x), "expected": save(cid, "out", y), "tolerance": tol,
                  "cross_checked_with": ["cv2.bilateralFilter"],
                  "cli": ["bilateral", "IN", "--diameter", str(d), "--sigma-color", repr(sc), "--sigma-space", repr(ss), "-o", "OUT"]})
# non-local means against OpenCV, bit-exact (integer weights)
for (h, w, c), hh, hc, t, s in [((36, 41, None), 10.0, None, 7, 21), ((9, 13, None), 12.0, None, 7, 21), ((30, 31, None), 5.0, None, 3, 9),
                                 ((25, 40, 3), 9.0, 5.0, 5, 15), ((21, 26, 4), 7.0, None, 7, 11), ((33, 35, 2), 11.0, None, 5, 13),
                                 ((20, 24, None), 25.0, None, 1, 5)]:
    x = smooth_noisy(h, w, c)
    if c in (3, 4):
        y = cv2.fastNlMeansDenoisingColored(x, None, hh, hc or hh, t, s)
        if c == 4:
            y[..., 3] = x[..., 3]  # convkit keeps a 4th channel as it is; OpenCV sets it to 255
        peer = "cv2.fastNlMeansDenoisingColored"
    else:
        y = cv2.fastNlMeansDenoising(x, None, hh, t, s)
        peer = "cv2.fastNlMeansDenoising"
    cid = f"nlm{n:02d}"; n += 1
    cli = ["nlmeans", "IN", "--h", repr(hh), "--template", str(t), "--search", str(s), "-o", "OUT"]
    if hc:
        cli += ["--h-color", repr(hc)]
    cases.append({"id": cid, "op": "nlmeans", "h": hh, "h_color": hc, "template": t, "search": s, "dtype": "uint8",
                  "input": save(cid, "in", x), "expected": save(cid, "out", y), "tolerance": {"max_abs_diff": 0},
                  "cross_checked_with": [peer], "cli": cli})
# 8-bit L*a*b*: colours spread over the cube, and every 7th Lab triple back
v = np.arange(0, 256 ** 3, 4099, dtype=np.int64)
x = np.stack([(v >> 16) & 255, (v >> 8) & 255, v & 255], -1).astype(np.uint8).reshape(1, -1, 3)
cid = f"lab{n:02d}"; n += 1
cases.append({"id": cid, "op": "lbgr2lab", "dtype": "uint8", "input": save(cid, "in", x),
              "expected": save(cid, "out", cv2.cvtColor(x, cv2.COLOR_LBGR2Lab)), "tolerance": {"max_abs_diff": 0},
              "cross_checked_with": ["cv2.cvtColor COLOR_LBGR2Lab"]})
v = np.arange(0, 256 ** 3, 7 * 257, dtype=np.int64)
x = np.stack([(v >> 16) & 255, (v >> 8) & 255, v & 255], -1).astype(np.uint8).reshape(1, -1, 3)
cid = f"lab{n:02d}"; n += 1
cases.append({"id": cid, "op": "lab2lbgr", "dtype": "uint8", "input": save(cid, "in", x),
              "expected": save(cid, "out", cv2.cvtColor(x, cv2.COLOR_Lab2LBGR)), "tolerance": {"max_abs_diff": 0},
              "cross_checked_with": ["cv2.cvtColor COLOR_Lab2LBGR"]})

with open(os.path.join(OUT, "manifest.json"), "w") as f:
    json.dump({"suite": "nonlinear", "generator": "test/golden/make-nonlinear.py",
               "peers": f"OpenCV {cv2.__version__}, SciPy (ndimage)", "cases": cases}, f, indent=1)
print(len(cases), "cases in", OUT)
