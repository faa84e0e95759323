// The live view page: socket -> store -> one requestAnimationFrame draws what changed.
import "./style.css";
import "uplot/dist/uPlot.min.css";
import type { ServerMessage } from "../protocol.js";
import { PROTOCOL_VERSION } from "../protocol.js";
import { PagePerf } from "./perf.js";
import { LiveSocket, socketUrl } from "./socket.js";
import { LiveStore } from "./store.js";
import { CarPanelView } from "./views/car.js";
import { EventsView } from "./views/events.js";
import { MapView } from "./views/map.js";
import { SessionsView } from "./views/sessions.js";
import { StatusView } from "./views/status.js";
import { TowerView } from "./views/tower.js";
import { TracesView } from "./views/traces.js";

const store = new LiveStore();
const perf = new PagePerf();
const status = new StatusView(store);
const sessions = new SessionsView(store);
const car = new CarPanelView(store);
const map = new MapView(store);
const traces = new TracesView(store);
const events = new EventsView(store);
// Last: it clears the per-frame change marks the views above read.
const tower = new TowerView(store);

let scheduled = false;
function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(draw);
}

function draw(): void {
  scheduled = false;
  const start = performance.now();
  status.draw();
  sessions.draw();
  car.draw();
  map.draw();
  traces.draw();
  events.draw();
  tower.draw();
  store.selectionChanged = false;
  perf.noteDraw(performance.now() - start);
}

const socket = new LiveSocket(socketUrl(window.location), {
  message(msg: ServerMessage) {
    if (msg.t === "hello" && msg.version !== PROTOCOL_VERSION) {
      store.setConnection("lost");
      document.title = "racetel live: page and server versions differ, reload";
    }
    const start = performance.now();
    store.apply(msg);
    perf.noteApply(performance.now() - start, msg.t === "update" ? Object.keys(msg.cars).length : 0);
    sync();
  },
  open() {
    store.setConnection("open");
    schedule();
  },
  lost() {
    store.setConnection("lost");
    schedule();
  },
});

/** Asks the server for the session and car the user looks at, whenever that changed. */
function sync(): void {
  if (store.watchRequested) {
    store.watchRequested = false;
    socket.watch({ t: "watch", session: store.session, car: store.selectedCar });
  }
  schedule();
}

document.addEventListener("click", () => sync());
document.addEventListener("change", () => sync());

declare global {
  interface Window {
    racetelPerf: PagePerf;
    racetelStore: LiveStore;
    racetelMap: MapView;
  }
}
window.racetelPerf = perf;
window.racetelStore = store;
window.racetelMap = map;
socket.connect();
