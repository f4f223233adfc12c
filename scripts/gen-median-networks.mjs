#!/usr/bin/env node
// Generates src/nonlinear/median-networks.ts: branch-free median loops for 3×3 and 5×5
// windows. Run `node scripts/gen-median-networks.mjs` after changing this file; the output
// is committed (like a WASM binary, it is never edited by hand).
//
// How the loops work (for a k×k window, k odd, rank R = (k²−1)/2):
//  1. Each padded column of the k rows under the window is sorted once (a k-sorter).
//  2. Two neighbouring outputs x and x+1 share k−1 sorted columns. Those are merged into one
//     sorted run, of which only ranks R−k … R can be the median (k more elements arrive),
//     so the merge network is pruned to those k+1 outputs.
//  3. Each output takes its own column B (sorted, k values) and the k+1 shared candidates A:
//     rank k of A ∪ B = min over i of max(A[i], B[k−1−i]) (and A[k] alone), 2k operations.
// For 5×5 the merges of column pairs are shared as well (pair x reuses the merge that pair
// x−2 made). Comparators are expressed as a DAG of min/max nodes; constant-+∞ padding of
// Batcher's odd-even merge is folded away and unused nodes are dropped.
//
// Two flavours: integers (uint8/uint16 values in int32 registers) use the branch-free
// d = (b − a) & ((b − a) >> 31); min = a + d; max = b − d; floats use comparisons.
import { writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const INF = -1;

class Net {
  nodes = [];
  cse = new Map();
  input(name) {
    this.nodes.push({ op: 'in', name });
    return this.nodes.length - 1;
  }
  bin(op, a, b) {
    if (a === b) return a;
    const key = `${op}:${Math.min(a, b)}:${Math.max(a, b)}`;
    if (!this.cse.has(key)) {
      this.nodes.push({ op, a, b });
      this.cse.set(key, this.nodes.length - 1);
    }
    return this.cse.get(key);
  }
  ce(w, i, j) {
    const a = w[i];
    const b = w[j];
    if (a === INF) {
      w[i] = b;
      w[j] = INF;
    } else if (b !== INF) {
      w[i] = this.bin('min', a, b);
      w[j] = this.bin('max', a, b);
    }
  }
  inputs(prefix, n) {
    return Array.from({ length: n }, (_, i) => this.input(`${prefix}${i}`));
  }
  /** Straight-line code assigning `outs` to `targets`; `flavour` is 'int' or 'float'. */
  emit(outs, targets, flavour, prefix) {
    const need = new Set();
    const stack = [...outs];
    while (stack.length) {
      const n = stack.pop();
      if (need.has(n)) continue;
      need.add(n);
      const d = this.nodes[n];
      if (d.op !== 'in') stack.push(d.a, d.b);
    }
    const name = (n) => (this.nodes[n].op === 'in' ? this.nodes[n].name : `${prefix}${n}`);
    const lines = [];
    const diffs = new Map();
    let ops = 0;
    for (let n = 0; n < this.nodes.length; n++) {
      const d = this.nodes[n];
      if (!need.has(n) || d.op === 'in') continue;
      const a = name(d.a);
      const b = name(d.b);
      ops++;
      if (flavour === 'simd') {
        lines.push(`const ${prefix}${n} = i8x16.${d.op}_u(${a}, ${b});`);
      } else if (flavour === 'int') {
        const key = `${d.a}_${d.b}`;
        if (!diffs.has(key)) {
          diffs.set(key, `${prefix}d${key}`);
          lines.push(`const ${prefix}d${key} = (${b} - ${a}) & ((${b} - ${a}) >> 31);`);
        }
        const dv = diffs.get(key);
        lines.push(`const ${prefix}${n} = ${d.op === 'min' ? `${a} + ${dv}` : `${b} - ${dv}`};`);
      } else {
        lines.push(`const ${prefix}${n} = ${a} ${d.op === 'min' ? '<' : '>'} ${b} ? ${a} : ${b};`);
      }
    }
    outs.forEach((o, i) => lines.push(`${targets[i]} = ${name(o)};`));
    return { lines, ops };
  }
}

function oddEvenMerge(net, w, lo, n, r) {
  const m = r * 2;
  if (m < n) {
    oddEvenMerge(net, w, lo, n, m);
    oddEvenMerge(net, w, lo + r, n, m);
    for (let i = lo + r; i + r < lo + n; i += m) net.ce(w, i, i + r);
  } else {
    net.ce(w, lo, lo + r);
  }
}

/** Batcher's odd-even merge of two sorted runs (padded with +∞ to a power of two). */
function merge(net, A, B) {
  let p = 1;
  while (p < Math.max(A.length, B.length)) p *= 2;
  const w = [...A, ...Array(p - A.length).fill(INF), ...B, ...Array(p - B.length).fill(INF)];
  oddEvenMerge(net, w, 0, 2 * p, 1);
  return w.slice(0, A.length + B.length);
}

const SORTERS = {
  3: [
    [0, 1],
    [1, 2],
    [0, 1],
  ],
  // Optimal 9-comparator 5-sorter.
  5: [
    [0, 1],
    [3, 4],
    [2, 4],
    [2, 3],
    [0, 3],
    [0, 2],
    [1, 4],
    [1, 3],
    [1, 2],
  ],
};

/** 0-1 principle: a comparator list sorts every input iff it sorts every 0/1 vector. */
function checkSorter(k, pairs) {
  for (let v = 0; v < 1 << k; v++) {
    const a = Array.from({ length: k }, (_, i) => (v >> i) & 1);
    for (const [i, j] of pairs) if (a[i] > a[j]) [a[i], a[j]] = [a[j], a[i]];
    for (let i = 1; i < k; i++) if (a[i - 1] > a[i]) throw new Error(`${k}-sorter is wrong`);
  }
}

/** The final step: rank k of A (k+1 sorted candidates) ∪ B (k sorted) as min of maxima. */
function finalStep(k, A, B, flavour, target) {
  const lines = [];
  const terms = [];
  for (let i = 0; i < k; i++) {
    const a = A[i];
    const b = B[k - 1 - i];
    const t = `m${i}`;
    lines.push(
      flavour === 'int'
        ? `const ${t} = ${a} - ((${a} - ${b}) & ((${a} - ${b}) >> 31));`
        : `const ${t} = ${a} > ${b} ? ${a} : ${b};`,
    );
    terms.push(t);
  }
  terms.push(A[k]);
  let n = 0;
  while (terms.length > 1) {
    const a = terms.shift();
    const b = terms.shift();
    const t = `r${n++}`;
    lines.push(
      flavour === 'int'
        ? `const ${t} = ${a} + ((${b} - ${a}) & ((${b} - ${a}) >> 31));`
        : `const ${t} = ${a} < ${b} ? ${a} : ${b};`,
    );
    terms.push(t);
  }
  lines.push(`${target} = ${terms[0]};`);
  return lines;
}

function generate(k, flavour) {
  checkSorter(k, SORTERS[k]);
  const R = (k * k - 1) / 2;
  const indent = (lines, n) => lines.map((l) => ' '.repeat(n) + l).join('\n');
  // 1. column sorter
  let net = new Net();
  const v = net.inputs('v', k);
  const w = [...v];
  for (const [i, j] of SORTERS[k]) net.ce(w, i, j);
  const sorter = net.emit(
    w,
    w.map((_, i) => `cs[q + ${i}]`),
    flavour,
    's',
  );
  const loads = v.map((_, i) => `v${i} = P[b${i ? ` + ${i} * pw` : ''}]`).join(', ');
  const cand = Array.from({ length: k + 1 }, (_, i) => `c${i}`);
  const candDecl = cand.map((c) => `const ${c}`);
  const colLoad = (base, prefix) =>
    Array.from({ length: k }, (_, i) => `${prefix}${i} = cs[${base}${i ? ` + ${i}` : ''}]`).join(', ');
  let shared;
  let ops = sorter.ops;
  if (k === 3) {
    net = new Net();
    const a = net.inputs('a', k);
    const b = net.inputs('b', k);
    const m = merge(net, a, b).slice(R - k, R + 1);
    const e = net.emit(m, candDecl, flavour, 't');
    ops += e.ops / 2;
    shared = `    const j = 3 * (x + 1);
    const ${colLoad('j', 'a')}, ${colLoad('j + 3', 'b')};
${indent(e.lines, 4)}`;
  } else {
    // pair merges: n = merge(col x+3, col x+4) is the next pair's p
    net = new Net();
    const a = net.inputs('a', k);
    const b = net.inputs('b', k);
    const pm = net.emit(
      merge(net, a, b),
      Array.from({ length: 2 * k }, (_, i) => `n${i}`),
      flavour,
      't',
    );
    net = new Net();
    const p = net.inputs('p', 2 * k);
    const n2 = net.inputs('n', 2 * k);
    const mid = net.emit(merge(net, p, n2).slice(R - k, R + 1), candDecl, flavour, 'u');
    ops += (pm.ops + mid.ops) / 2;
    shared = `    ${Array.from({ length: 2 * k }, (_, i) => `p${i} = n${i};`).join(' ')}
    {
      const j = 5 * (x + 3);
      const ${colLoad('j', 'a')}, ${colLoad('j + 5', 'b')};
${indent(pm.lines, 6)}
    }
${indent(mid.lines, 4)}`;
    shared = {
      pre: `  let ${Array.from({ length: 2 * k }, (_, i) => `p${i} = 0`).join(', ')};
  let ${Array.from({ length: 2 * k }, (_, i) => `n${i} = 0`).join(', ')};
  {
    const ${colLoad('5', 'a')}, ${colLoad('10', 'b')};
${indent(pm.lines, 4)}
  }`,
      body: shared,
    };
  }
  ops += 2 * k;
  const fin = (col, target) => {
    const B = Array.from({ length: k }, (_, i) => `e${i}`);
    return `{
      const ${colLoad(col, 'e')};
${indent(finalStep(k, cand, B, flavour, target), 6)}
    }`;
  };
  const T = flavour === 'int' ? 'IntPlane' : 'FloatPlane';
  const S = flavour === 'int' ? 'Int32Array' : 'Float64Array';
  const name = `median${k}x${k}Row${flavour === 'int' ? 'Int' : 'Float'}`;
  const body = typeof shared === 'string' ? { pre: '', body: shared } : shared;
  return {
    ops,
    code: `
/**
 * One output row of a ${k}×${k} median (rank ${R} of ${k * k}) from the padded plane \`P\` (row
 * width \`pw\`, output row \`row\` = padded rows row … row+${k - 1}), written to
 * \`out[o + x·stride]\` for x < width. \`cs\` is scratch of ${k}·pw elements. About ${Math.round(ops)}
 * min/max operations per output.
 */
export function ${name}(
  P: ${T},
  pw: number,
  row: number,
  cs: ${S},
  out: ${T},
  o: number,
  stride: number,
  width: number,
): void {
  for (let x = 0, b = row * pw; x < pw; x++, b++) {
    const ${loads};
    const q = ${k} * x;
${indent(sorter.lines, 4)}
  }
${body.pre}
  for (let x = 0; x < width; x += 2) {
${body.body}
    ${fin(`${k} * x`, 'out[o + x * stride]')}
    if (x + 1 < width) ${fin(`${k} * (x + ${k})`, 'out[o + (x + 1) * stride]')}
  }
}
`,
  };
}

const parts = [];
const counts = [];
for (const k of [3, 5]) {
  for (const flavour of ['int', 'float']) {
    const g = generate(k, flavour);
    parts.push(g.code);
    counts.push(`${k}×${k} ${flavour}: ~${Math.round(g.ops)} min/max per output`);
  }
}
const header = `// GENERATED by scripts/gen-median-networks.mjs — do not edit; run the script instead.
//
// Branch-free median loops for 3×3 and 5×5 windows: sorted columns, pruned merges of the
// columns two neighbouring outputs share, then a min-of-max selection per output.
// ${counts.join('; ')}.

/** Padded planes of integer images (values fit int32 registers). */
export type IntPlane = Uint8Array | Uint16Array;
/** Padded planes of float images (no NaN: callers replace it first). */
export type FloatPlane = Float32Array | Float64Array;
`;
const out = new URL('../src/nonlinear/median-networks.ts', import.meta.url).pathname;
writeFileSync(out, header + parts.join(''));

/**
 * The same networks over 16 uint8 pixels at once (WebAssembly SIMD, u8x16 min/max). Lanes
 * are 16 consecutive outputs of a row, so the scalar trick of sharing merges between the two
 * outputs of a pair does not apply; instead each output merges its k−1 right-hand sorted
 * columns (the pair's shared part, built by the same pruned Batcher merges) and takes its
 * left column in the min-of-max final step. Returns the one DAG computing the median.
 */
function simdNetwork(k) {
  const R = (k * k - 1) / 2;
  const net = new Net();
  const col = Array.from({ length: k }, (_, j) => net.inputs(`c${j}_`, k));
  let A;
  if (k === 3) A = merge(net, col[1], col[2]).slice(R - k, R + 1);
  else A = merge(net, merge(net, col[1], col[2]), merge(net, col[3], col[4])).slice(R - k, R + 1);
  const B = col[0];
  const terms = [];
  for (let i = 0; i < k; i++) terms.push(net.bin('max', A[i], B[k - 1 - i]));
  terms.push(A[k]);
  while (terms.length > 1) terms.push(net.bin('min', terms.shift(), terms.shift()));
  return { net, col, result: terms[0] };
}

/** Evaluates a DAG node on named input values (used to test the networks here). */
function evaluate(net, node, values, memo = new Map()) {
  if (memo.has(node)) return memo.get(node);
  const d = net.nodes[node];
  const v =
    d.op === 'in'
      ? values[d.name]
      : Math[d.op](evaluate(net, d.a, values, memo), evaluate(net, d.b, values, memo));
  memo.set(node, v);
  return v;
}

/** Random windows (with many ties): the networks must return the true median. */
function checkSimdNetwork(k, sorterNet, sorted, { net, col, result }) {
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) % 7;
  for (let t = 0; t < 20000; t++) {
    const win = Array.from({ length: k }, () => Array.from({ length: k }, rand));
    const values = {};
    for (let j = 0; j < k; j++) {
      const raw = {};
      win[j].forEach((v, i) => (raw[`v${i}`] = v));
      const memo = new Map();
      sorted.forEach((n, i) => (values[`c${j}_${i}`] = evaluate(sorterNet, n, raw, memo)));
    }
    const all = win.flat().sort((a, b) => a - b);
    if (evaluate(net, result, values) !== all[(k * k - 1) / 2])
      throw new Error(`${k}×${k} SIMD network is wrong`);
  }
  void col;
}

function generateSimd(k) {
  const sorterNet = new Net();
  const v = sorterNet.inputs('v', k);
  const w = [...v];
  for (const [i, j] of SORTERS[k]) sorterNet.ce(w, i, j);
  const sorter = sorterNet.emit(
    w,
    w.map((_, i) => `const s${i}`),
    'simd',
    's',
  );
  const med = simdNetwork(k);
  checkSimdNetwork(k, sorterNet, w, med);
  const main = med.net.emit([med.result], ['const m'], 'simd', 't');
  const indent = (lines, n) => lines.map((l) => ' '.repeat(n) + l).join('\n');
  const loads = [];
  for (let j = 0; j < k; j++)
    for (let i = 0; i < k; i++) loads.push(`const c${j}_${i} = v128.load(q${i}${j ? ` + o${j}` : ''});`);
  const perOutput = (sorter.ops + k * main.ops) / 16 / k;
  return {
    ops: main.ops,
    code: `
/**
 * A ${k}×${k} median (rank ${(k * k - 1) / 2} of ${k * k}) of a uint8 image with \`C\` interleaved channels
 * (each filtered on its own), 16 output bytes per step. \`P\`: the padded image (rows of
 * \`rowLen\` = (width + ${k - 1})·C bytes, height + ${k - 1} rows, readable for \`csw\` bytes past its end);
 * \`cs\`: scratch of ${k}·csw + 16 bytes, \`csw\` ≥ rowLen + 15 a multiple of 16; \`out\`: height rows of
 * \`outLen\` = width·C bytes, writable for 16 past the end. Window column j of output byte b is
 * padded byte b + j·C. Per row, the columns of the ${k} rows under the window are sorted
 * (${sorter.ops} min/max per 16 bytes), then each output takes ${main.ops} min/max per 16 outputs on
 * its ${k} sorted columns: about ${perOutput.toFixed(1)} vector operations per output.
 */
export function median${k}x${k}_u8(
  P: usize,
  rowLen: i32,
  height: i32,
  outLen: i32,
  C: i32,
  cs: usize,
  csw: i32,
  out: usize,
): void {
${indent(
  Array.from({ length: k - 1 }, (_, j) => `const o${j + 1} = <usize>(${j + 1} * C);`),
  2,
)}
  for (let r = 0; r < height; r++) {
    const base = P + <usize>(r * rowLen);
    for (let x = 0; x < csw; x += 16) {
      const p = base + <usize>x;
${indent(
  v.map((_, i) => `const v${i} = v128.load(p${i ? ` + <usize>(${i} * rowLen)` : ''});`),
  6,
)}
${indent(sorter.lines, 6)}
${indent(
  w.map((_, i) => `v128.store(cs + <usize>(${i ? `${i} * csw + ` : ''}x), s${i});`),
  6,
)}
    }
    const o = out + <usize>(r * outLen);
    for (let x = 0; x < outLen; x += 16) {
${indent(
  Array.from({ length: k }, (_, i) => `const q${i} = cs + <usize>(${i ? `${i} * csw + ` : ''}x);`),
  6,
)}
${indent(loads, 6)}
${indent(main.lines, 6)}
      v128.store(o + <usize>x, m);
    }
  }
}
`,
  };
}

/**
 * 5×5 over 16 uint8 pixels × two output rows at once, from sorted rows: every padded row's
 * 5 neighbours are sorted once (H5, 9 comparators per 16 bytes); rows r+1, r+2 and r+3, r+4
 * are merged pairwise (V2, 10 sorted values; each V2 serves two row pairs); the 20 values of
 * a pair's 4 shared rows are pruned to ranks 7 … 12, and each of its two rows takes rank 5 of
 * those 6 and its own sorted extra row (H5 of row r, resp. r+5) as a min of maxima. Every
 * operand sits in the same lanes (only H5 reads neighbours), so everything runs in one pass
 * per row pair with small ring buffers.
 */
function rowsNetworks() {
  const sort5 = (net, v) => {
    const w = [...v];
    for (const [i, j] of SORTERS[5]) net.ce(w, i, j);
    return w;
  };
  const finalOf = (net, A, B) => {
    const terms = [];
    for (let i = 0; i < 5; i++) terms.push(net.bin('max', A[i], B[4 - i]));
    terms.push(A[5]);
    while (terms.length > 1) terms.push(net.bin('min', terms.shift(), terms.shift()));
    return terms[0];
  };
  // the loop body: rows r+4 (a) and r+5 (b) raw; H5(r+3) (g), V2(r+1, r+2) (l), H5(r) (t)
  const net = new Net();
  const a = net.inputs('a', 5);
  const b = net.inputs('b', 5);
  const g = net.inputs('g', 5);
  const l = net.inputs('l', 10);
  const t = net.inputs('t', 5);
  const h4 = sort5(net, a);
  const h5 = sort5(net, b);
  const vh = merge(net, g, h4);
  const A = merge(net, l, vh).slice(7, 13);
  const mt = finalOf(net, A, t);
  const mu = finalOf(net, A, h5);
  // the prologue: rows 0 … 3 raw → H5(0), H5(2), H5(3) and V2(1, 2)
  const pro = new Net();
  const rows = [0, 1, 2, 3].map((i) => sort5(pro, pro.inputs(`p${i}_`, 5)));
  const v12 = merge(pro, rows[1], rows[2]);
  return { net, h4, h5, vh, mt, mu, pro, rows, v12 };
}

/** Random 6×5 blocks with many ties: both outputs must be true medians, the stored state exact. */
function checkRowsNetworks(rn) {
  let seed = 98765;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) % 6;
  const sorted = (v) => [...v].sort((x, y) => x - y);
  for (let t = 0; t < 20000; t++) {
    const blk = Array.from({ length: 6 }, () => Array.from({ length: 5 }, rand)); // [row][col]
    const pv = {};
    for (let i = 0; i < 4; i++) blk[i].forEach((v, j) => (pv[`p${i}_${j}`] = v));
    const pm = new Map();
    const ev = (n) => evaluate(rn.pro, n, pv, pm);
    const H = rn.rows.map((r) => r.map(ev));
    const V12 = rn.v12.map(ev);
    const values = {};
    blk[4].forEach((v, j) => (values[`a${j}`] = v));
    blk[5].forEach((v, j) => (values[`b${j}`] = v));
    H[3].forEach((v, j) => (values[`g${j}`] = v));
    V12.forEach((v, j) => (values[`l${j}`] = v));
    H[0].forEach((v, j) => (values[`t${j}`] = v));
    const memo = new Map();
    const e = (n) => evaluate(rn.net, n, values, memo);
    const med = (rs) => rs.flat().sort((x, y) => x - y)[12];
    const same = (x, y) => x.length === y.length && x.every((v, i) => v === y[i]);
    if (
      e(rn.mt) !== med(blk.slice(0, 5)) ||
      e(rn.mu) !== med(blk.slice(1, 6)) ||
      !same(rn.h4.map(e), sorted(blk[4])) ||
      !same(rn.h5.map(e), sorted(blk[5])) ||
      !same(rn.vh.map(e), sorted([...blk[3], ...blk[4]])) ||
      !same(H[0], sorted(blk[0])) ||
      !same(H[2], sorted(blk[2])) ||
      !same(V12, sorted([...blk[1], ...blk[2]]))
    )
      throw new Error('5×5 row-sorted network is wrong');
  }
}

function generateSimdRows5() {
  const rn = rowsNetworks();
  checkRowsNetworks(rn);
  const indent = (lines, n) => lines.map((l) => ' '.repeat(n) + l).join('\n');
  const outs = [...rn.h4, ...rn.h5, ...rn.vh, rn.mt, rn.mu];
  const targets = [
    ...rn.h4.map((_, i) => `const H4_${i}`),
    ...rn.h5.map((_, i) => `const H5_${i}`),
    ...rn.vh.map((_, i) => `const VH_${i}`),
    'const mt',
    'const mu',
  ];
  const body = rn.net.emit(outs, targets, 'simd', 'w');
  const proOuts = [...rn.rows[0], ...rn.rows[2], ...rn.rows[3], ...rn.v12];
  const proTargets = [
    ...rn.rows[0].map((_, i) => `const R0_${i}`),
    ...rn.rows[2].map((_, i) => `const R2_${i}`),
    ...rn.rows[3].map((_, i) => `const R3_${i}`),
    ...rn.v12.map((_, i) => `const V_${i}`),
  ];
  const pro = rn.pro.emit(proOuts, proTargets, 'simd', 'q');
  const off = (j) => (j ? ` + o${j}` : '');
  const at = (ptr, i) => `${ptr} + <usize>(${i} * csw) + x`;
  const loads = [
    ...Array.from({ length: 5 }, (_, j) => `const a${j} = v128.load(ra + x${off(j)});`),
    ...Array.from({ length: 5 }, (_, j) => `const b${j} = v128.load(rb + x${off(j)});`),
    ...Array.from({ length: 5 }, (_, i) => `const g${i} = v128.load(${at('hs', i)});`),
    ...Array.from({ length: 10 }, (_, i) => `const l${i} = v128.load(${at('vs', i)});`),
    ...Array.from({ length: 5 }, (_, i) => `const t${i} = v128.load(${at('ts', i)});`),
  ];
  const stores = [
    ...Array.from({ length: 5 }, (_, i) => `v128.store(${at('ts', i)}, H4_${i});`),
    ...Array.from({ length: 5 }, (_, i) => `v128.store(${at('hs', i)}, H5_${i});`),
    ...Array.from({ length: 10 }, (_, i) => `v128.store(${at('vs', i)}, VH_${i});`),
  ];
  const proLoads = [0, 1, 2, 3].flatMap((r) =>
    Array.from(
      { length: 5 },
      (_, j) => `const p${r}_${j} = v128.load(P + <usize>(${r ? `${r} * rowLen + ` : ''}x)${off(j)});`,
    ),
  );
  const proStores = [
    ...Array.from({ length: 5 }, (_, i) => `v128.store(${at('cs', i)}, R0_${i});`),
    ...Array.from({ length: 5 }, (_, i) => `v128.store(${at('cs', 5 + i)}, R2_${i});`),
    ...Array.from({ length: 5 }, (_, i) => `v128.store(${at('hs', i)}, R3_${i});`),
    ...Array.from({ length: 10 }, (_, i) => `v128.store(${at('vs', i)}, V_${i});`),
  ];
  return {
    ops: body.ops / 2,
    code: `
/**
 * A 5×5 median (rank 12 of 25) of a uint8 image with \`C\` interleaved channels (each
 * filtered on its own), 16 output bytes × 2 rows per step. \`P\`: the padded image (rows of
 * \`rowLen\` = (width + 4)·C bytes, height + 4 rows, readable for \`csw\` bytes past its end);
 * \`cs\`: scratch of 25·csw + 16 bytes, \`csw\` ≥ outLen + 15 a multiple of 16; \`out\`: height
 * rows of \`outLen\` = width·C bytes, writable for 16 past the end. Window column j of output
 * byte b is padded byte b + j·C. Each padded row's 5 neighbours are sorted once; row pairs
 * (r+1, r+2), (r+3, r+4) merged once and shared by two output row pairs; ${body.ops} min/max per
 * 16 × 2 outputs in all, about ${(body.ops / 32).toFixed(1)} vector operations per output. Scratch: the sorted
 * top extra rows of the next two row pairs (ts, 2 × 5 rows), the last sorted row (hs, 5) and
 * the last merged row pair (vs, 10).
 */
export function median5x5_u8(
  P: usize,
  rowLen: i32,
  height: i32,
  outLen: i32,
  C: i32,
  cs: usize,
  csw: i32,
  out: usize,
): void {
  const o1 = <usize>C;
  const o2 = <usize>(2 * C);
  const o3 = <usize>(3 * C);
  const o4 = <usize>(4 * C);
  const hs = cs + <usize>(10 * csw);
  const vs = cs + <usize>(15 * csw);
  const last = (outLen - 1) & ~15;
  // prologue: H5 of rows 0 and 2 (top extras of the first two row pairs), H5 of row 3 and
  // the merge of rows 1 and 2
  for (let xi = 0; xi <= last; xi += 16) {
    const x = <usize>xi;
${indent(proLoads, 4)}
${indent(pro.lines, 4)}
${indent(proStores, 4)}
  }
  for (let r = 0; r < height; r += 2) {
    const two = r + 1 < height;
    const ra = P + <usize>((r + 4) * rowLen);
    const rb = two ? ra + <usize>rowLen : ra;
    const ts = cs + <usize>(((r >> 1) & 1) * 5 * csw);
    const top = out + <usize>(r * outLen);
    const bot = top + <usize>outLen;
    // right to left and the top row first: the top row's vector past its end spills into
    // the bottom row's start, which the bottom row's x = 0 overwrites
    for (let xi = last; xi >= 0; xi -= 16) {
      const x = <usize>xi;
${indent(loads, 6)}
${indent(body.lines, 6)}
${indent(stores, 6)}
      v128.store(top + x, mt);
      if (two) v128.store(bot + x, mu);
    }
  }
}
`,
  };
}

const wasmOut = new URL('../wasm/median.ts', import.meta.url).pathname;
const simdParts = [generateSimd(3), generateSimdRows5()];
writeFileSync(
  wasmOut,
  `// GENERATED by scripts/gen-median-networks.mjs — do not edit; run the script instead.
//
// Median 3×3 and 5×5 of uint8 planes with WebAssembly SIMD, u8x16 min/max on 16 consecutive
// output bytes: 3×3 with the column sorter and pruned merges of
// src/nonlinear/median-networks.ts; 5×5 from sorted rows, two output rows per step (see its
// comment). Every network is checked on random windows by the generator; bit-identical to the
// scalar networks (the exact median).
` + simdParts.map((g) => g.code).join(''),
);
counts.push(
  ...simdParts.map(
    (g, i) => `${[3, 5][i]}×${[3, 5][i]} simd: ${g.ops} u8x16 min/max per 16 outputs + column sort`,
  ),
);
execFileSync('npx', ['prettier', '--write', out, wasmOut], { stdio: 'inherit' });
console.log(counts.join('\n'));
