// The projector and the presenter view: keys move the session (posting to live:go), and both
// windows poll live:state with If-None-Match every second, so either window drives both.
// When the place changes the page's #screen is fetched again and swapped in; between moves
// only the answer count changes. Without this script the Next/Back forms do the same.

const POLL_MS = 500; // a 304 is cheap, and the tally should follow within a second
const DIGIT_WAIT_MS = 700; // "1" then "2" within this time goes to step 12

const root = document.documentElement;
const body = document.body;
const stateUrl = body.dataset.stateUrl;
const goUrl = body.dataset.goUrl;
const token = document.querySelector('input[name="csrfmiddlewaretoken"]');
const from = root.classList.contains("presenter") ? "presenter" : "present";
let version = Number(body.dataset.version);
let etag = "";
let digits = "";
let digitTimer = 0;

root.classList.add("js");

// -- long texts: a box that does not fit continues over further screens --------------------
// The text box of a step (class "flow") is cut into pages between its paragraphs and list
// items, measured here at the screen's real size (a "flow__keep" piece stays on every page);
// → and Space walk the pages before the next step, ← walks back. A paragraph taller than the
// whole box is cut between its sentences.
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
  showPage(0);
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
  screen.dataset.fitted = "1";
}

function nextPage() {
  if (page + 1 < pages.length) {
    showPage(page + 1);
    return true;
  }
  return false;
}

function previousPage() {
  if (page > 0) {
    showPage(page - 1);
    return true;
  }
  return false;
}

// The key's own move and the next poll may both see a new version: the second fetch finds the
// screen already at that version and leaves it be, so a page of a long text or the flowchart
// the teacher has just opened stays. `always` swaps it even so (the presenter's tally).
async function refresh(always = false) {
  const response = await fetch(location.href, { headers: { Accept: "text/html" } });
  if (!response.ok) {
    return;
  }
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  const fresh = page.getElementById("screen");
  const screen = document.getElementById("screen");
  if (fresh && screen && (always || Number(fresh.dataset.version) !== version)) {
    screen.replaceWith(fresh);
    version = Number(fresh.dataset.version);
    fit();
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
      const state = await response.json();
      if (state.version !== version) {
        await refresh();
      }
      showCount(state.answers);
      if (from === "presenter" && document.querySelector(".presenter__tally .bars")) {
        await refresh(true); // the presenter's tally grows as answers arrive
      }
    }
  } catch {
    // The network dropped for a moment: the next poll tries again.
  }
  setTimeout(poll, POLL_MS);
}

async function go(action, number = 0) {
  const data = new FormData();
  data.append("action", action);
  data.append("number", String(number));
  data.append("from", from);
  if (token) {
    data.append("csrfmiddlewaretoken", token.value);
  }
  const response = await fetch(goUrl, {
    method: "POST",
    body: data,
    headers: { Accept: "application/json" },
  });
  if (response.ok) {
    const moved = await response.json();
    if (moved.version !== version) {
      await refresh();
    }
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
  if (from === "present" && ACTIONS[key] === "next" && nextPage()) {
    event.preventDefault();
  } else if (from === "present" && ACTIONS[key] === "back" && previousPage()) {
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
