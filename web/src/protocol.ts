/**
 * Messages between the page and its worker. The worker owns the image, runs the library and
 * renders previews as ImageBitmaps (transferred, not copied); the page only draws them and
 * text, so neither a slow filter nor a 25-megapixel preview freezes it.
 */
import type { BorderMode, OutputShape } from '../../src/index.js';
import type { Example } from './explain-local.js';

export type Operation = 'correlate' | 'convolve';

/** How float outputs become grey levels: min…max, 0 at mid-grey, or |v|. Integer outputs show as stored. */
export type DisplayMapping = 'stretch' | 'signed' | 'magnitude';

export interface LinearParams {
  readonly kind: 'linear';
  /** Taps as entered, already multiplied by the scale factor; row-major. */
  readonly taps: number[];
  readonly rows: number;
  readonly cols: number;
  readonly operation: Operation;
  readonly border: BorderMode;
  readonly cval: number;
  readonly shape: OutputShape;
  /** Anchor in the kernel as entered; null = the library's default (kh//2, kw//2). */
  readonly anchor: [number, number] | null;
  /** `input`: the input's dtype (integers round half to even and saturate); `float`: float32 (float64 for float64 input). */
  readonly output: 'input' | 'float';
  readonly display: DisplayMapping;
}

/** The median filter (window width × height) — not a weighted sum, so no flip, shape or anchor. */
export interface MedianParams {
  readonly kind: 'median';
  readonly width: number;
  readonly height: number;
  readonly border: BorderMode;
  readonly cval: number;
  readonly display: DisplayMapping;
}

/** OpenCV's bilateral filter: a disc of this diameter, σ in grey levels and in pixels. */
export interface BilateralParams {
  readonly kind: 'bilateral';
  readonly diameter: number;
  readonly sigmaColor: number;
  readonly sigmaSpace: number;
  readonly border: BorderMode;
  readonly cval: number;
  readonly display: DisplayMapping;
}

export type FilterParams = LinearParams | MedianParams | BilateralParams;

export type Source =
  | { readonly kind: 'url'; readonly url: string; readonly name: string }
  | { readonly kind: 'file'; readonly file: File }
  | { readonly kind: 'array'; readonly name: string; readonly data: Float64Array; readonly shape: number[] };

export type CompareFilter = 'box' | 'gaussian' | 'median' | 'bilateral';

export type Request =
  | { readonly type: 'load'; readonly id: number; readonly source: Source }
  | { readonly type: 'run'; readonly id: number; readonly params: FilterParams }
  | {
      readonly type: 'explain';
      readonly id: number;
      readonly row: number;
      readonly col: number;
      readonly channel: number;
      /** Centred indices (the image's, the kernel's and the output's centre is [0, 0]). */
      readonly centered: boolean;
    }
  | {
      readonly type: 'compare';
      readonly id: number;
      readonly filter: CompareFilter;
      readonly sizes: number[];
      readonly border: BorderMode;
    };

export interface ImageInfo {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly dtype: string;
  readonly alpha: boolean;
}

export interface PlanInfo {
  readonly method: string;
  readonly backend: string;
  readonly threads: number;
  readonly reason: string;
}

/** Whether the engine's worker pool can run here (the page is cross-origin isolated), and why not. */
export interface ThreadsInfo {
  readonly available: boolean;
  readonly reason: string;
  /** Threads a large filter may use (the browser's hardwareConcurrency). */
  readonly cores: number;
  /** Pool workers started so far. */
  readonly workers: number;
}

export type Reply =
  | {
      readonly type: 'loaded';
      readonly id: number;
      readonly info: ImageInfo;
      readonly bitmap: ImageBitmap;
    }
  | {
      readonly type: 'result';
      readonly id: number;
      readonly width: number;
      readonly height: number;
      readonly dtype: string;
      readonly ms: number;
      /** The linear plan; null for the non-linear filters, which have one way to run here. */
      readonly plan: PlanInfo | null;
      /** Bands of this run on the engine's pool and how many its workers ran (0, 0 on one thread). */
      readonly pool: { readonly bands: number; readonly workerBands: number };
      readonly threads: ThreadsInfo;
      readonly range: [number, number];
      readonly bitmap: ImageBitmap;
    }
  | { readonly type: 'progress'; readonly id: number; readonly fraction: number }
  | { readonly type: 'explained'; readonly id: number; readonly example: Example }
  | {
      readonly type: 'compare-cell';
      readonly id: number;
      readonly index: number;
      readonly label: string;
      readonly ms: number;
      readonly bitmap: ImageBitmap;
    }
  | { readonly type: 'compare-done'; readonly id: number }
  | {
      readonly type: 'error';
      readonly id: number;
      readonly request: Request['type'];
      readonly message: string;
    };
