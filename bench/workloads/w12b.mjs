// W12B: the backward pass of W12 — grad_input and grad_weight from grad_output (no forward).
import { w12Setup } from '../nn-w12.mjs';

export default {
  id: 'W12B',
  title: 'conv2d backward (grad input + grad weight) of W12',
  setup: (ctx) => w12Setup(ctx, 'backward'),
};
