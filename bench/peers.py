"""Python peers for convkit's benchmarks: time one workload with OpenCV, SciPy, scikit-image, PyTorch.

usage: peers.py WORKLOAD REPS PARAMS_JSON INPUT.npy [MORE.npy ...]
Prints one JSON line {peer: median_ms}. A peer that is not installed is reported as a note.
Then, for each line on stdin (a JSON list of peer names), times those peers again and prints
another such line: bench/run.mjs's later rounds, interleaved with convkit's. Ends at EOF.
Run with Debian's /usr/bin/python3 (python3-opencv python3-scipy python3-skimage python3-torch).
"""
import json
import sys
import time

import numpy as np


def median_ms(fn, reps):
    """Median of `reps` timed calls after the warm-up convkit's rows get (bench/lib.mjs timeIt):
    at least 8 calls and 0.4 s, at most 1.5 s, at least one call."""
    t0 = time.perf_counter()
    i = 0
    while i == 0 or ((i < 8 or time.perf_counter() - t0 < 0.4) and time.perf_counter() - t0 < 1.5):
        fn()
        i += 1
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


def skimage():
    try:
        import skimage.filters.rank
        import skimage.morphology
        import skimage.restoration
        return skimage
    except ImportError:
        return None


def opencv_threads(fn):
    """The same OpenCV call with 1 thread and with OpenCV's default thread count."""
    cv2 = opencv()

    def run(threads):
        def go():
            cv2.setNumThreads(threads)
            fn()
        return go
    return run(1), run(-1)


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
            dst = np.empty_like(x)
            # into a reused dst (no fresh result), as convkit's `out` rows
            out["opencv filter2D into dst"] = lambda: (cv2.setNumThreads(-1), cv2.filter2D(
                x, -1, k.astype(np.float32), dst=dst, borderType=cv2.BORDER_REFLECT_101))
        if nd is not None:
            kk = k.astype(x.dtype) if x.dtype.kind == "f" else k
            if x.ndim == 3:
                kk = kk[:, :, None]  # channels filtered independently
            out["scipy ndimage.correlate"] = lambda: nd.correlate(x, kk, mode="mirror")
    if workload in ("W3", "W4"):
        (x,) = arrays
        sigma = params["sigma"]
        if cv2 is not None:
            one, many = opencv_threads(lambda: cv2.GaussianBlur(x, (0, 0), sigma, borderType=cv2.BORDER_REFLECT_101))
            out["opencv GaussianBlur (1 thread)"] = one
            out["opencv GaussianBlur"] = many
            gdst = np.empty_like(x)
            out["opencv GaussianBlur into dst"] = lambda: (cv2.setNumThreads(-1), cv2.GaussianBlur(
                x, (0, 0), sigma, dst=gdst, borderType=cv2.BORDER_REFLECT_101))
        if nd is not None:
            out["scipy ndimage.gaussian_filter"] = lambda: nd.gaussian_filter(x, sigma, mode="mirror", truncate=4.0)
    if workload == "W5":
        (x,) = arrays
        n = params["ksize"]
        if cv2 is not None:
            one, many = opencv_threads(lambda: cv2.blur(x, (n, n), borderType=cv2.BORDER_REFLECT_101))
            out["opencv blur (1 thread)"] = one
            out["opencv blur"] = many
            bdst = np.empty_like(x)
            out["opencv blur into dst"] = lambda: (cv2.setNumThreads(-1), cv2.blur(
                x, (n, n), dst=bdst, borderType=cv2.BORDER_REFLECT_101))
        if nd is not None:
            out["scipy ndimage.uniform_filter"] = lambda: nd.uniform_filter(x, size=(n, n, 1), mode="mirror")
    if workload in ("W6", "W7"):
        (x,) = arrays
        k = params["ksize"]
        if cv2 is not None:
            one, many = opencv_threads(lambda: cv2.medianBlur(x, k))
            out["opencv medianBlur (1 thread)"] = one
            out["opencv medianBlur"] = many
        sk = skimage()
        if sk is not None:
            fp = sk.morphology.square(k)
            if x.ndim == 2:
                out["scikit-image rank.median"] = lambda: sk.filters.rank.median(x, fp)
            else:
                out["scikit-image rank.median (per channel)"] = lambda: [
                    sk.filters.rank.median(np.ascontiguousarray(x[..., c]), fp) for c in range(x.shape[2])]
    if workload == "W8":
        (x,) = arrays
        d, sc, ss = params["d"], params["sigma_color"], params["sigma_space"]
        if cv2 is not None:
            one, many = opencv_threads(lambda: cv2.bilateralFilter(x, d, sc, ss))
            out["opencv bilateralFilter (1 thread)"] = one
            out["opencv bilateralFilter"] = many
        sk = skimage()
        if sk is not None:
            # float image in [0, 1]: sigma_color scales with it; a single run (it takes seconds)
            xf = x.astype(np.float64) / 255
            out["scikit-image denoise_bilateral (1 run)"] = ("once", lambda: sk.restoration.denoise_bilateral(
                xf, win_size=d, sigma_color=sc / 255, sigma_spatial=ss, channel_axis=-1))
    if workload == "W10":
        (x,) = arrays
        h, t, s = params["h"], params["template"], params["search"]
        if cv2 is not None:
            one, many = opencv_threads(lambda: cv2.fastNlMeansDenoising(x, None, h, t, s))
            out["opencv fastNlMeansDenoising (1 thread)"] = one
            out["opencv fastNlMeansDenoising"] = many
        sk = skimage()
        if sk is not None:
            xf = x.astype(np.float64) / 255
            out["scikit-image denoise_nl_means fast (1 run)"] = ("once", lambda: sk.restoration.denoise_nl_means(
                xf, h=h / 255, patch_size=t, patch_distance=s // 2, fast_mode=True))
    if workload in ("W12", "W12B"):
        out.update(torch_conv2d_peers(params, arrays))
    if workload in ("W9", "W13"):
        x, k = arrays
        k32 = k.astype(np.float32)
        if cv2 is not None:
            # filter2D switches to its DFT path for kernels this large.
            one, many = opencv_threads(lambda: cv2.filter2D(x, -1, k32, borderType=cv2.BORDER_CONSTANT))
            out["opencv filter2D (1 thread)"] = one
            out["opencv filter2D"] = many
        sig = scipy_signal()
        if sig is not None:
            out["scipy fftconvolve"] = lambda: sig.fftconvolve(x, k32, mode="same")
            out["scipy oaconvolve"] = lambda: sig.oaconvolve(x, k32, mode="same")
    if workload == "W11":
        x, t = arrays
        if cv2 is not None:
            one, many = opencv_threads(lambda: cv2.matchTemplate(x, t, cv2.TM_CCOEFF_NORMED))
            out["opencv matchTemplate (1 thread)"] = one
            out["opencv matchTemplate"] = many
        try:
            from skimage.feature import match_template
            out["skimage match_template"] = lambda: match_template(x, t)
        except ImportError:
            pass
    return out


def once_ms(fn):
    t = time.perf_counter()
    fn()
    return (time.perf_counter() - t) * 1000


_torch_threads = [None]


def torch_conv2d_peers(params, arrays):
    """PyTorch conv2d (oneDNN on x86) forward, or its backward (grad input + grad weight only)."""
    try:
        import torch
        import torch.nn.functional as F
    except ImportError:
        return {}
    x, w, gy = (torch.from_numpy(a) for a in arrays)
    pad = int(params.get("padding", 0))
    out = {}
    for threads in (1, 2):
        def run(threads=threads):
            if _torch_threads[0] != threads:
                torch.set_num_threads(threads)
                _torch_threads[0] = threads
            with torch.no_grad():
                if params.get("pass") == "forward":
                    F.conv2d(x, w, padding=pad)
                else:
                    torch.ops.aten.convolution_backward(
                        gy, x, w, None, [1, 1], [pad, pad], [1, 1], False, [0, 0], 1, [True, True, False])
        label = "conv2d" if params.get("pass") == "forward" else "conv2d backward"
        out[f"pytorch {torch.__version__.split('+')[0]} {label} ({threads} thread{'s' if threads > 1 else ''})"] = run
    return out


def scipy_signal():
    try:
        import scipy.signal as sig
        return sig
    except ImportError:
        return None


def main():
    workload, reps, params = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
    arrays = [np.load(p) for p in sys.argv[4:]]
    result = {}
    notes = []
    if opencv() is None:
        notes.append("OpenCV not installed (apt-get install python3-opencv)")
    if scipy_ndimage() is None:
        notes.append("SciPy not installed (apt-get install python3-scipy)")
    peers = peers_for(workload, params, arrays)
    for name, fn in peers.items():
        if isinstance(fn, tuple):
            result[name] = once_ms(fn[1])
        else:
            result[name] = median_ms(fn, reps)
    if notes:
        result["_note"] = "; ".join(notes)
    print(json.dumps(result), flush=True)
    for line in sys.stdin:
        names = [n for n in json.loads(line) if n in peers and not isinstance(peers[n], tuple)]
        print(json.dumps({n: median_ms(peers[n], reps) for n in names}), flush=True)


if __name__ == "__main__":
    main()
