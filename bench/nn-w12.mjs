// Shared set-up of W12 (forward) and W12B (backward): the same arrays for every peer.
import { fill, handOff, nodePeer } from './lib.mjs';

export async function w12Setup({ convkit, quick }, pass) {
  const threaded = await import('../dist/nn/threads.js');
  const [N, C, O, H, W, K] = [quick ? 1 : 8, 64, 64, 56, 56, 3];
  const x = convkit.ndarray(fill(new Float32Array(N * C * H * W), 12, 1), [N, C, H, W]);
  const w = convkit.ndarray(fill(new Float32Array(O * C * K * K), 13, 1), [O, C, K, K]);
  const gy = convkit.ndarray(fill(new Float32Array(N * O * H * W), 14, 1), [N, O, H, W]);
  const opts = { padding: 1 };
  const grads = { ...opts, gradBias: false };
  const ours =
    pass === 'forward'
      ? {
          'convkit conv2d auto=winograd (1 thread)': () => convkit.conv2d(x, w, null, opts),
          'convkit conv2d gemm (1 thread)': () => convkit.conv2d(x, w, null, { ...opts, method: 'gemm' }),
          'convkit conv2d auto=winograd (2 threads)': () =>
            threaded.conv2dThreaded(x, w, null, { ...opts, threads: 2 }),
          ...(quick
            ? {
                'convkit conv2d direct (naive loops)': () =>
                  convkit.conv2d(x, w, null, { ...opts, method: 'direct' }),
              }
            : {}),
        }
      : {
          'convkit conv2dBackward auto=winograd (1 thread)': () => convkit.conv2dBackward(x, w, gy, grads),
          'convkit conv2dBackward gemm (1 thread)': () =>
            convkit.conv2dBackward(x, w, gy, { ...grads, method: 'gemm' }),
          'convkit conv2dBackward auto=winograd (2 threads)': () =>
            threaded.conv2dBackwardThreaded(x, w, gy, { ...grads, threads: 2 }),
        };
  return {
    size: `N=${N}, ${C}→${O}, ${H}×${W}, ${K}×${K}`,
    files: [handOff(convkit, 'w12-x', x), handOff(convkit, 'w12-w', w), handOff(convkit, 'w12-gy', gy)],
    params: { pass, padding: 1 },
    reference: /^pytorch.*2 threads/,
    ours,
    nodePeers: () => tfjsPeers(pass, { N, C, O, H, W, K }, x, w, gy),
  };
}

/** tfjs on its CPU and WASM backends, in NHWC / HWIO (its layouts; transposing is not timed). */
async function tfjsPeers(pass, { N, C, O, H, W, K }, x, w, gy) {
  const tf = await nodePeer('@tensorflow/tfjs-core');
  if (!tf) return { tfjs: 'not installed (cd bench && npm install)' };
  const out = {};
  const nhwc = (a, [n, c, h, ww]) => {
    const t = new Float32Array(a.length);
    for (let b = 0; b < n; b++)
      for (let ch = 0; ch < c; ch++)
        for (let i = 0; i < h * ww; i++) t[(b * h * ww + i) * c + ch] = a[(b * c + ch) * h * ww + i];
    return t;
  };
  const hwio = new Float32Array(w.data.length);
  for (let o = 0; o < O; o++)
    for (let c = 0; c < C; c++)
      for (let k = 0; k < K * K; k++) hwio[(k * C + c) * O + o] = w.data[(o * C + c) * K * K + k];
  const xs = nhwc(x.data, [N, C, H, W]);
  const gys = nhwc(gy.data, [N, O, H, W]);
  for (const [backend, pkg] of [
    ['cpu', '@tensorflow/tfjs-backend-cpu'],
    ['wasm', '@tensorflow/tfjs-backend-wasm'],
  ]) {
    const name = `tfjs-${backend}`;
    if (!(await nodePeer(pkg))) {
      out[name] = `${pkg} not installed`;
      continue;
    }
    try {
      await tf.setBackend(backend);
      await tf.ready();
    } catch (e) {
      out[name] = `backend failed to start: ${e.message}`;
      continue;
    }
    const missing = ['Conv2DBackpropInput', 'Conv2DBackpropFilter'].filter((k) => !tf.getKernel(k, backend));
    if (pass === 'backward' && missing.length) {
      out[`${name} conv2d backward`] =
        `the ${backend} backend has no ${missing.join(', ')} kernel (no conv2d training)`;
      continue;
    }
    if (pass === 'backward' && backend === 'cpu' && N > 1) {
      // Measured here: 63 s for N=1 (its Conv2DBackpropFilter is a plain loop nest); N=8 would
      // take over eight minutes per run.
      out[`${name} conv2d backward`] = 'over 8 minutes per run at N=8; run with --quick (N=1) to time it';
      continue;
    }
    const use = async () => {
      if (tf.getBackend() !== backend) await tf.setBackend(backend);
    };
    const attrs = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined };
    out[pass === 'forward' ? `${name} conv2d` : `${name} conv2d backward`] = async () => {
      await use();
      tf.tidy(() => {
        const xt = tf.tensor4d(xs, [N, H, W, C]);
        const ft = tf.tensor4d(hwio, [K, K, C, O]);
        if (pass === 'forward') {
          tf.conv2d(xt, ft, 1, 'same').dataSync();
        } else {
          const dy = tf.tensor4d(gys, [N, H, W, O]);
          const e = tf.engine();
          e.runKernel(
            'Conv2DBackpropInput',
            { dy, filter: ft },
            { ...attrs, inputShape: [N, H, W, C] },
          ).dataSync();
          e.runKernel(
            'Conv2DBackpropFilter',
            { x: xt, dy },
            { ...attrs, filterShape: [K, K, C, O] },
          ).dataSync();
        }
      });
    };
  }
  return out;
}
