#!/usr/bin/python3
"""Makes test/fixtures/golden/conv2d-extra: PyTorch conv2d / conv_transpose2d cases beyond the
shared conv2d suite ('same' padding with even kernels and dilation, stride with dilation and
groups, depthwise with a channel multiplier, 1x1 kernels, K > one GEMM block, float32, and
transposed convolutions with dilation, groups, bias and output padding >= stride).

Same manifest format as ../shared/golden. Run with Debian's python3-torch:
    /usr/bin/python3 test/golden/make-conv2d-extra.py
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "golden", "conv2d-extra")
torch.manual_seed(8)


def pair(v):
    return list(v) if isinstance(v, (tuple, list)) else [v, v]


def text(v):
    return ",".join(str(a) for a in v) if isinstance(v, list) else str(v)


def main():
    os.makedirs(OUT, exist_ok=True)
    cases = []

    def save(cid, name, t, dtype):
        fname = f"{cid}.{name}.npy"
        np.save(os.path.join(OUT, fname), t.detach().numpy().astype(dtype))
        return fname

    conv = [
        dict(N=2, C=3, H=7, W=8, O=4, k=(2, 4), stride=1, padding="same", dilation=(2, 1), groups=1, bias=True),
        dict(N=1, C=4, H=15, W=13, O=6, k=(3, 3), stride=2, padding=2, dilation=2, groups=2, bias=True),
        dict(N=2, C=3, H=9, W=10, O=6, k=(3, 5), stride=(2, 1), padding=(1, 2), dilation=1, groups=3, bias=True),
        dict(N=1, C=2, H=10, W=17, O=3, k=(2, 3), stride=(1, 3), padding=(0, 3), dilation=(2, 1), groups=1, bias=False),
        dict(N=3, C=5, H=6, W=7, O=4, k=(1, 1), stride=1, padding=0, dilation=1, groups=1, bias=True),
        dict(N=1, C=4, H=9, W=9, O=8, k=(1, 1), stride=2, padding=1, dilation=1, groups=4, bias=False),
        dict(N=1, C=40, H=6, W=7, O=5, k=(3, 3), stride=1, padding=1, dilation=1, groups=1, bias=True),
        dict(N=2, C=4, H=12, W=11, O=6, k=(3, 3), stride=2, padding="valid", dilation=1, groups=2, bias=True,
             dtype="float32"),
        dict(N=1, C=2, H=5, W=6, O=3, k=(4, 4), stride=1, padding="same", dilation=1, groups=1, bias=False),
    ]
    for n, c in enumerate(conv):
        dtype = c.get("dtype", "float64")
        tdtype = torch.float64 if dtype == "float64" else torch.float32
        cid = f"x{n:02d}"
        x = torch.randn(c["N"], c["C"], c["H"], c["W"], dtype=tdtype, requires_grad=True)
        w = torch.randn(c["O"], c["C"] // c["groups"], *c["k"], dtype=tdtype, requires_grad=True)
        b = torch.randn(c["O"], dtype=tdtype, requires_grad=True) if c["bias"] else None
        y = F.conv2d(x, w, b, stride=c["stride"], padding=c["padding"], dilation=c["dilation"], groups=c["groups"])
        gy = torch.randn_like(y)
        y.backward(gy)
        padding = c["padding"] if isinstance(c["padding"], str) else pair(c["padding"])
        tol = {"abs": 1e-9, "rel": 1e-9} if dtype == "float64" else {"abs": 1e-5, "rel": 1e-5}
        case = {"id": cid, "op": "conv2d", "stride": pair(c["stride"]), "padding": padding,
                "dilation": pair(c["dilation"]), "groups": c["groups"], "dtype": dtype,
                "layout": "input NCHW, weight OIHW (I = C/groups), output NCHW; cross-correlation",
                "input": save(cid, "x", x, dtype), "weight": save(cid, "w", w, dtype),
                "expected": save(cid, "y", y, dtype), "grad_output": save(cid, "gy", gy, dtype),
                "expected_grad_input": save(cid, "gx", x.grad, dtype),
                "expected_grad_weight": save(cid, "gw", w.grad, dtype),
                "tolerance": tol, "cross_checked_with": ["torch.nn.functional.conv2d"]}
        cli = ["conv2d", "--input", "IN", "--weight", "WEIGHT"]
        if b is not None:
            case["bias"] = save(cid, "b", b, dtype)
            case["expected_grad_bias"] = save(cid, "gb", b.grad, dtype)
            cli += ["--bias", "BIAS"]
        cli += ["--stride", text(case["stride"]), "--padding", text(padding), "--dilation", text(case["dilation"]),
                "--groups", str(c["groups"]), "--grad-output", "GRAD_OUT", "-o", "OUT",
                "--grad-input", "OUT_GRAD_INPUT", "--grad-weight", "OUT_GRAD_WEIGHT"]
        if b is not None:
            cli += ["--grad-bias", "OUT_GRAD_BIAS"]
        case["cli"] = cli
        cases.append(case)

    transpose = [
        dict(C=4, O=6, H=5, W=4, k=(3, 3), stride=1, padding=1, outpad=1, dilation=2, groups=2, bias=True),
        dict(C=2, O=3, H=4, W=5, k=(2, 3), stride=(3, 2), padding=(2, 1), outpad=(2, 1), dilation=1, groups=1,
             bias=True),
        dict(C=3, O=3, H=6, W=6, k=(3, 3), stride=2, padding=0, outpad=0, dilation=1, groups=3, bias=False),
    ]
    for n, c in enumerate(transpose):
        cid = f"xt{n:02d}"
        x = torch.randn(2, c["C"], c["H"], c["W"], dtype=torch.float64)
        w = torch.randn(c["C"], c["O"] // c["groups"], *c["k"], dtype=torch.float64)
        b = torch.randn(c["O"], dtype=torch.float64) if c["bias"] else None
        y = F.conv_transpose2d(x, w, b, stride=c["stride"], padding=c["padding"], output_padding=c["outpad"],
                               groups=c["groups"], dilation=c["dilation"])
        case = {"id": cid, "op": "conv-transpose2d", "stride": pair(c["stride"]), "padding": pair(c["padding"]),
                "output_padding": pair(c["outpad"]), "dilation": pair(c["dilation"]), "groups": c["groups"],
                "dtype": "float64", "layout": "input NCHW, weight (C_in, C_out/groups, kH, kW) as in PyTorch",
                "input": save(cid, "x", x, "float64"), "weight": save(cid, "w", w, "float64"),
                "expected": save(cid, "y", y, "float64"), "tolerance": {"abs": 1e-9, "rel": 1e-9},
                "cross_checked_with": ["torch.nn.functional.conv_transpose2d"]}
        cli = ["conv-transpose2d", "--input", "IN", "--weight", "WEIGHT"]
        if b is not None:
            case["bias"] = save(cid, "b", b, "float64")
            cli += ["--bias", "BIAS"]
        cli += ["--stride", text(case["stride"]), "--padding", text(case["padding"]),
                "--output-padding", text(case["output_padding"]), "--dilation", text(case["dilation"]),
                "--groups", str(c["groups"]), "-o", "OUT"]
        case["cli"] = cli
        cases.append(case)

    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump({"suite": "conv2d-extra", "about": f"PyTorch {torch.__version__} conv2d/conv_transpose2d cases "
                   "beyond the shared conv2d suite; made by test/golden/make-conv2d-extra.py",
                   "cases": cases}, f, indent=1)
    print(len(cases), "cases")


if __name__ == "__main__":
    main()
