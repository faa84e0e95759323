"""Decodes ACC page files with the peer reader PyAccSharedMemory (pip: pyaccsharedmemory) and prints JSON.

Usage: python3 pyacc_decode.py PHYSICS_FILE GRAPHICS_FILE STATIC_FILE

The peer reads Windows named mappings; here its own read_*_map functions read file-backed mmaps of the
given files instead. Every value the peer unpacks (its `temp` dict, in struct order) is captured, so the
comparison covers every field, not only the subset its result classes keep. Strings are cut at the first
NUL (the peer decodes the whole wchar_t buffer). Enum members become their numbers.
"""
import enum
import json
import mmap
import sys

import pyaccsharedmemory as peer


def capture_temp(read_fn, page):
    captured = {}

    def profiler(frame, event, _arg):
        if event == "return" and frame.f_code is read_fn.__code__:
            captured.update(frame.f_locals.get("temp", {}))

    sys.setprofile(profiler)
    try:
        read_fn(page)
    finally:
        sys.setprofile(None)
    return captured


def plain(value):
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (tuple, list)):
        return [plain(v) for v in value]
    if isinstance(value, str):
        return value.split("\x00", 1)[0]
    return value


def decode(path, read_fn):
    with open(path, "rb") as f:
        page = peer.accSM(f.fileno(), 0, access=mmap.ACCESS_READ)
        try:
            temp = capture_temp(read_fn, page)
        finally:
            page.close()
    return [[name, plain(value)] for name, value in temp.items()]


def main():
    physics, graphics, static = sys.argv[1:4]
    out = {
        "physics": decode(physics, peer.read_physic_map),
        "graphics": decode(graphics, peer.read_graphics_map),
        "static": decode(static, peer.read_static_map),
    }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
