/**
 * The playground page: wires the controls to the worker and draws what comes back.
 * The page never filters anything itself; the worker runs convkit (see worker.ts).
 */
import {
  BORDER_MODES,
  BORDER_PICTOGRAMS,
  type BorderMode,
  type Kernel,
  OUTPUT_SHAPES,
  type OutputShape,
  bilateralSpec,
  flipKernel,
  kernelInfo,
  paddedLetterGrid,
  parseInlineKernel,
} from '../../src/index.js';
import astronautUrl from '../../samples/astronaut.png?url';
import cameraUrl from '../../samples/camera.png?url';
import { channelNames, renderExample } from './explain-view.js';
import { fmt, fmtMs } from './format.js';
import { KernelEditor, MAX_SIZE } from './kernel-editor.js';
import { PRESETS, cellsFor } from './presets.js';
import type {
  CompareFilter,
  DisplayMapping,
  FilterParams,
  ImageInfo,
  LinearParams,
  Operation,
  Reply,
  Request,
  Source,
  ThreadsInfo,
} from './protocol.js';

// ---------------------------------------------------------------------------------------------
// Samples

/** The lecture notes' printed 7×7 example image (0/1), as in the golden suite `seed`. */
const LECTURE_IMAGE = [
  [0, 1, 1, 1, 0, 0, 0],
  [0, 0, 1, 1, 1, 0, 0],
  [0, 0, 0, 1, 1, 1, 0],
  [0, 0, 0, 1, 1, 0, 0],
  [0, 0, 1, 1, 0, 0, 0],
  [0, 1, 1, 0, 0, 0, 0],
  [1, 1, 0, 0, 0, 0, 0],
];

interface Sample {
  readonly id: string;
  readonly label: string;
  readonly licence: string;
  readonly source: () => Source;
}

const absolute = (url: string) => new URL(url, document.baseURI).href;

const SAMPLES: readonly Sample[] = [
  {
    id: 'astronaut',
    label: 'Astronaut (512×512 colour)',
    licence:
      'Astronaut: NASA photograph of Eileen Collins; no known copyright restrictions (public domain). From scikit-image’s data.',
    source: () => ({ kind: 'url', url: absolute(astronautUrl), name: 'astronaut.png' }),
  },
  {
    id: 'camera',
    label: 'Camera man (512×512 gray)',
    licence: 'Camera man: CC0, photographer Lav Varshney. From scikit-image’s data.',
    source: () => ({ kind: 'url', url: absolute(cameraUrl), name: 'camera.png' }),
  },
  {
    id: 'lecture',
    label: 'Lecture 7×7 example (0 and 1)',
    licence:
      'The lecture notes’ worked 7×7 example; with the X mask and shape “valid” it gives the printed 5×5 result.',
    source: () => ({
      kind: 'array',
      name: 'lecture 7×7',
      data: Float64Array.from(LECTURE_IMAGE.flat()),
      shape: [7, 7],
    }),
  },
];

// ---------------------------------------------------------------------------------------------
// Elements

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const sampleSelect = $<HTMLSelectElement>('sample');
const licence = $('licence');
const fileInput = $<HTMLInputElement>('file');
const drop = $('drop');
const filterSelect = $<HTMLSelectElement>('filter');
const linearControls = $('linear-controls');
const medianControls = $('median-controls');
const bilateralControls = $('bilateral-controls');
const medianWidth = $<HTMLInputElement>('median-width');
const medianHeight = $<HTMLInputElement>('median-height');
const bilateralD = $<HTMLInputElement>('bilateral-d');
const bilateralSc = $<HTMLInputElement>('bilateral-sc');
const bilateralSs = $<HTMLInputElement>('bilateral-ss');
const flipControls = $('flip-controls');
const shapeBox = $('shape-box');
const outputRow = $('output-row');
const presetSelect = $<HTMLSelectElement>('preset');
const paramsRow = $('params-row');
const paramsInput = $<HTMLInputElement>('preset-params');
const paramsHelp = $('params-help');
const rowsSelect = $<HTMLSelectElement>('krows');
const colsSelect = $<HTMLSelectElement>('kcols');
const scaleInput = $<HTMLInputElement>('scale');
const kernelError = $('kernel-error');
const facts = $('facts');
const anchorRow = $<HTMLSelectElement>('anchor-row');
const anchorCol = $<HTMLSelectElement>('anchor-col');
const laidGrid = $('laid-grid');
const laidCaption = $('laid-caption');
const bordersBox = $('borders');
const cvalInput = $<HTMLInputElement>('cval');
const cvalRow = $('cval-row');
const shapesBox = $('shapes');
const outputSelect = $<HTMLSelectElement>('output');
const displaySelect = $<HTMLSelectElement>('display');
const displayRow = $('display-row');
const status = $('status');
const threadsNote = $('threads-note');
const message = $('message');
const stopButton = $<HTMLButtonElement>('stop');
const originalCanvas = $<HTMLCanvasElement>('original');
const resultCanvas = $<HTMLCanvasElement>('result');
const originalCaption = $('original-caption');
const resultCaption = $('result-caption');
const footprint = $('footprint');
const pixelMark = $('pixel-mark');
const pxRow = $<HTMLInputElement>('px-row');
const pxCol = $<HTMLInputElement>('px-col');
const pxChannel = $<HTMLSelectElement>('px-channel');
const indicesSelect = $<HTMLSelectElement>('indices');
const explainBox = $('explain');
const compareFilter = $<HTMLSelectElement>('compare-filter');
const compareBorder = $<HTMLSelectElement>('compare-border');
const compareRun = $<HTMLButtonElement>('compare-run');
const compareNote = $('compare-note');
const compareGrid = $('compare-grid');

const option = (value: string, text: string) =>
  Object.assign(document.createElement('option'), { value, text });

// ---------------------------------------------------------------------------------------------
// State

let filter: FilterParams['kind'] = 'linear';
let operation: Operation = 'convolve';
let border: BorderMode = 'constant';
let shape: OutputShape = 'same';
let image: ImageInfo | null = null;
let source: Source | null = null;
/** The params of the result on screen (for the worked example and click mapping). */
let shown: FilterParams | null = null;
let outSize: { width: number; height: number; channels: number } | null = null;
let selected: { row: number; col: number } | null = null;

// ---------------------------------------------------------------------------------------------
// Worker

let worker: Worker;
let nextId = 1;
let runInFlight = 0;
let runPending = false;
let changedAt = 0;
let firstResultMs: number | null = null;
let stopTimer = 0;

function startWorker(): void {
  worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  worker.onmessage = (e: MessageEvent<Reply>) => receive(e.data);
  worker.onerror = (e) => {
    e.preventDefault();
    showMessage(`The worker failed: ${e.message || 'unknown error'}. Reload the page to start again.`);
  };
}

function send(req: Request): void {
  worker.postMessage(req);
}

function load(src: Source): void {
  clearMessage();
  // A result or comparison still being computed would be thrown away: end it now rather than
  // make the new image wait behind it.
  if (runInFlight || compareRun.disabled) restartWorker();
  runInFlight = 0;
  runPending = false;
  setBusy(true, 'Decoding the image…');
  send({ type: 'load', id: nextId++, source: src });
  pendingSource = src;
}
let pendingSource: Source | null = null;

/** Asks for a new result; while one is being computed, only the latest request waits. */
function requestRun(): void {
  changedAt = performance.now();
  // Read now, so that a bad cell is reported at once, even while a result is being computed.
  const params = readParams();
  if (runInFlight) {
    // The newest settings are read again when the current result arrives.
    runPending = true;
    return;
  }
  if (!params || !image) return;
  runInFlight = nextId++;
  setBusy(true, 'Computing…');
  send({ type: 'run', id: runInFlight, params });
  pendingParams = params;
}
let pendingParams: FilterParams | null = null;

function afterRun(): void {
  runInFlight = 0;
  if (runPending) {
    runPending = false;
    const since = changedAt;
    requestRun();
    changedAt = since;
  }
  // The waiting settings may not run (a kernel cell that is not a number): then nothing is busy.
  if (!runInFlight) setBusy(false);
}

/** Says how many threads large filters get here, and when only one, why and what would help. */
function showThreads(t: ThreadsInfo): void {
  threadsNote.dataset.pool = String(t.available);
  if (t.available) {
    threadsNote.textContent = `Threads: large filters use up to ${t.cores} (this page is cross-origin isolated); small ones run on one, where starting threads would cost more than it saves.`;
  } else if (/cross-origin isolated/.test(t.reason)) {
    threadsNote.textContent =
      `Threads: one. This host does not send the cross-origin isolation headers ` +
      `(Cross-Origin-Opener-Policy: same-origin, Cross-Origin-Embedder-Policy: require-corp), so ` +
      `the browser gives the page no shared memory and every filter runs on one core` +
      (t.cores > 1 ? ` of ${t.cores}.` : '.') +
      ` Results are the same; served with those headers, large filters run faster.`;
  } else {
    threadsNote.textContent = `Threads: one (${t.reason}).`;
  }
}

function receive(r: Reply): void {
  switch (r.type) {
    case 'loaded': {
      workerHasImage = true;
      image = r.info;
      source = pendingSource;
      draw(originalCanvas, r.bitmap);
      originalCaption.textContent = `Original — ${r.info.name}, ${r.info.width}×${r.info.height}, ${describeChannels(r.info)}, ${r.info.dtype}`;
      selected = { row: Math.floor(r.info.height / 2), col: Math.floor(r.info.width / 2) };
      setBusy(false);
      updateShapeLabels();
      updateDisplayRow();
      if (suppressRun) suppressRun = false;
      else requestRun();
      return;
    }
    case 'result': {
      if (r.id !== runInFlight) return;
      shown = pendingParams;
      const channels = image?.channels ?? 1;
      outSize = { width: r.width, height: r.height, channels };
      draw(resultCanvas, r.bitmap);
      resultCanvas.classList.remove('stale');
      sizeFrames();
      const now = performance.now();
      if (firstResultMs === null) {
        firstResultMs = now;
        status.dataset.firstResultMs = now.toFixed(1);
      }
      status.dataset.computeMs = r.ms.toFixed(2);
      status.dataset.updateMs = (now - changedAt).toFixed(1);
      const plan = r.plan
        ? ` · plan: ${r.plan.method}, ${r.plan.backend.toUpperCase()}, ${r.plan.threads} thread${r.plan.threads === 1 ? '' : 's'}`
        : '';
      const pool =
        r.pool.bands > 0 ? ` · ${r.pool.workerBands} of ${r.pool.bands} bands on worker threads` : '';
      status.textContent = `${r.width}×${r.height} ${r.dtype} in ${fmtMs(r.ms)}${plan}${pool}`;
      status.title = r.plan?.reason ?? '';
      status.dataset.threads = String(r.plan?.threads ?? 1);
      status.dataset.bands = String(r.pool.bands);
      status.dataset.workerBands = String(r.pool.workerBands);
      showThreads(r.threads);
      const [lo, hi] = r.range;
      resultCaption.textContent = `Result — ${describeFilter(shown)}, ${r.width}×${r.height} ${r.dtype}, values ${fmt(lo)} … ${fmt(hi)}`;
      clearMessage();
      updatePixelInputs();
      explain();
      afterRun();
      return;
    }
    case 'progress':
      if (r.id === runInFlight) status.textContent = `Computing… ${Math.round(r.fraction * 100)}%`;
      return;
    case 'explained':
      renderExample(explainBox, r.example);
      return;
    case 'compare-cell':
      fillCompareCell(r.index, r.label, r.ms, r.bitmap);
      return;
    case 'compare-done':
      compareRun.disabled = false;
      compareNote.textContent = compareNote.textContent?.replace('Computing…', 'Done.') ?? '';
      return;
    case 'error':
      if (r.request === 'load') {
        setBusy(false);
        showMessage(r.message);
        if (image) sampleSelect.value = currentSampleValue();
        // A restarted worker lost the previous image: give it back (the page still shows it).
        if (!workerHasImage && source) {
          const why = r.message;
          load(source);
          showMessage(why);
        }
      } else if (r.request === 'run') {
        if (r.id !== runInFlight) return;
        showMessage(r.message);
        resultCanvas.classList.add('stale');
        afterRun();
      } else if (r.request === 'compare') {
        compareRun.disabled = false;
        compareNote.textContent = r.message;
      } else {
        explainBox.textContent = r.message;
      }
      return;
  }
}

function setBusy(busy: boolean, text = ''): void {
  document.body.classList.toggle('busy', busy);
  clearTimeout(stopTimer);
  stopButton.hidden = true;
  if (busy) {
    status.dataset.busy = 'true';
    if (text) status.textContent = text;
    // Offer Stop only for work that takes a while.
    stopTimer = window.setTimeout(() => (stopButton.hidden = false), 600);
  } else {
    delete status.dataset.busy;
  }
}

/** Replaces the worker, ending whatever it computes; the new one has no image until one is loaded. */
function restartWorker(): void {
  worker.terminate();
  startWorker();
  workerHasImage = false;
  runPending = false;
  runInFlight = 0;
  compareRun.disabled = false;
}
let workerHasImage = false;

/** Ends a long computation, then reloads the current image without computing again. */
function stop(): void {
  restartWorker();
  if (source) load(source);
  suppressRun = true;
  resultCanvas.classList.add('stale');
  showMessage('Stopped. Change a setting to compute again (a smaller kernel or image is faster).');
}
/** Set by Stop: the reloaded image waits for the next change instead of recomputing at once. */
let suppressRun = false;

// ---------------------------------------------------------------------------------------------
// Drawing

function draw(canvas: HTMLCanvasElement, bitmap: ImageBitmap): void {
  const { width, height } = bitmap;
  canvas.width = width;
  canvas.height = height;
  canvas.getContext('2d')?.drawImage(bitmap, 0, 0);
  bitmap.close();
  canvas.classList.toggle('pixelated', width < 200 && height < 200);
}

/** Both images at one scale, so `full` and `valid` results show their true size against the input. */
function sizeFrames(): void {
  if (!image || !outSize) return;
  const maxW = Math.max(image.width, outSize.width);
  (originalCanvas.parentElement as HTMLElement).style.width = `${(100 * image.width) / maxW}%`;
  (resultCanvas.parentElement as HTMLElement).style.width = `${(100 * outSize.width) / maxW}%`;
  placeMarkers();
}

function describeChannels(info: ImageInfo): string {
  return info.channels === 1
    ? 'gray'
    : info.channels === 3
      ? 'RGB'
      : info.channels === 4
        ? 'RGBA'
        : `${info.channels} channels`;
}

function showMessage(text: string): void {
  message.textContent = text;
  message.hidden = false;
}

function clearMessage(): void {
  message.hidden = true;
  message.textContent = '';
}

// ---------------------------------------------------------------------------------------------
// Kernel

const editor = new KernelEditor($<HTMLTableElement>('kernel-grid'), () => onKernelChange());

for (let n = 1; n <= MAX_SIZE; n++) {
  rowsSelect.append(option(String(n), String(n)));
  colsSelect.append(option(String(n), String(n)));
}
for (const group of new Set(PRESETS.map((p) => p.group))) {
  const g = Object.assign(document.createElement('optgroup'), { label: group });
  for (const p of PRESETS.filter((q) => q.group === group)) g.append(option(p.id, p.name));
  presetSelect.append(g);
}
presetSelect.append(option('custom', 'Custom (edited)'));

/**
 * Fills the editor from a preset and its parameter string (the preset's own when omitted).
 * A parameter error, or a kernel wider than the editor, is shown instead.
 */
function applyPreset(id: string, params?: string): void {
  const p = PRESETS.find((q) => q.id === id);
  if (!p) return;
  presetSelect.value = id;
  presetSelect.title = p.summary;
  if (params === undefined) {
    paramsInput.value = p.initial;
    paramsRow.hidden = p.params.length === 0;
    paramsHelp.textContent = p.params.length
      ? `${p.summary}. ${p.params.map((q) => `${q.name}: ${q.doc}`).join('; ')}.`
      : p.summary;
  }
  let k: Kernel;
  try {
    k = p.make(params ?? p.initial);
  } catch (e) {
    paramsInput.setAttribute('aria-invalid', 'true');
    showKernelError((e as Error).message);
    return;
  }
  paramsInput.setAttribute('aria-invalid', 'false');
  if (k.rows > MAX_SIZE || k.cols > MAX_SIZE) {
    paramsInput.setAttribute('aria-invalid', 'true');
    showKernelError(
      `${p.name} with “${params ?? p.initial}” is ${k.rows}×${k.cols}; the editor holds up to ${MAX_SIZE}×${MAX_SIZE}. ` +
        'Choose a smaller size or σ.',
    );
    return;
  }
  const cells = cellsFor(k);
  editor.set(cells.rows);
  scaleInput.value = cells.scale;
  rowsSelect.value = String(k.rows);
  colsSelect.value = String(k.cols);
  fillAnchors();
  onKernelChange(false);
}

function showKernelError(text: string): void {
  kernelError.textContent = text;
  kernelError.hidden = false;
  resultCanvas.classList.add('stale');
}

paramsInput.addEventListener('input', () => applyPreset(presetSelect.value, paramsInput.value));

function fillAnchors(): void {
  for (const [sel, n] of [
    [anchorRow, editor.rows],
    [anchorCol, editor.cols],
  ] as const) {
    const keep = sel.value;
    sel.replaceChildren(option('auto', `centre (${n >> 1})`));
    for (let i = 0; i < n; i++) sel.append(option(String(i), String(i)));
    sel.value = keep !== '' && keep !== 'auto' && Number(keep) < n ? keep : 'auto';
  }
}

function anchor(): [number, number] | null {
  if (anchorRow.value === 'auto' && anchorCol.value === 'auto') return null;
  return [
    anchorRow.value === 'auto' ? editor.rows >> 1 : Number(anchorRow.value),
    anchorCol.value === 'auto' ? editor.cols >> 1 : Number(anchorCol.value),
  ];
}

/** Parses one number typed in a text field (decimals or fractions), or returns a message. */
function parseField(text: string, what: string): number | string {
  try {
    const k = parseInlineKernel(text);
    if (k.data.length === 1) return k.data[0];
  } catch {
    // fall through to the message
  }
  return `${what} “${text.trim()}” is not a number — use e.g. 0.5, −2 or 1/16.`;
}

/** The kernel as it will be applied (scaled), or null with the errors shown in the page. */
function readKernel(): { taps: number[]; rows: number; cols: number; entered: number[] } | null {
  const parsed = editor.parse();
  const scale = parseField(scaleInput.value, 'Scale');
  scaleInput.setAttribute('aria-invalid', String(typeof scale === 'string'));
  const errors = parsed.ok ? [] : parsed.errors.map((e) => e.message + '.');
  if (typeof scale === 'string') errors.push(scale);
  if (errors.length) {
    kernelError.textContent =
      errors.slice(0, 3).join(' ') + (errors.length > 3 ? ` (and ${errors.length - 3} more cells)` : '');
    kernelError.hidden = false;
    return null;
  }
  if (!parsed.ok || typeof scale !== 'number') return null;
  // "1/D" divides, as the library's own fractional kernels are made (v / D is correctly
  // rounded; v · (1/D) can be an ulp off), so a preset's taps are the library's exactly.
  const over = /^\s*1\s*\/\s*(\d+)\s*$/.exec(scaleInput.value);
  const taps = parsed.taps.map((v) => (over ? v / Number(over[1]) : v * scale));
  if (taps.every((v) => v === 0)) {
    kernelError.textContent =
      scale === 0
        ? 'The scale is 0, so every weight is 0 and the result would be blank. Enter a non-zero scale.'
        : 'The kernel is all zeros, so every result pixel would be 0 (a blank image). Enter at least one non-zero weight.';
    kernelError.hidden = false;
    return null;
  }
  kernelError.hidden = true;
  return { taps, rows: parsed.rows, cols: parsed.cols, entered: parsed.taps };
}

/** A whole number in [lo, hi] typed in a field, or a message naming the field. */
function parseWhole(input: HTMLInputElement, what: string, lo: number, hi: number): number | string {
  const v = Number(input.value);
  const ok = input.value.trim() !== '' && Number.isInteger(v) && v >= lo && v <= hi;
  input.setAttribute('aria-invalid', String(!ok));
  return ok ? v : `${what} “${input.value.trim()}” must be a whole number from ${lo} to ${hi}.`;
}

/** A positive number typed in a field, or a message naming the field. */
function parsePositive(input: HTMLInputElement, what: string): number | string {
  const v = parseField(input.value, what);
  const ok = typeof v === 'number' && v > 0;
  input.setAttribute('aria-invalid', String(!ok));
  return ok ? v : typeof v === 'string' ? v : `${what} must be greater than 0, got ${fmt(v)}.`;
}

/** Shows the first problem with the filter's own fields (or hides the message); true when there is none. */
function filterFieldsOk(values: (number | string)[]): boolean {
  const bad = values.filter((v): v is string => typeof v === 'string');
  kernelError.textContent = bad.join(' ');
  kernelError.hidden = bad.length === 0;
  return bad.length === 0;
}

function readParams(): FilterParams | null {
  const cval = parseField(cvalInput.value, 'Constant k');
  cvalInput.setAttribute('aria-invalid', String(typeof cval === 'string'));
  if (typeof cval === 'string') showMessage(cval);
  const display = displaySelect.value as DisplayMapping;
  let params: FilterParams | null = null;
  if (filter === 'median') {
    const w = parseWhole(medianWidth, 'Window width', 1, 45);
    const h = parseWhole(medianHeight, 'Window height', 1, 45);
    if (filterFieldsOk([w, h]) && typeof w === 'number' && typeof h === 'number' && typeof cval === 'number')
      params = { kind: 'median', width: w, height: h, border, cval, display };
  } else if (filter === 'bilateral') {
    const d = parseWhole(bilateralD, 'Diameter', 1, 45);
    const sc = parsePositive(bilateralSc, 'σ colour');
    const ss = parsePositive(bilateralSs, 'σ space');
    if (
      filterFieldsOk([d, sc, ss]) &&
      typeof d === 'number' &&
      typeof sc === 'number' &&
      typeof ss === 'number'
    )
      if (typeof cval === 'number')
        params = { kind: 'bilateral', diameter: d, sigmaColor: sc, sigmaSpace: ss, border, cval, display };
  } else {
    const k = readKernel();
    if (k && typeof cval === 'number') {
      params = {
        kind: 'linear',
        taps: k.taps,
        rows: k.rows,
        cols: k.cols,
        operation,
        border,
        cval,
        shape,
        anchor: anchor(),
        output: outputSelect.value as LinearParams['output'],
        display,
      };
    }
  }
  if (!params) resultCanvas.classList.add('stale');
  return params;
}

function describeFilter(p: FilterParams | null): string {
  if (!p) return '';
  if (p.kind === 'median') return `median ${p.width}×${p.height}`;
  if (p.kind === 'bilateral')
    return `bilateral d = ${p.diameter}, σ ${fmt(p.sigmaColor)}, ${fmt(p.sigmaSpace)}`;
  return p.operation === 'convolve' ? 'convolution' : 'correlation';
}

/** Library defaults, so that switching filter shows each one as its peers run it. */
const DEFAULT_BORDER: Record<FilterParams['kind'], BorderMode> = {
  linear: 'constant',
  median: 'replicate',
  bilateral: 'mirror',
};

function onFilterChange(): void {
  filter = filterSelect.value as FilterParams['kind'];
  const linear = filter === 'linear';
  linearControls.hidden = flipControls.hidden = shapeBox.hidden = outputRow.hidden = !linear;
  medianControls.hidden = filter !== 'median';
  bilateralControls.hidden = filter !== 'bilateral';
  setBorder(DEFAULT_BORDER[filter]);
  kernelError.hidden = true;
  updateDisplayRow();
  if (linear) onKernelChange(false);
  else requestRun();
}

filterSelect.addEventListener('change', onFilterChange);
for (const input of [medianWidth, medianHeight, bilateralD, bilateralSc, bilateralSs]) {
  input.addEventListener('input', () => requestRun());
}

function onKernelChange(fromCells = true): void {
  if (fromCells) presetSelect.value = 'custom';
  const a = anchor() ?? [editor.rows >> 1, editor.cols >> 1];
  editor.setAnchor(a[0], a[1]);
  // The kernel's messages and facts belong to the linear filter; the others keep theirs.
  if (filter === 'linear') showFacts(readKernel());
  showLaid(false);
  updateShapeLabels();
  requestRun();
}

function showFacts(k: ReturnType<typeof readKernel>): void {
  facts.replaceChildren();
  if (!k) return;
  const f = kernelInfo({ data: Float64Array.from(k.taps), rows: k.rows, cols: k.cols });
  const item = (yes: boolean, text: string, key: string) => {
    const li = document.createElement('li');
    li.className = yes ? 'yes' : 'no';
    li.dataset.fact = key;
    li.dataset.value = String(yes);
    li.textContent = `${yes ? '✓' : '✗'} ${text}`;
    facts.append(li);
  };
  item(
    f.rotation !== 'none',
    f.rotation === 'symmetric'
      ? 'Symmetric under a 180° turn: convolution = correlation'
      : f.rotation === 'antisymmetric'
        ? 'Antisymmetric under a 180° turn: convolution = −correlation'
        : 'Not symmetric under a 180° turn: convolution ≠ correlation',
    'symmetric',
  );
  const vec = (v: ArrayLike<number>) => `[${Array.from(v, (x) => fmt(x, 4)).join(' ')}]`;
  item(
    f.separable !== null,
    f.separable ? 'Separable: column × row (two 1-D passes)' : 'Not separable (rank above 1)',
    'separable',
  );
  if (f.separable)
    facts.lastElementChild?.setAttribute(
      'title',
      `column ${vec(f.separable.col)}ᵀ × row ${vec(f.separable.row)}`,
    );
  const zeroSum = Math.abs(f.sum) <= 1e-12 * f.absSum;
  item(
    zeroSum,
    zeroSum
      ? 'Zero-sum: flat areas become 0 (edges, derivatives)'
      : `Not zero-sum: sum ${fmt(f.sum)}${Math.abs(f.sum - 1) < 1e-12 ? ', brightness kept' : ''}`,
    'zero-sum',
  );
}

/** The kernel as it slides over the image; turns by 180° when convolution is chosen. */
function showLaid(animate: boolean): void {
  const parsed = editor.parse();
  if (!parsed.ok) {
    laidGrid.replaceChildren();
    return;
  }
  const entered: Kernel = { data: Float64Array.from(parsed.taps), rows: parsed.rows, cols: parsed.cols };
  const laid = operation === 'convolve' ? flipKernel(entered) : entered;
  const fill = (k: Kernel) => {
    laidGrid.style.setProperty('--cols', String(k.cols));
    laidGrid.replaceChildren(
      ...Array.from(k.data, (v) => Object.assign(document.createElement('span'), { textContent: fmt(v, 3) })),
    );
  };
  laidCaption.textContent =
    operation === 'convolve'
      ? 'As slid over the image: h rotated by 180° (convolution). Compare with the grid above.'
      : 'As slid over the image: h exactly as entered (correlation).';
  const reduced = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  if (!animate || reduced) {
    fill(laid);
    return;
  }
  // Show the previous orientation turning, then the new numbers upright.
  fill(operation === 'convolve' ? entered : flipKernel(entered));
  laidGrid.classList.remove('turn');
  void laidGrid.offsetWidth;
  laidGrid.classList.add('turn');
  laidGrid.addEventListener(
    'animationend',
    () => {
      laidGrid.classList.remove('turn');
      fill(laid);
    },
    { once: true },
  );
}

presetSelect.addEventListener('change', () => applyPreset(presetSelect.value));
rowsSelect.addEventListener('change', () => resize());
colsSelect.addEventListener('change', () => resize());
function resize(): void {
  editor.resize(Number(rowsSelect.value), Number(colsSelect.value));
  fillAnchors();
  onKernelChange();
}
scaleInput.addEventListener('input', () => onKernelChange(false));
anchorRow.addEventListener('change', () => onKernelChange(false));
anchorCol.addEventListener('change', () => onKernelChange(false));
$('normalise').addEventListener('click', () => {
  const parsed = editor.parse();
  if (!parsed.ok) return;
  const sum = parsed.taps.reduce((s, v) => s + v, 0);
  if (sum === 0) {
    kernelError.textContent =
      'The weights sum to 0 (a zero-sum kernel), so there is nothing to normalise by.';
    kernelError.hidden = false;
    return;
  }
  scaleInput.value = Number.isInteger(sum) ? `1/${sum}` : String(1 / sum);
  onKernelChange(false);
});

// ---------------------------------------------------------------------------------------------
// Operation, border, shape

for (const radio of document.querySelectorAll<HTMLInputElement>('input[name="operation"]')) {
  radio.addEventListener('change', () => {
    operation = radio.value as Operation;
    showLaid(true);
    requestRun();
  });
}

const borderPicture = document.createElement('div');
borderPicture.className = 'letters';
borderPicture.setAttribute('role', 'img');
const borderRadios = document.createElement('div');
borderRadios.className = 'radios';
borderRadios.setAttribute('role', 'radiogroup');
borderRadios.setAttribute('aria-label', 'Border mode');
for (const mode of BORDER_MODES) {
  const label = document.createElement('label');
  const radio = Object.assign(document.createElement('input'), {
    type: 'radio',
    name: 'border',
    value: mode,
  });
  radio.checked = mode === border;
  radio.addEventListener('change', () => {
    border = mode;
    showBorder();
    requestRun();
  });
  const row = BORDER_PICTOGRAMS[mode].split('   ')[0];
  const name = Object.assign(document.createElement('span'), { className: 'mode', textContent: mode });
  const picto = Object.assign(document.createElement('code'), { textContent: row });
  label.append(radio, ' ', name, ' ', picto);
  label.title = BORDER_PICTOGRAMS[mode];
  borderRadios.append(label);
}
const borderNote = Object.assign(document.createElement('p'), { className: 'note' });
bordersBox.append(borderRadios, borderPicture, borderNote);

function setBorder(mode: BorderMode): void {
  border = mode;
  for (const r of borderRadios.querySelectorAll<HTMLInputElement>('input')) r.checked = r.value === mode;
  showBorder();
}

/** The lecture's letter grid: a 5×5 image a…y padded by two under the chosen border. */
function showBorder(): void {
  const cval = parseField(cvalInput.value, 'Constant k');
  const grid = paddedLetterGrid(border, { cval: typeof cval === 'number' ? cval : 0 });
  const pad = 2;
  const size = grid.length - 2 * pad;
  borderPicture.style.setProperty('--cols', String(grid[0].length));
  borderPicture.replaceChildren(
    ...grid.flatMap((row, r) =>
      row.map((letter, c) => {
        const inside = r >= pad && r < pad + size && c >= pad && c < pad + size;
        return Object.assign(document.createElement('span'), {
          textContent: letter,
          className: inside ? 'in' : 'out',
        });
      }),
    ),
  );
  borderPicture.setAttribute(
    'aria-label',
    `A ${size}×${size} image a to y extended by two cells under ${border}: ${BORDER_PICTOGRAMS[border]}`,
  );
  borderNote.textContent = `${border}: ${BORDER_PICTOGRAMS[border].replace(/\s{2,}/g, ' · ')}`;
  cvalRow.hidden = border !== 'constant';
}

cvalInput.addEventListener('input', () => {
  clearMessage();
  showBorder();
  requestRun();
});

const shapeRadios: HTMLInputElement[] = [];
const shapeLabels: HTMLElement[] = [];
for (const s of OUTPUT_SHAPES) {
  const label = document.createElement('label');
  const radio = Object.assign(document.createElement('input'), { type: 'radio', name: 'shape', value: s });
  radio.checked = s === shape;
  radio.addEventListener('change', () => {
    shape = s;
    requestRun();
  });
  const text = document.createElement('span');
  label.append(radio, ' ', text);
  shapeRadios.push(radio);
  shapeLabels.push(text);
  shapesBox.append(label);
}

function updateShapeLabels(): void {
  const h = image?.height;
  const w = image?.width;
  const kh = editor.rows;
  const kw = editor.cols;
  const sizes: Record<OutputShape, string> = {
    same: h ? `${h}×${w}` : 'H×W',
    full: h && w ? `${h + kh - 1}×${w + kw - 1}` : '(H+kh−1)×(W+kw−1)',
    valid:
      h && w
        ? h >= kh && w >= kw
          ? `${h - kh + 1}×${w - kw + 1}`
          : 'empty: kernel larger than image'
        : '(H−kh+1)×(W−kw+1)',
  };
  const what: Record<OutputShape, string> = {
    same: 'same — as the input',
    full: 'full — every overlap',
    valid: 'valid — kernel inside only',
  };
  OUTPUT_SHAPES.forEach((s, i) => (shapeLabels[i].textContent = `${what[s]}: ${sizes[s]}`));
}

outputSelect.addEventListener('change', () => {
  updateDisplayRow();
  requestRun();
});
displaySelect.addEventListener('change', () => requestRun());
/** Names the output types for the image at hand, and shows the float display choice only when it applies. */
function updateDisplayRow(): void {
  const dtype = image?.dtype ?? 'uint8';
  const integer = dtype === 'uint8' || dtype === 'uint16';
  const [asInput, float] = outputSelect.options;
  asInput.text = integer ? `${dtype} as the input (rounded, saturated)` : `${dtype} as the input`;
  float.text = dtype === 'float64' ? 'float64 (exact)' : 'float32 (exact values, negatives kept)';
  displayRow.hidden = integer && (filter !== 'linear' || outputSelect.value === 'input');
}

// ---------------------------------------------------------------------------------------------
// Worked example

function updatePixelInputs(): void {
  if (!outSize) return;
  pxRow.max = String(outSize.height - 1);
  pxCol.max = String(outSize.width - 1);
  const names = channelNames(outSize.channels);
  if (pxChannel.options.length !== names.length) {
    pxChannel.replaceChildren(...names.map((n, i) => option(String(i), n)));
  }
  if (selected) {
    selected = {
      row: Math.min(Math.max(selected.row, 0), outSize.height - 1),
      col: Math.min(Math.max(selected.col, 0), outSize.width - 1),
    };
    pxRow.value = String(selected.row);
    pxCol.value = String(selected.col);
  }
}

function explain(): void {
  if (!selected || !outSize || !shown) return;
  placeMarkers();
  send({
    type: 'explain',
    id: nextId++,
    row: selected.row,
    col: selected.col,
    channel: Number(pxChannel.value || 0),
    centered: indicesSelect.value === 'centred',
  });
}

/**
 * The window that makes output pixel (m, n): its size, and the offset (dr, dc) of its top-left
 * corner in the input, at (m − dr, n − dc). For `same` the window's anchor lies on (m, n).
 */
function windowOf(p: FilterParams): { rows: number; cols: number; dr: number; dc: number } {
  if (p.kind === 'median') return { rows: p.height, cols: p.width, dr: p.height >> 1, dc: p.width >> 1 };
  if (p.kind === 'bilateral') {
    const r = bilateralSpec(p.diameter, p.sigmaSpace).radius;
    return { rows: 2 * r + 1, cols: 2 * r + 1, dr: r, dc: r };
  }
  const a = p.anchor ?? [p.rows >> 1, p.cols >> 1];
  const laid = p.operation === 'convolve' ? [p.rows - 1 - a[0], p.cols - 1 - a[1]] : a;
  const origin = p.shape === 'same' ? laid : p.shape === 'full' ? [p.rows - 1, p.cols - 1] : [0, 0];
  return { rows: p.rows, cols: p.cols, dr: origin[0], dc: origin[1] };
}

/** Offset between an input pixel and the output pixel whose window is anchored on it. */
function outputOffset(): [number, number] {
  if (!shown || shown.kind !== 'linear') return [0, 0];
  const w = windowOf(shown);
  const a = shown.anchor ?? [shown.rows >> 1, shown.cols >> 1];
  const laid = shown.operation === 'convolve' ? [shown.rows - 1 - a[0], shown.cols - 1 - a[1]] : a;
  return [w.dr - laid[0], w.dc - laid[1]];
}

function placeMarkers(): void {
  if (!selected || !outSize || !image || !shown) {
    footprint.hidden = pixelMark.hidden = true;
    return;
  }
  const pct = (v: number, n: number) => `${(100 * v) / n}%`;
  Object.assign(pixelMark.style, {
    left: pct(selected.col, outSize.width),
    top: pct(selected.row, outSize.height),
    width: pct(1, outSize.width),
    height: pct(1, outSize.height),
  });
  const w = windowOf(shown);
  Object.assign(footprint.style, {
    left: pct(selected.col - w.dc, image.width),
    top: pct(selected.row - w.dr, image.height),
    width: pct(w.cols, image.width),
    height: pct(w.rows, image.height),
  });
  footprint.hidden = pixelMark.hidden = false;
}

function pixelAt(canvas: HTMLCanvasElement, e: MouseEvent): [number, number] {
  const r = canvas.getBoundingClientRect();
  const col = Math.floor(((e.clientX - r.left) / r.width) * canvas.width);
  const row = Math.floor(((e.clientY - r.top) / r.height) * canvas.height);
  return [Math.min(Math.max(row, 0), canvas.height - 1), Math.min(Math.max(col, 0), canvas.width - 1)];
}

function select(row: number, col: number): void {
  if (!outSize) return;
  selected = { row, col };
  updatePixelInputs();
  explain();
}

resultCanvas.addEventListener('click', (e) => select(...pixelAt(resultCanvas, e)));
originalCanvas.addEventListener('click', (e) => {
  const [r, c] = pixelAt(originalCanvas, e);
  const [dr, dc] = outputOffset();
  select(r + dr, c + dc);
});
for (const input of [pxRow, pxCol]) {
  input.addEventListener('change', () => {
    const r = Number(pxRow.value);
    const c = Number(pxCol.value);
    if (!Number.isInteger(r) || !Number.isInteger(c)) return;
    select(r, c);
  });
}
pxChannel.addEventListener('change', () => explain());
indicesSelect.addEventListener('change', () => explain());

// ---------------------------------------------------------------------------------------------
// Image input

for (const s of SAMPLES) sampleSelect.append(option(s.id, s.label));
const fileOption = option('file', 'Your file');
fileOption.hidden = true;
sampleSelect.append(fileOption);

function currentSampleValue(): string {
  return source?.kind === 'file'
    ? 'file'
    : (SAMPLES.find((s) => s.label.startsWith(image?.name ?? '?'))?.id ?? sampleSelect.value);
}

function chooseSample(id: string): void {
  const s = SAMPLES.find((q) => q.id === id);
  if (!s) return;
  licence.textContent = s.licence;
  fileInput.value = '';
  fileOption.hidden = true;
  if (s.id === 'lecture' && !presetSelect.value.startsWith('example:lecture')) {
    applyPreset('example:lecture-x');
  }
  load(s.source());
}

sampleSelect.addEventListener('change', () => chooseSample(sampleSelect.value));

function loadFile(file: File): void {
  fileOption.hidden = false;
  fileOption.text = `Your file: ${file.name}`;
  sampleSelect.value = 'file';
  licence.textContent = `${file.name} — your own image, decoded in this page and never uploaded.`;
  load({ kind: 'file', file });
}

fileInput.addEventListener('change', () => {
  const f = fileInput.files?.[0];
  if (f) loadFile(f);
});
document.addEventListener('dragover', (e) => {
  e.preventDefault();
  drop.classList.add('over');
});
document.addEventListener('dragleave', (e) => {
  if (e.relatedTarget === null) drop.classList.remove('over');
});
document.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  const f = e.dataTransfer?.files?.[0];
  if (f) loadFile(f);
  else showMessage('That drop held no file. Drop an image file (PNG, JPEG, WebP, GIF, BMP).');
});

// ---------------------------------------------------------------------------------------------
// Compare

const COMPARE_SIZES = [5, 9, 15, 25, 35, 45];
const COMPARE_FILTERS: Record<CompareFilter, string> = {
  box: 'Box (mean)',
  gaussian: 'Gaussian',
  median: 'Median',
  bilateral: 'Bilateral',
};
const COMPARE_HOW: Record<CompareFilter, string> = {
  box: 'running sums (constant time per pixel), as OpenCV’s blur',
  gaussian: 'σ from the size by OpenCV’s rule, separable',
  median: 'square windows',
  bilateral: 'diameter = size, σ colour 75, σ space 75',
};
for (const [k, v] of Object.entries(COMPARE_FILTERS)) compareFilter.append(option(k, v));
for (const m of BORDER_MODES) compareBorder.append(option(m, m));
compareBorder.value = 'mirror';

function fillCompareCell(index: number, label: string, ms: number, bitmap: ImageBitmap) {
  const fig = compareGrid.children[index] as HTMLElement | undefined;
  if (!fig) return;
  const canvas = fig.querySelector('canvas') as HTMLCanvasElement;
  draw(canvas, bitmap);
  canvas.setAttribute('aria-label', `${compareFilter.selectedOptions[0]?.text} ${label}`);
  (fig.querySelector('figcaption') as HTMLElement).textContent = `${label} · ${fmtMs(ms)}`;
}

compareRun.addEventListener('click', () => {
  if (!image) return;
  const filter = compareFilter.value as CompareFilter;
  compareGrid.replaceChildren(
    ...COMPARE_SIZES.map((n) => {
      const fig = document.createElement('figure');
      const canvas = document.createElement('canvas');
      const cap = Object.assign(document.createElement('figcaption'), { textContent: `${n}×${n} …` });
      fig.append(canvas, cap);
      return fig;
    }),
  );
  compareRun.disabled = true;
  compareNote.textContent =
    `${COMPARE_FILTERS[filter]} at ${COMPARE_SIZES.join(', ')} pixels, border ${compareBorder.value}, ` +
    `${COMPARE_HOW[filter]}. Computing…`;
  send({
    type: 'compare',
    id: nextId++,
    filter,
    sizes: COMPARE_SIZES,
    border: compareBorder.value as BorderMode,
  });
});

// ---------------------------------------------------------------------------------------------
// Start

stopButton.addEventListener('click', () => stop());
window.addEventListener('resize', () => placeMarkers());
startWorker();
showBorder();
applyPreset('named:binomial2d');
updateShapeLabels();
chooseSample('astronaut');
