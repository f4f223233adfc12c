// The WebAssembly SIMD bilateral filter (uint8, 1 and 3 channels) and non-local means (uint8
// planes) against the plain-TypeScript loops: bit-identical on random images of every size
// the vector loops treat specially (widths below, at and past multiples of 4, images smaller
// than the window or the search area), every border, several bands, and on the worker pool.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bilateralFilter, ndarray, nlMeans } from '../../src/index.js';
import { lastBilateralRun } from '../../src/nonlinear/bilateral.js';
import { bilateralPairTuning, setBilateralPairTuning } from '../../src/nonlinear/bilateral-simd.js';
import type { BorderMode } from '../../src/border/border.js';
import { simdStatus } from '../../src/engine/simd.js';
import { setPoolCrossover } from '../../src/engine/backend.js';
import { lastPoolRun, setCallerClaims, warmPoolAsync } from '../../src/engine/pool.js';

const MODES: BorderMode[] = ['constant', 'replicate', 'symmetric', 'mirror', 'wrap'];

function randomBytes(n: number, seed: number, levels: number): Uint8Array {
  let s = seed >>> 0;
  return Uint8Array.from({ length: n }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return Math.round(((s >>> 24) % levels) * (255 / (levels - 1)));
  });
}

/** A smooth ramp with noise: realistic weights (not all ~0 as on pure noise with a small h). */
function noisyRamp(h: number, w: number, c: number, seed: number, noise: number): Uint8Array {
  const r = randomBytes(h * w * c, seed, 256);
  return r.map((v, i) => {
    const x = Math.floor(i / c) % w;
    const y = Math.floor(i / (w * c));
    return Math.max(
      0,
      Math.min(255, Math.round(128 + 100 * Math.sin(x / 7 + y / 11) + ((v - 128) * noise) / 128)),
    );
  });
}

test('bilateral/nlmeans simd: Node runs the WebAssembly SIMD loops (so the properties below test them)', () => {
  assert.equal(simdStatus().available, true, simdStatus().reason);
});

test('bilateral simd equals plain TypeScript on random uint8 images (1 and 3 channels, all borders)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 19 }),
      fc.oneof(fc.integer({ min: 1, max: 30 }), fc.constantFrom(3, 4, 5, 7, 8, 9, 33)),
      fc.constantFrom(1, 3),
      fc.integer({ min: -1, max: 11 }),
      fc.double({ min: 0.5, max: 300, noNaN: true }),
      fc.double({ min: 0.3, max: 8, noNaN: true }),
      fc.constantFrom(...MODES),
      fc.integer({ min: 0, max: 255 }),
      fc.integer(),
      fc.constantFrom(2, 5, 256),
      (h, w, c, diameter, sc, ss, border, cval, seed, levels) => {
        const data = randomBytes(h * w * c, seed, levels);
        const x = ndarray(data, c === 1 ? [h, w] : [h, w, c]);
        const copy = Uint8Array.from(data);
        const got = bilateralFilter(x, diameter, sc, ss, { backend: 'wasm', threads: 1, border, cval });
        const want = bilateralFilter(x, diameter, sc, ss, { backend: 'js', border, cval });
        assert.deepEqual(got.shape, x.shape);
        assert.deepEqual(got.data, want.data, `${h}×${w}×${c} d=${diameter} ${sc}/${ss} ${border}`);
        assert.deepEqual(data, copy);
      },
    ),
    { numRuns: 150 },
  );
});

test('bilateral simd: certified f32 sums where safe, exact recomputation near half-integers (1 and 3 channels)', () => {
  // uniform noise puts a few % of the groups of four pixels near a rounding tie; small
  // σ_color gives subnormal and zero weights
  for (const c of [1, 3])
    for (const [sc, ss, d] of [
      [75, 75, 9],
      [4, 2, 7],
      [0.6, 3, 5],
      [1000, 1.5, 0],
    ]) {
      const x = ndarray(randomBytes(61 * 83 * c, sc * 7 + d + c, 256), c === 1 ? [61, 83] : [61, 83, c]);
      const got = bilateralFilter(x, d, sc, ss, { backend: 'wasm', threads: 1 });
      const { groups, redone } = lastBilateralRun;
      assert.equal(groups, 61 * 11 * 2);
      if (sc === 75) assert.ok(redone > 0 && redone < groups / 5, `${c}: ${redone} of ${groups} recomputed`);
      assert.deepEqual(
        got.data,
        bilateralFilter(x, d, sc, ss, { backend: 'js' }).data,
        `${c} channels, σc ${sc}`,
      );
    }
});

test('bilateral simd, 3 channels: every pixel listed for the exact recomputation, four per vector, equals plain TypeScript', () => {
  const saved = { ...bilateralPairTuning };
  try {
    for (const on of [true, false])
      for (const [h, w] of [
        [13, 83],
        [5, 8],
        [9, 1],
      ]) {
        setBilateralPairTuning({ on, recomputeAll: true, tile: 16, bandRows: 4 });
        const x = ndarray(randomBytes(h * w * 3, h * 31 + w, 256), [h, w, 3]);
        const got = bilateralFilter(x, 9, 75, 75, { backend: 'wasm', threads: 1 });
        // each row lists its 8-pixel steps' lanes (those past the row included): 2 vectors per step
        assert.equal(lastBilateralRun.redone, lastBilateralRun.groups, `${h}×${w} pairs ${on}`);
        assert.deepEqual(
          got.data,
          bilateralFilter(x, 9, 75, 75, { backend: 'js' }).data,
          `${h}×${w} pairs ${on}`,
        );
      }
    // One white pixel on black: only the pixels of its disc (radius 4) have a quotient above 0,
    // so only they are listed — rows of 1, 5, 7, 7, 9, 7, 7, 5, 1 pixels, which take
    // 1 + 2 + 2 + 2 + 3 + 2 + 2 + 2 + 1 = 17 vectors (partly filled ones included).
    for (const on of [true, false]) {
      setBilateralPairTuning({ on, recomputeAll: true, tile: 16, bandRows: 64 });
      const x = ndarray(new Uint8Array(20 * 24 * 3), [20, 24, 3]);
      x.data.fill(255, (10 * 24 + 7) * 3, (10 * 24 + 8) * 3);
      const got = bilateralFilter(x, 9, 75, 75, { backend: 'wasm', threads: 1 });
      assert.equal(lastBilateralRun.redone, 17, `one white pixel, pairs ${on}`);
      assert.deepEqual(got.data, bilateralFilter(x, 9, 75, 75, { backend: 'js' }).data);
    }
  } finally {
    setBilateralPairTuning(saved);
  }
});

test('bilateral simd, 3 channels, pair-weight loop: small column tiles and bands (tile, band and ring edges) and the per-pixel loop equal plain TypeScript', () => {
  const saved = { ...bilateralPairTuning };
  try {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 70 }),
        fc.integer({ min: -1, max: 13 }),
        fc.double({ min: 0.5, max: 300, noNaN: true }),
        fc.double({ min: 0.3, max: 8, noNaN: true }),
        fc.constantFrom(...MODES),
        fc.constantFrom(8, 16, 24, 256),
        fc.integer({ min: 1, max: 20 }),
        fc.boolean(),
        fc.integer(),
        fc.constantFrom(2, 5, 256),
        (h, w, diameter, sc, ss, border, tile, bandRows, on, seed, levels) => {
          setBilateralPairTuning({ tile, bandRows, on });
          const x = ndarray(randomBytes(h * w * 3, seed, levels), [h, w, 3]);
          const got = bilateralFilter(x, diameter, sc, ss, { backend: 'wasm', threads: 1, border, cval: 7 });
          const want = bilateralFilter(x, diameter, sc, ss, { backend: 'js', border, cval: 7 });
          assert.deepEqual(
            got.data,
            want.data,
            `${h}×${w} d=${diameter} ${sc}/${ss} ${border} tile ${tile} band ${bandRows} ${on}`,
          );
        },
      ),
      { numRuns: 120 },
    );
  } finally {
    setBilateralPairTuning(saved);
  }
});

test('nlmeans simd equals plain TypeScript on random uint8 images of 1 and 2 channels (templates, search windows, tiny images)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 40 }),
      fc.oneof(fc.integer({ min: 1, max: 40 }), fc.constantFrom(4, 5, 8, 9, 13)),
      fc.constantFrom(1, 3, 5, 7),
      fc.constantFrom(0, 1, 2, 3, 7),
      fc.double({ min: 1, max: 40, noNaN: true }),
      fc.integer(),
      fc.constantFrom(0, 10, 40, 255),
      fc.constantFrom(1, 2),
      (h, w, T, extra, hh, seed, noise, c) => {
        const S = T + 2 * extra;
        // two channels: compared together (the a*, b* path of colour images)
        const data = noisyRamp(h, w, c, seed, noise);
        const x = ndarray(data, c === 1 ? [h, w] : [h, w, c]);
        const copy = Uint8Array.from(data);
        const opts = { templateSize: T, searchSize: S };
        const got = nlMeans(x, hh, { ...opts, backend: 'wasm', threads: 1 });
        const want = nlMeans(x, hh, { ...opts, backend: 'js' });
        assert.deepEqual(got.data, want.data, `${h}×${w}×${c} T=${T} S=${S} h=${hh}`);
        assert.deepEqual(data, copy);
      },
    ),
    { numRuns: 60 },
  );
});

test('bilateral and nlmeans simd over several bands, colour nlmeans (L* on SIMD), equal plain TypeScript', () => {
  // 3 channels × 2000 columns: bands of ~43 rows, so 100 rows are 3 bands
  const bil = ndarray(noisyRamp(100, 2000, 3, 5, 60), [100, 2000, 3]);
  assert.deepEqual(
    bilateralFilter(bil, 5, 40, 3, { backend: 'wasm', threads: 1 }).data,
    bilateralFilter(bil, 5, 40, 3, { backend: 'js' }).data,
  );
  // 150 rows: bands of 64 rows (the last one short)
  const g = ndarray(noisyRamp(150, 61, 1, 9, 40), [150, 61]);
  assert.deepEqual(
    nlMeans(g, 12, { backend: 'wasm', threads: 1 }).data,
    nlMeans(g, 12, { backend: 'js' }).data,
  );
  const rgb = ndarray(noisyRamp(70, 33, 3, 11, 40), [70, 33, 3]);
  assert.deepEqual(
    nlMeans(rgb, 9, { hColor: 7, backend: 'wasm', threads: 1 }).data,
    nlMeans(rgb, 9, { hColor: 7, backend: 'js' }).data,
  );
});

test('bilateral and nlmeans simd on the worker pool equal plain TypeScript (bands run by workers)', async () => {
  const old = setPoolCrossover(0);
  after(() => {
    setPoolCrossover(old);
    setCallerClaims(true);
  });
  assert.equal(await warmPoolAsync(3), 2);
  const bil = ndarray(noisyRamp(130, 2000, 3, 3, 60), [130, 2000, 3]);
  const g = ndarray(noisyRamp(200, 47, 1, 4, 40), [200, 47]);
  const wantBil = bilateralFilter(bil, 5, 40, 3, { backend: 'js' }).data;
  const wantNlm = nlMeans(g, 12, { backend: 'js' }).data;
  const rgb = ndarray(noisyRamp(200, 29, 3, 6, 40), [200, 29, 3]);
  const wantRgb = nlMeans(rgb, 9, { hColor: 6, backend: 'js' }).data;
  // with the caller claiming too, a busy machine may let it run every band; without, the
  // workers run them all
  const ranOnPool = (callerToo: boolean) => {
    assert.ok(lastPoolRun.bands >= 3, JSON.stringify(lastPoolRun));
    if (!callerToo) assert.equal(lastPoolRun.workerBands, lastPoolRun.bands);
  };
  for (const callerToo of [true, false]) {
    setCallerClaims(callerToo);
    assert.deepEqual(bilateralFilter(bil, 5, 40, 3, { backend: 'wasm', threads: 3 }).data, wantBil);
    ranOnPool(callerToo);
    assert.deepEqual(nlMeans(g, 12, { backend: 'wasm', threads: 3 }).data, wantNlm);
    ranOnPool(callerToo);
    assert.deepEqual(nlMeans(rgb, 9, { hColor: 6, backend: 'wasm', threads: 3 }).data, wantRgb);
    ranOnPool(callerToo);
  }
});
