// Shared lookup table for the branch-free appends of flagged lanes (not exported from the module).

/** For each byte b, the indices of its set bits, packed from the front (8 bytes per entry). */
const LANES: usize = memory.data(256 * 8, 16);
let lanesReady = false;

export function laneTable(): usize {
  if (!lanesReady) {
    for (let b = 0; b < 256; b++) {
      let j = 0;
      for (let k = 0; k < 8; k++) {
        store<u8>(LANES + <usize>(b * 8 + k), 0);
      }
      for (let k = 0; k < 8; k++) {
        if ((b >> k) & 1) store<u8>(LANES + <usize>(b * 8 + j++), <u8>k);
      }
    }
    lanesReady = true;
  }
  return LANES;
}
