#!/usr/bin/env python3
"""Makes test/fixtures/explain: expected outputs for convkit's border pictures and compare grids.

  - pad-*.npy: numpy.pad of a small uint8 RGB image in every border mode (NumPy's names:
    constant, edge, symmetric, reflect, wrap = convkit's constant, replicate, symmetric,
    mirror, wrap), pad 3 and pad 9 (wider than the image);
  - box-*.npy: OpenCV cv2.blur (normalized box, BORDER_REFLECT_101 unless named) of a crop
    of samples/astronaut.png (uint8 RGB) and of a random float32 image;
  - gauss-*.npy: OpenCV cv2.GaussianBlur(crop, (N, N), 0) (σ from the size), as the lecture's figures.

Run with Debian's python3-numpy and python3-opencv:  /usr/bin/python3 scripts/make-explain-fixtures.py
"""
import json
import os

import cv2
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'test', 'fixtures', 'explain')
os.makedirs(OUT, exist_ok=True)
rng = np.random.default_rng(7)
cases = {'pad': [], 'box': []}

small = rng.integers(0, 256, size=(5, 7, 3), dtype=np.uint8)
np.save(os.path.join(OUT, 'pad.in.npy'), small)
NUMPY_MODE = {'constant': 'constant', 'replicate': 'edge', 'symmetric': 'symmetric', 'mirror': 'reflect', 'wrap': 'wrap'}
for pad in (3, 9):
    for mode, np_mode in NUMPY_MODE.items():
        for cval in ([0, 200] if mode == 'constant' else [None]):
            kw = {'constant_values': cval} if cval is not None else {}
            # Pad each axis on its own, with equal widths, so NumPy's wrap stays periodic.
            out = np.pad(small, ((pad, pad), (0, 0), (0, 0)), mode=np_mode, **kw)
            out = np.pad(out, ((0, 0), (pad, pad), (0, 0)), mode=np_mode, **kw)
            name = f'pad-{mode}{"" if cval is None else cval}-{pad}.npy'
            np.save(os.path.join(OUT, name), out)
            cases['pad'].append({'mode': mode, 'cval': cval or 0, 'pad': pad, 'expected': name})

astro = cv2.cvtColor(cv2.imread(os.path.join(ROOT, 'samples', 'astronaut.png')), cv2.COLOR_BGR2RGB)
crop = np.ascontiguousarray(astro[200:237, 180:221])
np.save(os.path.join(OUT, 'box-rgb.in.npy'), crop)
for n in (3, 5, 9, 15):
    name = f'box-rgb-{n}.npy'
    np.save(os.path.join(OUT, name), cv2.blur(crop, (n, n)))
    cases['box'].append({'input': 'box-rgb.in.npy', 'size': n, 'border': 'mirror', 'expected': name})

for n in (5, 15):
    name = f'gauss-rgb-{n}.npy'
    np.save(os.path.join(OUT, name), cv2.GaussianBlur(crop, (n, n), 0))
    cases.setdefault('gaussian', []).append({'input': 'box-rgb.in.npy', 'size': n, 'border': 'mirror', 'expected': name})

gray = rng.random((23, 29)).astype(np.float32)
np.save(os.path.join(OUT, 'box-f32.in.npy'), gray)
CV_BORDER = {'mirror': cv2.BORDER_REFLECT_101, 'replicate': cv2.BORDER_REPLICATE,
             'constant': cv2.BORDER_CONSTANT, 'symmetric': cv2.BORDER_REFLECT}
for n, border in ((5, 'mirror'), (7, 'replicate'), (4, 'constant'), (9, 'symmetric')):
    name = f'box-f32-{n}-{border}.npy'
    np.save(os.path.join(OUT, name), cv2.blur(gray, (n, n), borderType=CV_BORDER[border]))
    cases['box'].append({'input': 'box-f32.in.npy', 'size': n, 'border': border, 'expected': name})

with open(os.path.join(OUT, 'manifest.json'), 'w') as f:
    json.dump({'about': 'made by scripts/make-explain-fixtures.py (NumPy %s, OpenCV %s)' % (np.__version__, cv2.__version__),
               'cases': cases}, f, indent=1)
print('wrote', OUT)
