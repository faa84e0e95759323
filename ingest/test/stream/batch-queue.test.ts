import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BatchQueue } from "@racetel/ingest/stream/index";

describe("BatchQueue", () => {
  it("drops the oldest batches when full by count and counts their frames", () => {
    let dropped = 0;
    const q = new BatchQueue(3, 1 << 20, (n) => { dropped += n; });
    for (let i = 1; i <= 5; i++) q.push({ bytes: Buffer.alloc(10, i), frames: i });
    assert.equal(q.length, 3);
    assert.equal(dropped, 1 + 2);
    assert.deepEqual([q.shift()!.frames, q.shift()!.frames, q.shift()!.frames], [3, 4, 5]);
    assert.equal(q.shift(), undefined);
    assert.equal(q.bytes, 0);
  });

  it("keeps queued bytes under the byte bound", () => {
    let dropped = 0;
    const q = new BatchQueue(100, 100, (n) => { dropped += n; });
    for (let i = 0; i < 10; i++) q.push({ bytes: Buffer.alloc(30), frames: 1 });
    assert.ok(q.bytes <= 100);
    assert.equal(q.length, 3);
    assert.equal(dropped, 7);
  });
});
