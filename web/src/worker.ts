/**
 * The playground's worker: holds the image, runs convkit, renders previews. Everything heavy
 * happens here so the page stays responsive with large photos and large kernels.
 */
import { type NDArray, convolve, correlate, imageDims, linearPlan, ndarray } from '../../src/index.js';
import { decodeImage } from './decode.js';
import { toRGBA } from './display.js';
import { workedExample } from './explain-local.js';
import type { DisplayMapping, LinearParams, Reply, Request } from './protocol.js';
import { boxTaps, gaussianTaps } from './taps.js';

let image: NDArray | null = null;
let last: { params: LinearParams; output: NDArray } | null = null;

const post = (reply: Reply, transfer: Transferable[] = []) => self.postMessage(reply, { transfer });

/** The preview of an array as an ImageBitmap, made here so the page only has to draw it. */
async function render(a: NDArray, mapping: DisplayMapping, amax: number) {
  const { width, height } = imageDims(a);
  const { rgba, range } = toRGBA(a, mapping, amax);
  const bitmap = await createImageBitmap(
    new ImageData(rgba as Uint8ClampedArray<ArrayBuffer>, width, height),
    {
      premultiplyAlpha: 'none',
      colorSpaceConversion: 'none',
    },
  );
  return { bitmap, range };
}

function alphaMax(a: NDArray): number {
  return a.dtype === 'uint16' ? 65535 : a.dtype === 'uint8' ? 255 : 1;
}

function options(p: LinearParams, input: NDArray) {
  const dtype = p.output === 'input' ? input.dtype : input.dtype === 'float64' ? 'float64' : 'float32';
  return {
    border: p.border,
    cval: p.cval,
    shape: p.shape,
    dtype,
    ...(p.anchor ? { anchor: p.anchor } : {}),
  } as const;
}

async function handle(req: Request): Promise<void> {
  switch (req.type) {
    case 'load': {
      // Decode first: a file that fails leaves the current image (and its result) in place.
      const src = req.source;
      let name: string;
      let next: NDArray;
      if (src.kind === 'array') {
        name = src.name;
        next = ndarray(Float64Array.from(src.data), src.shape);
      } else {
        const blob = src.kind === 'file' ? src.file : await (await fetch(src.url)).blob();
        name = src.kind === 'file' ? src.file.name : src.name;
        next = await decodeImage(blob, name);
      }
      image = next;
      last = null;
      const { width, height, channels } = imageDims(image);
      const { bitmap } = await render(image, 'stretch', alphaMax(image));
      const info = { name, width, height, channels, dtype: image.dtype, alpha: image.alpha === true };
      post({ type: 'loaded', id: req.id, info, bitmap }, [bitmap]);
      return;
    }
    case 'run': {
      if (!image) throw new Error('No image is loaded yet.');
      const p = req.params;
      const kernel = { data: Float64Array.from(p.taps), rows: p.rows, cols: p.cols };
      const opts = options(p, image);
      const plan = linearPlan(image, kernel, opts, p.operation);
      const t0 = performance.now();
      const output = (p.operation === 'convolve' ? convolve : correlate)(image, kernel, opts);
      const ms = performance.now() - t0;
      last = { params: p, output };
      const { width, height } = imageDims(output);
      const { bitmap, range } = await render(output, p.display, alphaMax(image));
      const { method, backend, threads, reason } = plan;
      post(
        {
          type: 'result',
          id: req.id,
          width,
          height,
          dtype: output.dtype,
          ms,
          plan: { method, backend, threads, reason },
          range,
          bitmap,
        },
        [bitmap],
      );
      return;
    }
    case 'explain': {
      if (!image || !last) throw new Error('There is no result to explain yet.');
      const { width, height, channels } = imageDims(last.output);
      if (req.row < 0 || req.row >= height || req.col < 0 || req.col >= width) {
        throw new RangeError(`Pixel (${req.row}, ${req.col}) is outside the ${height}×${width} result.`);
      }
      const channel = Math.min(req.channel, channels - 1);
      const example = workedExample(image, last.output, last.params, req.row, req.col, channel);
      post({ type: 'explained', id: req.id, example });
      return;
    }
    case 'compare': {
      if (!image) throw new Error('No image is loaded yet.');
      const input = image;
      for (let index = 0; index < req.sizes.length; index++) {
        const n = req.sizes[index];
        const g = req.filter === 'gaussian' ? gaussianTaps(n) : null;
        const taps = g ? g.taps : boxTaps(n);
        const t0 = performance.now();
        // Two 1-D passes (rows, then columns) through the public correlate; the float64
        // intermediate keeps the result equal to the 2-D outer-product kernel's.
        const across = correlate(input, taps, { border: req.border, dtype: 'float64' });
        const down = correlate(
          across,
          taps.map((v) => [v]),
          { border: req.border, dtype: input.dtype },
        );
        const ms = performance.now() - t0;
        const { width, height } = imageDims(down);
        const { bitmap } = await render(down, 'stretch', alphaMax(input));
        const label = g ? `${n}×${n}, σ = ${g.sigma.toFixed(2)}` : `${n}×${n}`;
        post({ type: 'compare-cell', id: req.id, index, label, width, height, ms, bitmap }, [bitmap]);
      }
      post({ type: 'compare-done', id: req.id });
      return;
    }
  }
}

// Requests run one at a time, in order: a run that arrives while an image is being decoded
// waits for it.
let queue: Promise<void> = Promise.resolve();
self.onmessage = (e: MessageEvent<Request>) => {
  const req = e.data;
  queue = queue.then(() =>
    handle(req).catch((err: unknown) => {
      const message = err instanceof Error ? err.message : `Unexpected error: ${String(err)}`;
      post({ type: 'error', id: req.id, request: req.type, message });
    }),
  );
};
