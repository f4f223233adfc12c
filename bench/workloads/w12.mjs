// W12: CNN conv2d, N=8, 64→64 channels, 56×56, 3×3, padding 1, float32 — forward pass.
// Peers: PyTorch (1 and 2 threads), tfjs (CPU and WASM backends, NHWC: their native layout).
import { w12Setup } from '../nn-w12.mjs';

export default {
  id: 'W12',
  title: 'conv2d forward N=8, 64→64, 56×56, 3×3, pad 1, float32',
  setup: (ctx) => w12Setup(ctx, 'forward'),
};
