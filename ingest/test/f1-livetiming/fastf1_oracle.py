"""FastF1 as a peer oracle for racetel's F1 live-timing decoder: reads the archive's CarData.z and
Position.z through FastF1's own parser (fastf1._api.car_data / position_data with a LiveTimingData
recording, offline) and prints every sample as a JSON line for the Node test to compare value by value.

The archive's lines are turned into FastF1's recording format ([topic, payload, utc] per line), the
format its SignalRClient writes. Usage: python3 fastf1_oracle.py ARCHIVE_DIR START_ISO OUT_FILE
"""
import datetime
import json
import logging
import sys
import tempfile

logging.disable(logging.CRITICAL)

from fastf1 import _api  # noqa: E402
from fastf1.livetiming.data import LiveTimingData  # noqa: E402


def main() -> None:
    archive, start_iso, out_path = sys.argv[1], sys.argv[2], sys.argv[3]
    start = datetime.datetime.fromisoformat(start_iso.replace("Z", "+00:00"))
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as rec:
        for topic in ("CarData.z", "Position.z"):
            with open(f"{archive}/{topic}.jsonStream", encoding="utf-8-sig") as f:
                for line in f:
                    line = line.rstrip("\r\n")
                    if len(line) < 13:
                        continue
                    h, m, s = line[:12].split(":")
                    t = start + datetime.timedelta(hours=int(h), minutes=int(m), seconds=float(s))
                    rec.write(json.dumps([topic, json.loads(line[12:]), t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")]) + "\n")
    live = LiveTimingData(rec.name)
    car = _api.car_data("offline", livedata=live)
    pos = _api.position_data("offline", livedata=live)
    with open(out_path, "w") as out:
        for num, df in car.items():
            for row in df.itertuples(index=False):
                us = int(row.Date.value // 1000)
                out.write(json.dumps({"k": "car", "car": int(num), "us": us, "rpm": int(row.RPM), "speed": float(row.Speed),
                                      "gear": int(row.nGear), "throttle": float(row.Throttle), "brake": bool(row.Brake), "drs": int(row.DRS)}) + "\n")
        for num, df in pos.items():
            for row in df.itertuples(index=False):
                us = int(row.Date.value // 1000)
                out.write(json.dumps({"k": "pos", "car": int(num), "us": us, "x": float(row.X), "y": float(row.Y), "z": float(row.Z), "status": str(row.Status)}) + "\n")


if __name__ == "__main__":
    main()
