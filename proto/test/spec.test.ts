import assert from "node:assert/strict";
import { test } from "node:test";
import { racetel } from "@racetel/proto";

const v1 = racetel.v1;

test("a frame round-trips through the generated code with a u64 session id kept exact", () => {
  const frame = v1.Frame.create({
    labels: { source: "f1:127.0.0.1", game: v1.Game.GAME_F1, format: "2023", sessionId: "18446744073709551615", carIndex: 0, driver: "PÉREZ" },
    receiveTimeUnixNano: 1_700_000_000_000,
    telemetry: { speedMps: 83.5, gear: 7, tyreSurfaceTemperatureCelsius: { frontLeft: 95, rearRight: 101 } },
  });
  const back = v1.Frame.decode(v1.Frame.encode(frame).finish());
  assert.equal(back.labels?.sessionId, "18446744073709551615");
  assert.equal(back.labels?.carIndex, 0);
  assert.equal(back.labels?.driver, "PÉREZ");
  assert.equal(back.payload, "telemetry");
  assert.equal(back.telemetry?.gear, 7);
  assert.equal(back.telemetry?.tyreSurfaceTemperatureCelsius?.rearRight, 101);
});
