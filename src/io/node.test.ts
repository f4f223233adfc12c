import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import fc from 'fast-check';

import type { DType } from '../core/dtypes.js';
import { FormatError, InvalidArgumentError } from '../core/errors.js';
import { type NDArray, ndarray } from '../core/ndarray.js';
import { encodeNpy } from '../core/npy.js';
import { FileError, readArray, writeArray, writeFileAtomic } from './node.js';

const SAMPLES = new URL('../../samples/', import.meta.url).pathname;
let dir = '';

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'convkit-io-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A fresh empty directory for one test. */
async function freshDir(name: string): Promise<string> {
  const d = join(dir, name);
  await mkdir(d);
  return d;
}

async function rejectsWith<E extends Error>(
  promise: Promise<unknown>,
  cls: new (...args: never[]) => E,
  pattern: RegExp,
): Promise<E> {
  let caught: unknown;
  await promise.catch((e: unknown) => {
    caught = e;
  });
  assert.ok(caught instanceof cls, `expected ${cls.name}, got ${String(caught)}`);
  assert.match(caught.message, pattern);
  return caught;
}

const rgb = (): NDArray =>
  ndarray(
    Uint8Array.from({ length: 4 * 5 * 3 }, (_, i) => i * 4),
    [4, 5, 3],
  );

// --- reading -------------------------------------------------------------------------------

test('node readArray reads the samples (PNG RGB and gray)', async () => {
  const a = await readArray(join(SAMPLES, 'astronaut.png'));
  assert.deepEqual(a.shape, [512, 512, 3]);
  assert.equal(a.dtype, 'uint8');
  const c = await readArray(join(SAMPLES, 'camera.png'));
  assert.deepEqual(c.shape, [512, 512]);
});

test('node readArray and writeArray never modify the input file', async () => {
  const d = await freshDir('input-untouched');
  const input = join(d, 'in.png');
  await writeFile(input, await readFile(join(SAMPLES, 'camera.png')));
  const before = await readFile(input);
  const { mtimeMs } = await stat(input);
  const a = await readArray(input);
  (a.data as Uint8Array).fill(0); // the array does not alias anything on disk
  await writeArray(join(d, 'out.png'), a);
  assert.deepEqual(await readFile(input), before);
  assert.equal((await stat(input)).mtimeMs, mtimeMs);
});

test('node extensions are case-insensitive: .NPY, .Png, .JPG, .JPEG', async () => {
  const d = await freshDir('case');
  for (const name of ['a.NPY', 'b.Png', 'c.JPG', 'd.JPEG', 'e.jpeg', 'f.jpg']) {
    const path = join(d, name);
    await writeArray(path, rgb());
    const back = await readArray(path);
    assert.deepEqual(back.shape, [4, 5, 3], name);
  }
  // Each was written in its own format.
  assert.deepEqual([...(await readFile(join(d, 'a.NPY'))).subarray(1, 6)], [...Buffer.from('NUMPY')]);
  assert.deepEqual([...(await readFile(join(d, 'b.Png'))).subarray(1, 4)], [...Buffer.from('PNG')]);
  assert.deepEqual([...(await readFile(join(d, 'c.JPG'))).subarray(0, 2)], [0xff, 0xd8]);
});

test('node .npy round trip for every dtype and rank (property)', async () => {
  const d = await freshDir('npy-roundtrip');
  let i = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom<DType>('uint8', 'uint16', 'float32', 'float64'),
      fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }),
      fc.integer(),
      async (dtype, shape, seed) => {
        const n = shape.reduce((p, x) => p * x, 1);
        const values = Array.from({ length: n }, (_, k) => ((seed + k * 7919) % 1000) / 3);
        const data =
          dtype === 'uint8'
            ? Uint8Array.from(values)
            : dtype === 'uint16'
              ? Uint16Array.from(values, (v) => v * 100)
              : dtype === 'float32'
                ? Float32Array.from(values)
                : Float64Array.from(values);
        const a = ndarray(data, shape);
        const path = join(d, `a${i++}.npy`);
        await writeArray(path, a);
        const b = await readArray(path);
        assert.equal(b.dtype, dtype);
        assert.deepEqual(b.shape, shape);
        assert.deepEqual(b.data, a.data);
      },
    ),
    { numRuns: 40 },
  );
});

test('node PNG round trip keeps 16-bit data and the alpha flag; JPEG is close', async () => {
  const d = await freshDir('png-jpeg');
  const rgba16 = ndarray(
    Uint16Array.from({ length: 3 * 2 * 4 }, (_, i) => i * 2500),
    [3, 2, 4],
    { alpha: true },
  );
  await writeArray(join(d, 'x.png'), rgba16);
  const b = await readArray(join(d, 'x.png'));
  assert.equal(b.alpha, true);
  assert.deepEqual(b.data, rgba16.data);

  const flat = ndarray(new Uint8Array(16 * 16 * 3).fill(120), [16, 16, 3]);
  await writeArray(join(d, 'x.jpg'), flat, { quality: 80 });
  const j = await readArray(join(d, 'x.jpg'));
  assert.deepEqual(j.shape, [16, 16, 3]);
  assert.ok(j.data.every((v) => Math.abs(v - 120) <= 2));
});

// --- errors when reading -------------------------------------------------------------------

test('node readArray: missing file, directory, unknown extension', async () => {
  const missing = join(dir, 'nope', 'missing.png');
  const e = await rejectsWith(readArray(missing), FileError, /^cannot read ".*missing\.png": no such file$/);
  assert.equal(e.code, 'ENOENT');
  assert.equal(e.path, missing);
  const d = await freshDir('a-dir.npy');
  await rejectsWith(readArray(d), FileError, /^cannot read ".*a-dir\.npy": it is a directory$/);
  await rejectsWith(
    readArray('picture.tiff'),
    InvalidArgumentError,
    /^Expected a path ending in \.npy, \.png, \.jpg or \.jpeg for input, got "picture\.tiff"$/,
  );
  await rejectsWith(readArray('noextension'), InvalidArgumentError, /for input, got "noextension"/);
  await rejectsWith(readArray(''), InvalidArgumentError, /for input, got ""/);
});

test('node readArray: corrupt files give FormatError naming the path', async () => {
  const d = await freshDir('corrupt');
  await writeFile(join(d, 'bad.png'), 'not a png at all');
  await rejectsWith(
    readArray(join(d, 'bad.png')),
    FormatError,
    /^PNG: ".*bad\.png": not a PNG file: the first bytes/,
  );
  await writeFile(join(d, 'bad.jpg'), new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16]));
  await rejectsWith(readArray(join(d, 'bad.jpg')), FormatError, /^JPEG: ".*bad\.jpg": corrupt, truncated/);
  const npy = encodeNpy(ndarray(new Float64Array(4), [2, 2]));
  await writeFile(join(d, 'short.npy'), npy.subarray(0, npy.length - 3));
  await rejectsWith(
    readArray(join(d, 'short.npy')),
    FormatError,
    /^\.npy: ".*short\.npy": data length 29 bytes does not match shape \(2, 2\) of <f8: expected 32 bytes/,
  );
  // A PNG file named .jpg is read as JPEG, and refused as such.
  await writeFile(join(d, 'png.jpg'), await readFile(join(SAMPLES, 'camera.png')));
  await rejectsWith(readArray(join(d, 'png.jpg')), FormatError, /^JPEG: .*not a JPEG file/);
});

// --- atomic writes -------------------------------------------------------------------------

test('node writeArray: an encode error writes nothing and leaves an existing file as it was', async () => {
  const d = await freshDir('encode-error');
  const floats = ndarray(new Float32Array(4), [2, 2]);
  await rejectsWith(
    writeArray(join(d, 'out.png'), floats),
    InvalidArgumentError,
    /uint8 or uint16 image for PNG/,
  );
  await rejectsWith(
    writeArray(join(d, 'out.jpg'), ndarray(new Uint8Array(16), [2, 2, 4])),
    InvalidArgumentError,
    /drop the alpha channel or write PNG/,
  );
  await rejectsWith(
    writeArray(join(d, 'out.jpg'), rgb(), { quality: 0 }),
    InvalidArgumentError,
    /for quality/,
  );
  await rejectsWith(
    writeArray(join(d, 'out.bmp'), rgb()),
    InvalidArgumentError,
    /^Expected a path ending in \.npy, \.png, \.jpg or \.jpeg for output, got ".*out\.bmp"$/,
  );
  assert.deepEqual(await readdir(d), []);

  await writeFile(join(d, 'keep.png'), 'old contents');
  await rejectsWith(writeArray(join(d, 'keep.png'), floats), InvalidArgumentError, /for output/);
  assert.equal(await readFile(join(d, 'keep.png'), 'utf8'), 'old contents');
  assert.deepEqual(await readdir(d), ['keep.png']);
});

test('node writeArray replaces an existing file and leaves no temporary files', async () => {
  const d = await freshDir('replace');
  const path = join(d, 'out.npy');
  await writeFile(path, 'old');
  await writeArray(path, rgb());
  assert.deepEqual((await readArray(path)).data, rgb().data);
  assert.deepEqual(await readdir(d), ['out.npy']);
});

test('node writeArray into a missing directory: FileError, nothing left behind', async () => {
  const d = await freshDir('missing-dir');
  const path = join(d, 'sub', 'out.png');
  const e = await rejectsWith(
    writeArray(path, rgb()),
    FileError,
    /^cannot write ".*out\.png": no such directory$/,
  );
  assert.equal(e.operation, 'write');
  assert.deepEqual(await readdir(d), []);
});

test('node writeArray onto a directory: rename fails, the temporary file is removed', async () => {
  const d = await freshDir('onto-dir');
  await mkdir(join(d, 'out.png'));
  await writeFile(join(d, 'out.png', 'inside'), 'x');
  await rejectsWith(
    writeArray(join(d, 'out.png'), rgb()),
    FileError,
    /^cannot write ".*out\.png": it is a directory$/,
  );
  assert.deepEqual(await readdir(d), ['out.png']);
  assert.deepEqual(await readdir(join(d, 'out.png')), ['inside']);
});

test('node concurrent writes to one path: the result is one complete file, no temporary files', async () => {
  const d = await freshDir('concurrent');
  const path = join(d, 'out.npy');
  const arrays = Array.from({ length: 8 }, (_, k) => ndarray(new Float64Array(1000).fill(k), [10, 100]));
  await Promise.all(arrays.map((a) => writeArray(path, a)));
  const b = await readArray(path);
  assert.ok(b.data.every((v) => v === b.data[0]));
  assert.deepEqual(await readdir(d), ['out.npy']);
});

test('node writeFileAtomic writes the bytes exactly and leaves only the target', async () => {
  const d = await freshDir('atomic');
  const bytes = new Uint8Array([1, 2, 3, 250]);
  await writeFileAtomic(join(d, 'raw.bin'), bytes);
  assert.deepEqual(new Uint8Array(await readFile(join(d, 'raw.bin'))), bytes);
  assert.deepEqual(await readdir(d), ['raw.bin']);
});
