// Windows only: ACC's named mappings Local\acpmf_{physics,graphics,static}, read through koffi (an
// optional dependency, imported only here and only on Windows). Cannot run on the Linux CI.
import { LAYOUTS } from "./pages.js";
import type { PageKind } from "./pages.js";
import type { PageReader } from "./page-files.js";

const FILE_MAP_READ = 0x0004;
// Win32 BOOL is a 4-byte int: declared as int, not koffi's 1-byte bool.

/** Opens the three mappings; throws a clear message when ACC is not running or koffi is unavailable. */
export async function openWindowsPages(): Promise<PageReader> {
  let koffi: typeof import("koffi");
  try {
    koffi = (await import("koffi")).default as typeof import("koffi");
  } catch {
    throw new Error("koffi is not installed: run `npm install koffi` next to racetel (needed for ACC shared memory on Windows)");
  }
  const kernel32 = koffi.load("kernel32.dll");
  const OpenFileMappingW = kernel32.func("void* __stdcall OpenFileMappingW(uint32 access, int inherit, str16 name)");
  const MapViewOfFile = kernel32.func("void* __stdcall MapViewOfFile(void* h, uint32 access, uint32 hi, uint32 lo, size_t n)");
  const UnmapViewOfFile = kernel32.func("int __stdcall UnmapViewOfFile(void* p)");
  const CloseHandle = kernel32.func("int __stdcall CloseHandle(void* h)");

  const views = new Map<PageKind, { handle: unknown; view: unknown; bytes: Uint8Array; copy: Uint8Array }>();
  for (const kind of ["physics", "graphics", "static"] as const) {
    const size = LAYOUTS[kind].size;
    const handle: unknown = OpenFileMappingW(FILE_MAP_READ, 0, `Local\\acpmf_${kind}`);
    if (!handle) throw new Error(`ACC shared memory Local\\acpmf_${kind} not found: start ACC and get into a session first`);
    const view: unknown = MapViewOfFile(handle, FILE_MAP_READ, 0, 0, size);
    if (!view) throw new Error(`cannot map Local\\acpmf_${kind}`);
    views.set(kind, { handle, view, bytes: new Uint8Array(koffi.view(view, size)), copy: new Uint8Array(size) });
  }
  return {
    // the mapped view is live memory: copy it so a page is not torn while it is being sent
    read: (kind) => { const v = views.get(kind)!; v.copy.set(v.bytes); return v.copy; },
    close: () => {
      for (const v of views.values()) { UnmapViewOfFile(v.view); CloseHandle(v.handle); }
      views.clear();
    },
  };
}
