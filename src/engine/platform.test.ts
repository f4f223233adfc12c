// availableCores asks libuv (the affinity mask and the cgroup's CPU limit, read from the
// system) at most once a second, and sees a change after that.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { availableCores, node } from './platform.js';

test('availableCores reads the host at most once a second, and sees a change after that', async () => {
  const os = node.os as unknown as { availableParallelism: () => number };
  const real = os.availableParallelism;
  let calls = 0;
  let cores = 5;
  os.availableParallelism = () => {
    calls++;
    return cores;
  };
  try {
    await sleep(1100); // (past any answer kept from before the stub)
    for (let i = 0; i < 1000; i++) assert.equal(availableCores(), 5);
    assert.equal(calls, 1);
    cores = 3;
    assert.equal(availableCores(), 5);
    await sleep(1100);
    assert.equal(availableCores(), 3);
    assert.equal(calls, 2);
  } finally {
    os.availableParallelism = real;
  }
});
