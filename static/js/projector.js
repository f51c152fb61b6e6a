// The projector and the presenter view: keys move the session (posting to live:go), and both
// windows poll live:state with If-None-Match every second, so either window drives both.
// When the place changes the page's #screen is fetched again and swapped in; between moves
// only the answer count changes. Without this script the Next/Back forms do the same.
// The screens of a long text are shared too: the projector measures how many the text at its
// place fills and tells the server, whose → and ← walk them before the next stage, so a key
// pressed in the presenter window turns the projector's page.

import { start as startViewer } from "./viewer.js";

const POLL_MS = 500; // a 304 is cheap, and the tally should follow within a second
const DIGIT_WAIT_MS = 700; // "1" then "2" within this time goes to step 12
const LOOK_WAIT_MS = 250; // a stack scrolls here at once and is posted when the wheel rests

const root = document.documentElement;
const body = document.body;
const stateUrl = body.dataset.stateUrl;
const goUrl = body.dataset.goUrl;
const token = document.querySelector('input[name="csrfmiddlewaretoken"]');
const from = root.classList.contains("presenter") ? "presenter" : "present";
let version = Number(body.dataset.version);
let state = null; // the last place the server sent (live:state, or live:go's answer)
let reported = ""; // the place and count this window last told the server
let etag = "";
let digits = "";
let digitTimer = 0;

root.classList.add("js");

// -- long texts: a box that does not fit continues over further screens --------------------
// The text box of a step (class "flow") is cut into pages between its paragraphs and list
// items, measured here at the screen's real size (a "flow__keep" piece stays on every page).
// Which page shows is the room's, from the server. A paragraph taller than the whole box is
// cut between its sentences.
let pages = [[]];
let page = 0;

function piecesOf(box) {
  const pieces = [];
  for (const child of box.children) {
    if (child.classList.contains("flow__keep")) {
      continue; // on every page, as the diagnosis above its findings
    } else if (child.classList.contains("flow__list")) {
      pieces.push(...child.children);
    } else {
      pieces.push(child);
    }
  }
  return pieces;
}

function overflows(box) {
  return box.scrollHeight > box.clientHeight + 1;
}

function showOnly(box, shown) {
  for (const piece of piecesOf(box)) {
    piece.hidden = !shown.includes(piece);
  }
  for (const list of box.querySelectorAll(".flow__list")) {
    list.hidden = ![...list.children].some((item) => !item.hidden);
  }
}

function splitSentences(box, piece) {
  const sentences = piece.textContent.match(/[^.!?]+[.!?]*\s*/g) || [];
  const plain = [...piece.children].every((child) => child.tagName === "BR");
  if (!plain || sentences.length < 2) {
    return [piece];
  }
  const parts = sentences.map((sentence) => {
    const part = piece.cloneNode(false);
    part.textContent = sentence.trim();
    return part;
  });
  piece.replaceWith(...parts);
  return parts;
}

function fit() {
  const screen = document.getElementById("screen");
  const box = screen && screen.querySelector(".flow");
  pages = [[]];
  page = 0;
  if (box) {
    showOnly(box, piecesOf(box));
    const counter = document.getElementById("screen-page");
    if (overflows(box) && counter) {
      // The page counter takes its place in the header first, as it will on every page.
      counter.textContent = counter.dataset.template.replace("{page}", "9").replace("{pages}", "9");
      counter.hidden = false;
    }
    if (overflows(box)) {
      for (const piece of piecesOf(box)) {
        showOnly(box, [piece]);
        if (overflows(box)) {
          splitSentences(box, piece);
        }
      }
      pages = [];
      let current = [];
      for (const piece of piecesOf(box)) {
        showOnly(box, [...current, piece]);
        if (overflows(box) && current.length) {
          pages.push(current);
          current = [piece];
        } else {
          current.push(piece);
        }
      }
      pages.push(current);
    }
  }
  show();
  report();
}

// The shared place, for the screen shown: the latest state if it is about this screen's
// place, else what the server rendered into the screen.
function room() {
  const screen = document.getElementById("screen");
  if (state && screen && placeOf(state) === screen.dataset.place) {
    return state;
  }
  const box = document.getElementById("live-viewer");
  return {
    version: Number(screen ? screen.dataset.version : version),
    page: Number(screen ? screen.dataset.roomPage : 1) || 1,
    pages: Number(screen ? screen.dataset.roomPages : 1) || 1,
    blank: screen ? screen.dataset.blank === "1" : false,
    figure: box ? Number(box.dataset.figure) || null : null,
    frame: box ? Number(box.dataset.frame) || 1 : 1,
    preset: box ? box.dataset.preset : "file",
  };
}

function placeOf(shared) {
  return `${shared.position}.${shared.stage}.${shared.blank ? 1 : 0}`;
}

function show() {
  const shared = room();
  showPage(shared.page - 1);
  showViewer(shared);
  const screen = document.getElementById("screen");
  if (screen && (from === "presenter" || shared.pages === pages.length || shared.blank)) {
    // The room's count is this window's: → now walks these pages (tests wait for this).
    screen.dataset.fitted = "1";
  }
}

// Tell the server how many pages the text at this place fills here, once per place and count:
// two projectors of different sizes then settle on the last one's count, not argue forever.
async function report() {
  const screen = document.getElementById("screen");
  const shared = room();
  if (from !== "present" || !screen || shared.blank || shared.pages === pages.length) {
    return;
  }
  const key = `${screen.dataset.place}:${pages.length}`;
  if (reported === key) {
    return;
  }
  reported = key;
  const answer = await post("pages", pages.length, { version: String(shared.version) });
  if (answer && !answer.applied) {
    reported = ""; // measured before the latest change: try again with the next state
  }
  if (answer) {
    await apply(answer);
  }
}

function showPage(number) {
  const screen = document.getElementById("screen");
  if (!screen) {
    return;
  }
  page = Math.max(0, Math.min(number, pages.length - 1));
  const box = screen.querySelector(".flow");
  if (box && pages.length > 1) {
    showOnly(box, pages[page]);
  }
  const counter = document.getElementById("screen-page");
  if (counter) {
    counter.hidden = pages.length < 2;
    counter.textContent = counter.hidden
      ? ""
      : counter.dataset.template
          .replace("{page}", String(page + 1))
          .replace("{pages}", String(pages.length));
  }
  screen.dataset.page = String(page + 1);
  screen.dataset.pages = String(pages.length);
}

// A new state: the projector fetches its screen again when the place changed and otherwise
// only turns the page; the presenter's screen shows the page too, so it follows every change.
async function apply(next) {
  if (state && next.version < state.version) {
    return; // an answer overtaken by a later one
  }
  state = next;
  version = next.version;
  const screen = document.getElementById("screen");
  const stale =
    !screen ||
    (from === "presenter"
      ? Number(screen.dataset.version) !== next.version
      : screen.dataset.place !== placeOf(next));
  if (stale) {
    await refresh();
  } else {
    show();
    await report();
  }
}

// -- one image large: the step's images in the reading station's viewer ---------------------
// The open image, its frame and its window are the room's (the session's figure, frame and
// preset). A frame or window picked here shows at once and is posted when the scrolling
// rests; until then the polls do not pull the image back to the frame they knew.
const viewers = new WeakMap(); // each image's element → its viewer
let looking = null; // {figure, frame, preset} picked here and not yet taken by the server
let opening = null; // the image opened here (0: closed) while the server has not answered
let lookTimer = 0;

function viewerBox() {
  return document.getElementById("live-viewer");
}

function viewerOf(element) {
  if (!viewers.has(element)) {
    const figure = Number(element.dataset.figure);
    const viewer = startViewer(element, {
      keys: false,
      address: false,
      onChange: (look) => picked(element, figure, look),
    });
    viewers.set(element, viewer);
  }
  return viewers.get(element);
}

function showWindow(element, preset) {
  for (const label of element.querySelectorAll("[data-window]")) {
    label.hidden = label.dataset.window !== preset;
  }
}

function showViewer(shared) {
  const box = viewerBox();
  if (!box) {
    return;
  }
  const figure = opening !== null ? opening : shared.figure || 0;
  const local = looking && looking.figure === figure ? looking : shared;
  box.hidden = !figure;
  for (const element of box.querySelectorAll("[data-viewer]")) {
    const open = Number(element.dataset.figure) === figure;
    element.hidden = !open;
    if (open) {
      const viewer = viewerOf(element);
      viewer.show({ frame: local.frame, preset: local.preset });
      showWindow(element, viewer.preset);
      box.dataset.frame = String(viewer.frame);
      box.dataset.preset = viewer.preset;
    }
  }
  box.dataset.figure = figure ? String(figure) : "";
}

function picked(element, figure, look) {
  showWindow(element, look.preset);
  const box = viewerBox();
  if (box) {
    box.dataset.frame = String(look.frame);
    box.dataset.preset = look.preset;
  }
  looking = { figure, ...look };
  clearTimeout(lookTimer);
  lookTimer = setTimeout(sendLook, LOOK_WAIT_MS);
}

async function sendLook() {
  const look = looking;
  if (!look) {
    return;
  }
  const answer = await post("look", look.figure, {
    frame: String(look.frame),
    preset: look.preset,
  });
  if (looking === look) {
    looking = null; // taken (or refused: another window opened another image)
  }
  if (answer) {
    await apply(answer);
  }
}

function figureCount() {
  const box = viewerBox();
  return box ? Number(box.dataset.figures) || 0 : 0;
}

// Open image number `figure`, counted round (0 is the last); null closes the viewer. With
// `by` (1 or -1, the keys [ ] and Tab) the server counts from the room's image, as → and ←
// count from the room's place: two keys pressed in a window that has not yet caught up with
// the room still move the room two images. `figure` is then only what shows here meanwhile.
async function openFigure(figure, by = 0) {
  const count = figureCount();
  if (!count) {
    return;
  }
  const number = figure === null ? 0 : ((((figure - 1) % count) + count) % count) + 1;
  clearTimeout(lookTimer);
  looking = null;
  // Shown here at once, and kept while older polls arrive; the server's answer brings the
  // other windows along.
  opening = number;
  showViewer({ ...room(), frame: 1, preset: "file" });
  const answer = await (by ? post("turn", by) : post("view", number));
  if (opening === number) {
    opening = null;
  }
  if (answer) {
    await apply(answer);
  }
}

function openViewer() {
  const box = viewerBox();
  const element = box && box.querySelector("[data-viewer]:not([hidden])");
  return box && !box.hidden && element ? viewerOf(element) : null;
}

// The viewer's keys, when the step shows its images: true when the key was one of them.
function viewerKey(event) {
  const key = event.key;
  if (!figureCount()) {
    return false;
  }
  const figure = Number(viewerBox().dataset.figure) || 0; // as shown here, posted or not
  if (!figure) {
    if (key === "v" || key === "V" || key === "Enter") {
      openFigure(1);
      return true;
    }
    return false;
  }
  const viewer = openViewer();
  const moves = {
    v: () => openFigure(null),
    V: () => openFigure(null),
    Escape: () => openFigure(null),
    "]": () => openFigure(figure + 1, 1),
    "[": () => openFigure(figure - 1, -1),
    Tab: () => openFigure(figure + (event.shiftKey ? -1 : 1), event.shiftKey ? -1 : 1),
    ArrowDown: () => viewer && viewer.step(1),
    ArrowUp: () => viewer && viewer.step(-1),
    Home: () => viewer && viewer.goTo(1),
    End: () => viewer && viewer.goTo(viewer.frames),
    d: () => viewer && viewer.setPreset("file"),
    D: () => viewer && viewer.setPreset("file"),
    p: () => viewer && viewer.stepPreset(1),
    P: () => viewer && viewer.stepPreset(-1),
  };
  if (!moves[key]) {
    return false;
  }
  moves[key]();
  return true;
}

document.addEventListener("click", (event) => {
  const figure = event.target.closest && event.target.closest(".figure[data-figure]");
  if (figure && figureCount()) {
    openFigure(Number(figure.dataset.figure));
  }
});

// The key's own move and the next poll may both see a new place: the second fetch finds the
// screen already at that place and leaves it be, so the flowchart the teacher has just opened
// stays. `tally` swaps the presenter's tally alone when nothing else moved, so the room's
// image in the presenter view is not started again at every answer.
async function refresh(tally = false) {
  const response = await fetch(location.href, { headers: { Accept: "text/html" } });
  if (!response.ok) {
    return;
  }
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  const fresh = page.getElementById("screen");
  const screen = document.getElementById("screen");
  const moved =
    from === "presenter"
      ? fresh && screen && fresh.dataset.version !== screen.dataset.version
      : fresh && screen && fresh.dataset.place !== screen.dataset.place;
  if (moved) {
    screen.replaceWith(fresh);
    fit();
  } else if (screen) {
    const bars = fresh && fresh.querySelector(".presenter__tally");
    const oldBars = screen.querySelector(".presenter__tally");
    if (tally && bars && oldBars) {
      oldBars.replaceWith(bars);
    }
    show();
  }
  const place = page.querySelector(".live-controls__place");
  const oldPlace = document.querySelector(".live-controls__place");
  if (place && oldPlace) {
    oldPlace.textContent = place.textContent;
  }
  startTimer();
}

function showCount(answers) {
  const count = document.getElementById("answer-count");
  if (!count) {
    return;
  }
  const template = answers === 1 ? count.dataset.one : count.dataset.many;
  count.textContent = template.replace("{n}", String(answers));
  count.dataset.answers = String(answers);
}

async function poll() {
  try {
    const headers = etag ? { "If-None-Match": etag } : {};
    const response = await fetch(stateUrl, { headers, cache: "no-store" });
    if (response.status === 200) {
      etag = response.headers.get("ETag") || "";
      const polled = await response.json();
      if (polled.version !== version) {
        await apply(polled);
      }
      showCount(polled.answers);
      if (from === "presenter" && document.querySelector(".presenter__tally .bars")) {
        await refresh(true); // the presenter's tally grows as answers arrive
      }
    }
  } catch {
    // The network dropped for a moment: the next poll tries again.
  }
  setTimeout(poll, POLL_MS);
}

// One move at a time from this window: two keys pressed quickly go to the server in the
// order they were pressed (sent at once, the second could be taken first and win).
let posting = Promise.resolve();

function post(action, number = 0, extra = {}) {
  const sent = posting.then(() => send(action, number, extra));
  posting = sent;
  return sent;
}

async function send(action, number, extra) {
  const data = new FormData();
  data.append("action", action);
  data.append("number", String(number));
  data.append("from", from);
  for (const [name, value] of Object.entries(extra)) {
    data.append(name, value);
  }
  if (token) {
    data.append("csrfmiddlewaretoken", token.value);
  }
  try {
    const response = await fetch(goUrl, {
      method: "POST",
      body: data,
      headers: { Accept: "application/json" },
    });
    return response.ok ? await response.json() : null;
  } catch {
    return null; // the network dropped: the key is lost, the poll carries on
  }
}

async function go(action, number = 0) {
  const moved = await post(action, number);
  if (moved && moved.version !== version) {
    await apply(moved);
  }
}

function toggleKeys() {
  const keys = document.getElementById("live-keys");
  if (keys) {
    keys.hidden = !keys.hidden;
  }
}

function toggleFullscreen() {
  if (document.fullscreenElement) {
    document.exitFullscreen();
  } else if (root.requestFullscreen) {
    root.requestFullscreen().catch(() => {});
  }
}

const ACTIONS = {
  ArrowRight: "next",
  " ": "next",
  PageDown: "next",
  ArrowLeft: "back",
  PageUp: "back",
  b: "blank",
  B: "blank",
  r: "reveal",
  R: "reveal",
};

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) {
    return;
  }
  if (event.target.closest && event.target.closest("input, textarea, select, button")) {
    if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") {
      return;
    }
  }
  const key = event.key;
  if (viewerKey(event)) {
    event.preventDefault();
  } else if (ACTIONS[key]) {
    event.preventDefault();
    go(ACTIONS[key]);
  } else if (key === "f" || key === "F") {
    toggleFullscreen();
  } else if (key === "a" || key === "A") {
    root.classList.toggle("show-annotations");
  } else if (key === "w" || key === "W") {
    // Rendered only after the reveal; before it there is no flowchart to show.
    const chart = document.getElementById("flowchart");
    if (chart) {
      chart.hidden = !chart.hidden;
    }
  } else if (key === "?") {
    toggleKeys();
  } else if (key === "Escape") {
    for (const id of ["live-keys", "flowchart"]) {
      const shown = document.getElementById(id);
      if (shown) {
        shown.hidden = true;
      }
    }
  } else if (/^[0-9]$/.test(key)) {
    digits += key;
    clearTimeout(digitTimer);
    digitTimer = setTimeout(() => {
      const number = Number(digits);
      digits = "";
      if (number > 0) {
        go("goto", number);
      }
    }, DIGIT_WAIT_MS);
  }
});

let timerInterval = 0;
function startTimer() {
  const timer = document.getElementById("timer");
  clearInterval(timerInterval);
  if (!timer) {
    return;
  }
  const started = Date.parse(timer.dataset.started);
  const tick = () => {
    const seconds = Math.max(0, Math.floor((Date.now() - started) / 1000));
    const minutes = Math.floor(seconds / 60);
    timer.textContent = `${minutes}:${String(seconds % 60).padStart(2, "0")}`;
  };
  tick();
  timerInterval = setInterval(tick, 1000);
}

fit();
window.addEventListener("resize", fit);
startTimer();
poll();
