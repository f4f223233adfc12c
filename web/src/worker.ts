/**
 * The playground's worker: holds the image, runs convkit, renders previews. Everything heavy
 * happens here so the page stays responsive with large photos and large kernels.
 */
import {
  type NDArray,
  bilateralFilter,
  boxFilter,
  convolve,
  correlate,
  engineInfo,
  explain,
  explanationToText,
  formulaOf,
  gaussianBlur,
  gaussianSigmaForSize,
  imageDims,
  medianFilter,
  ndarray,
  planConvolve,
  planCorrelate,
  workersReady,
} from '../../src/index.js';
import { lastPoolRun } from '../../src/engine/pool.js';
import { decodeImage } from './decode.js';
import { toRGBA } from './display.js';
import { fmt } from './format.js';
import { type LinearExample, bilateralExample, medianExample } from './explain-local.js';
import type {
  DisplayMapping,
  FilterParams,
  LinearParams,
  PlanInfo,
  Reply,
  Request,
  ThreadsInfo,
} from './protocol.js';

let image: NDArray | null = null;
let last: { params: FilterParams; output: NDArray } | null = null;

const post = (reply: Reply, transfer: Transferable[] = []) => self.postMessage(reply, { transfer });

// Where the page is cross-origin isolated this worker may block on shared memory, so the
// engine's pool runs large filters on every core. Its workers start now, while the first image
// decodes: a run never waits for them, and without them only filters worth a worker's start-up
// (tens of millions of taps) would be spread.
const engine = engineInfo();
if (engine.pool && engine.cores > 1) void workersReady(engine.cores);

/** What the status line says about threads. */
function threadsInfo(): ThreadsInfo {
  const e = engineInfo();
  return { available: e.pool, reason: e.poolReason, cores: e.cores, workers: e.workers };
}

/** Reports progress of request `id` at most every 100 ms (the non-linear filters call often). */
function progressTo(id: number) {
  let sent = performance.now();
  return (fraction: number) => {
    const now = performance.now();
    if (now - sent < 100) return;
    sent = now;
    post({ type: 'progress', id, fraction });
  };
}

/** Runs one filter; the linear ones also say how (their plan). */
function apply(input: NDArray, p: FilterParams, id: number): { output: NDArray; plan: PlanInfo | null } {
  const onProgress = progressTo(id);
  if (p.kind === 'median') {
    return {
      output: medianFilter(input, [p.width, p.height], { border: p.border, cval: p.cval, onProgress }),
      plan: null,
    };
  }
  if (p.kind === 'bilateral') {
    const opts = { border: p.border, cval: p.cval, onProgress };
    return { output: bilateralFilter(input, p.diameter, p.sigmaColor, p.sigmaSpace, opts), plan: null };
  }
  const kernel = { data: Float64Array.from(p.taps), rows: p.rows, cols: p.cols };
  const opts = options(p, input);
  const { method, backend, threads, reason } = (p.operation === 'convolve' ? planConvolve : planCorrelate)(
    input,
    kernel,
    opts,
  );
  const output = (p.operation === 'convolve' ? convolve : correlate)(input, kernel, opts);
  return { output, plan: { method, backend, threads, reason } };
}

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
      const t0 = performance.now();
      lastPoolRun.bands = lastPoolRun.workerBands = 0;
      const { output, plan } = apply(image, p, req.id);
      // Linear filters and the small medians may run on the pool: what its workers did.
      const pool = { bands: lastPoolRun.bands, workerBands: lastPoolRun.workerBands };
      const ms = performance.now() - t0;
      last = { params: p, output };
      const { width, height } = imageDims(output);
      const { bitmap, range } = await render(output, p.display, alphaMax(image));
      const threads = threadsInfo();
      post(
        {
          type: 'result',
          id: req.id,
          width,
          height,
          dtype: output.dtype,
          ms,
          plan,
          pool,
          threads,
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
      const p = last.params;
      const at = [image, last.output] as const;
      const example =
        p.kind === 'median'
          ? medianExample(...at, p, req.row, req.col, channel)
          : p.kind === 'bilateral'
            ? bilateralExample(...at, p, req.row, req.col, channel)
            : linearExample(image, last.output, p, req.row, req.col, channel, req.centered);
      post({ type: 'explained', id: req.id, example });
      return;
    }
    case 'compare': {
      if (!image) throw new Error('No image is loaded yet.');
      const input = image;
      for (let index = 0; index < req.sizes.length; index++) {
        const n = req.sizes[index];
        const t0 = performance.now();
        let out: NDArray;
        let label = `${n}×${n}`;
        if (req.filter === 'median') {
          out = medianFilter(input, n, { border: req.border });
        } else if (req.filter === 'bilateral') {
          out = bilateralFilter(input, n, 75, 75, { border: req.border });
          label = `d = ${n}, σ 75, 75`;
        } else if (req.filter === 'gaussian') {
          // OpenCV's GaussianBlur rule: σ from the size.
          out = gaussianBlur(input, { sigma: 0, ksize: n, border: req.border });
          label += `, σ = ${fmt(gaussianSigmaForSize(n), 3)}`;
        } else {
          out = boxFilter(input, { ksize: n, border: req.border });
        }
        const ms = performance.now() - t0;
        const { bitmap } = await render(out, 'stretch', alphaMax(input));
        post({ type: 'compare-cell', id: req.id, index, label, ms, bitmap }, [bitmap]);
      }
      post({ type: 'compare-done', id: req.id });
      return;
    }
  }
}

/** The library's worked example of output pixel (row, col), zero-based, in either indexing. */
function linearExample(
  input: NDArray,
  output: NDArray,
  p: LinearParams,
  row: number,
  col: number,
  channel: number,
  centered: boolean,
): LinearExample {
  const { height, width, channels } = imageDims(output);
  const kernel = { data: Float64Array.from(p.taps), rows: p.rows, cols: p.cols };
  const opts = options(p, input);
  // Centred indices count from the output's centre, [size//2] in each axis.
  const at: [number, number] = centered ? [row - (height >> 1), col - (width >> 1)] : [row, col];
  const e = explain(input, kernel, { ...opts, at, op: p.operation, channel, centered });
  return {
    kind: 'linear',
    row,
    col,
    channel,
    channels,
    explanation: e,
    stored: output.data[(row * width + col) * channels + channel],
    premultiplied: input.alpha === true && channel < channels - 1,
    text: explanationToText(e),
    formula: formulaOf(e),
  };
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
