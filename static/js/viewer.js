// The reading-station viewer: stack scrolling, window presets, zoom and pan, annotations,
// full screen. The page works without it; this script only makes each change instant and
// keeps the address bar in step, so a teacher can share exactly what is on screen.
// The projector starts it too, on each image it can open large: without the viewer's own
// keys (the projector's are different) and without the address bar, telling the projector
// of each frame and window the reader picks so that the room's other windows follow.

const page = document.getElementById("viewer");
if (page && page.dataset.pattern) {
  start(page);
}

/**
 * Start the viewer on `root`. Options: `keys` (the viewer's own keyboard, on by default),
 * `address` (keep the address bar in step, on by default), `onChange({frame, preset})`
 * (called after the reader changes either). Returns `show({frame, preset})`, which draws a
 * state chosen elsewhere without calling `onChange`, and `goTo`, `step`, `setPreset`.
 */
export function start(root, { keys = true, address = true, onChange = null } = {}) {
  const $ = (selector) => root.querySelector(selector);
  const $$ = (selector) => Array.from(root.querySelectorAll(selector));
  const image = $("[data-image]");
  const stage = $("[data-stage]");
  const canvas = $("[data-canvas]");
  const overlay = $("[data-overlay]");
  const slider = $("[data-slider]");
  const counter = $("[data-counter]");
  const frameInput = $("#viewer-frame");
  const annotationsLink = $("[data-annotations]");
  const pattern = root.dataset.pattern;
  const sizes = root.dataset.sizes.split(",").filter(Boolean).map((entry) => entry.split(" "));
  const presets = root.dataset.presets.split(",");
  const total = Number(root.dataset.frames);
  const counterTemplate = counter ? counter.dataset.template : "";

  const state = {
    frame: Number(root.dataset.frame),
    preset: root.dataset.preset,
    ann: root.dataset.ann === "1",
  };
  // Opened from a revealed case: every address keeps reveal=1.
  const revealed = root.dataset.reveal === "1";
  const view = { scale: 1, x: 0, y: 0 };
  const MIN_SCALE = 1;
  const MAX_SCALE = 8;

  // -- addresses ---------------------------------------------------------------------------

  function variant(size, preset) {
    return preset === "file" ? size : `${size}-${preset}`;
  }

  function rendition(frame, size, preset) {
    return pattern.replace("{frame}", String(frame - 1)).replace("{variant}", variant(size, preset));
  }

  function srcset(frame, preset) {
    return sizes
      .map(([name, width]) => `${rendition(frame, name.split("-")[0], preset)} ${width}w`)
      .join(", ");
  }

  function query(changes = {}) {
    const next = { ...state, ...changes };
    const params = new URLSearchParams({
      frame: String(next.frame),
      preset: next.preset,
      ann: next.ann ? "1" : "0",
    });
    if (revealed) params.set("reveal", "1");
    return `?${params}`;
  }

  // The size the browser picked from srcset, so preloading fetches the same files.
  function currentSize() {
    const match = /\/(thumb|display|large)(?:-[a-z-]+)?\.webp$/.exec(image.currentSrc || "");
    return match ? match[1] : "display";
  }

  // -- drawing the state -------------------------------------------------------------------

  function render() {
    image.srcset = srcset(state.frame, state.preset);
    image.src = rendition(state.frame, "display", state.preset);
    if (counter) {
      counter.textContent = counterTemplate
        .replace("{frame}", String(state.frame))
        .replace("{total}", String(total));
    }
    if (slider) slider.value = String(state.frame);
    if (frameInput) frameInput.value = String(state.frame);
    for (const link of $$("[data-preset]")) {
      if (link.dataset.preset === state.preset) link.setAttribute("aria-current", "true");
      else link.removeAttribute("aria-current");
    }
    if (overlay) {
      overlay.setAttribute("display", state.ann ? "inline" : "none");
      for (const shape of $$("[data-shape]")) {
        const frame = shape.dataset.frame;
        const shown = frame === "" || Number(frame) === state.frame - 1;
        shape.setAttribute("display", shown ? "inline" : "none");
      }
    }
    if (annotationsLink) {
      const label = state.ann ? annotationsLink.dataset.hideLabel : annotationsLink.dataset.showLabel;
      annotationsLink.firstChild.textContent = `${label} `;
      // The words say the state ("Hide…" while shown); a link may not carry aria-pressed.
      annotationsLink.classList.toggle("is-on", state.ann);
      annotationsLink.href = query({ ann: !state.ann });
    }
    for (const link of $$("[data-go]")) {
      const target = { first: 1, previous: state.frame - 1, next: state.frame + 1, last: total };
      link.href = query({ frame: clamp(target[link.dataset.go], 1, total) });
    }
    for (const link of $$("[data-preset]")) link.href = query({ preset: link.dataset.preset });
    for (const input of $$("input[type=hidden][name=preset]")) input.value = state.preset;
    for (const input of $$("input[type=hidden][name=ann]")) input.value = state.ann ? "1" : "0";
    if (address) history.replaceState(null, "", query());
    preloadNeighbours();
  }

  function changed() {
    render();
    if (onChange) onChange({ frame: state.frame, preset: state.preset });
  }

  const preloaded = new Set();
  function preloadNeighbours() {
    const size = currentSize();
    for (const frame of [state.frame - 1, state.frame + 1, state.frame + 2]) {
      if (frame < 1 || frame > total) continue;
      const url = rendition(frame, size, state.preset);
      if (preloaded.has(url)) continue;
      preloaded.add(url);
      const picture = new Image();
      picture.decoding = "async";
      picture.src = url;
    }
  }

  // -- changing the state ------------------------------------------------------------------

  function clamp(value, low, high) {
    return Math.min(Math.max(value, low), high);
  }

  function goTo(frame) {
    const next = clamp(Math.round(frame), 1, total);
    if (next === state.frame) return;
    state.frame = next;
    changed();
  }

  function setPreset(name) {
    if (!presets.includes(name) || name === state.preset) return;
    state.preset = name;
    changed();
  }

  // The next window in the image's list (`by` -1: the one before), round the end.
  function stepPreset(by) {
    const here = presets.indexOf(state.preset);
    setPreset(presets[(here + by + presets.length) % presets.length]);
  }

  function toggleAnnotations() {
    if (!overlay) return;
    state.ann = !state.ann;
    render();
  }

  function applyView() {
    canvas.style.transform = `translate(${view.x}px, ${view.y}px) scale(${view.scale})`;
    stage.classList.toggle("is-zoomed", view.scale > 1);
  }

  // Zoom by `factor` keeping the point (px, py), relative to the stage centre, in place.
  function zoom(factor, px = 0, py = 0) {
    const scale = clamp(view.scale * factor, MIN_SCALE, MAX_SCALE);
    const ratio = scale / view.scale;
    view.x = px - (px - view.x) * ratio;
    view.y = py - (py - view.y) * ratio;
    view.scale = scale;
    if (scale === 1) {
      view.x = 0;
      view.y = 0;
    }
    limitPan();
    applyView();
  }

  function resetView() {
    view.scale = 1;
    view.x = 0;
    view.y = 0;
    applyView();
  }

  // Keep at least part of the image on screen however far it is dragged.
  function limitPan() {
    const limitX = (image.clientWidth * view.scale) / 2;
    const limitY = (image.clientHeight * view.scale) / 2;
    view.x = clamp(view.x, -limitX, limitX);
    view.y = clamp(view.y, -limitY, limitY);
  }

  function fromStageCentre(clientX, clientY) {
    const box = stage.getBoundingClientRect();
    return [clientX - (box.left + box.width / 2), clientY - (box.top + box.height / 2)];
  }

  function toggleFullscreen() {
    if (document.fullscreenElement) document.exitFullscreen();
    else root.requestFullscreen().catch(() => {});
  }

  // -- input -------------------------------------------------------------------------------

  const presetKeys = new Map(
    $$("[data-preset][data-key]").map((link) => [link.dataset.key.toLowerCase(), link.dataset.preset]),
  );

  document.addEventListener("keydown", (event) => {
    if (!keys) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target instanceof HTMLElement && target.closest("input, textarea, select")) return;
    const key = event.key;
    const actions = {
      ArrowUp: () => goTo(state.frame - 1),
      ArrowLeft: () => goTo(state.frame - 1),
      PageUp: () => goTo(state.frame - 1),
      ArrowDown: () => goTo(state.frame + 1),
      ArrowRight: () => goTo(state.frame + 1),
      PageDown: () => goTo(state.frame + 1),
      Home: () => goTo(1),
      End: () => goTo(total),
      "+": () => zoom(1.25),
      "=": () => zoom(1.25),
      "-": () => zoom(1 / 1.25),
      _: () => zoom(1 / 1.25),
      0: () => resetView(),
    };
    let action = actions[key];
    const lower = key.toLowerCase();
    if (!action && lower === "a" && overlay) action = toggleAnnotations;
    if (!action && lower === "a" && annotationsLink) {
      action = () => window.location.assign(annotationsLink.href);
    }
    if (!action && lower === "f" && document.fullscreenEnabled) action = toggleFullscreen;
    if (!action && presetKeys.has(lower)) action = () => setPreset(presetKeys.get(lower));
    // The stack keys only matter for a stack; on a single image they keep scrolling the page.
    const stackKey = /^(Arrow|Page|Home|End)/.test(key);
    if (!action || (stackKey && total < 2)) return;
    event.preventDefault();
    action();
  });

  root.addEventListener("click", (event) => {
    const link = event.target instanceof Element ? event.target.closest("a, button") : null;
    if (!link || !root.contains(link)) return;
    const { go, preset, zoom: zoomTo } = link.dataset;
    let handled = true;
    if (go) {
      goTo({ first: 1, previous: state.frame - 1, next: state.frame + 1, last: total }[go]);
    } else if (preset) {
      setPreset(preset);
    } else if (link.hasAttribute("data-annotations") && overlay) {
      // Without an overlay (an unknown's annotations are not sent until asked for), the
      // link loads the page with them.
      toggleAnnotations();
    } else if (zoomTo) {
      if (zoomTo === "in") zoom(1.25);
      else if (zoomTo === "out") zoom(1 / 1.25);
      else resetView();
    } else if (link.hasAttribute("data-fullscreen")) {
      toggleFullscreen();
    } else {
      handled = false;
    }
    if (handled) event.preventDefault();
  });

  const form = $("[data-frame-form]");
  if (form) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      goTo(Number(frameInput.value) || 1);
    });
  }
  if (slider) {
    slider.hidden = false;
    slider.addEventListener("input", () => goTo(Number(slider.value)));
  }

  // Wheel: a notch scrolls one frame; with Ctrl (and trackpad pinch, which sends Ctrl) or on
  // a single image, it zooms about the pointer.
  let wheelRest = 0;
  stage.addEventListener(
    "wheel",
    (event) => {
      event.preventDefault();
      const pixels = event.deltaMode === 1 ? event.deltaY * 40 : event.deltaY;
      if (event.ctrlKey || total < 2) {
        const [px, py] = fromStageCentre(event.clientX, event.clientY);
        zoom(Math.exp(-pixels / 300), px, py);
        return;
      }
      wheelRest += pixels;
      const steps = Math.trunc(wheelRest / 50) || Math.sign(wheelRest) * (Math.abs(pixels) >= 50 ? 1 : 0);
      if (steps) {
        wheelRest = 0;
        goTo(state.frame + steps);
      }
    },
    { passive: false },
  );

  // Pointers: one pointer pans when zoomed in and scrolls the stack otherwise; two pinch.
  const pointers = new Map();
  let gesture = null;
  stage.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    stage.setPointerCapture(event.pointerId);
    pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
    gesture = startGesture();
  });
  stage.addEventListener("pointermove", (event) => {
    if (!pointers.has(event.pointerId) || !gesture) return;
    pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
    moveGesture(event.pointerType);
  });
  for (const type of ["pointerup", "pointercancel", "lostpointercapture"]) {
    stage.addEventListener(type, (event) => {
      if (!pointers.delete(event.pointerId)) return;
      gesture = pointers.size ? startGesture() : null;
    });
  }

  function startGesture() {
    const points = Array.from(pointers.values());
    return {
      points: points.map((point) => ({ ...point })),
      view: { ...view },
      frame: state.frame,
      distance: points.length > 1 ? spread(points) : 0,
    };
  }

  function spread([a, b]) {
    return Math.hypot(a.x - b.x, a.y - b.y) || 1;
  }

  function moveGesture(pointerType) {
    const points = Array.from(pointers.values());
    if (points.length > 1 && gesture.points.length > 1) {
      const [cx, cy] = fromStageCentre((points[0].x + points[1].x) / 2, (points[0].y + points[1].y) / 2);
      view.scale = gesture.view.scale;
      view.x = gesture.view.x;
      view.y = gesture.view.y;
      zoom(spread(points) / gesture.distance, cx, cy);
      return;
    }
    const dx = points[0].x - gesture.points[0].x;
    const dy = points[0].y - gesture.points[0].y;
    if (gesture.view.scale > 1) {
      view.x = gesture.view.x + dx;
      view.y = gesture.view.y + dy;
      limitPan();
      applyView();
    } else if (total > 1) {
      // Touch swipes sideways (vertical swipes scroll the page); a mouse drags up and down.
      const travel = pointerType === "touch" ? dx : dy;
      goTo(gesture.frame + Math.trunc(travel / 12));
    }
  }

  // Controls that need the script appear only once it runs.
  for (const button of $$("[data-zoom]")) button.hidden = false;
  const fullscreen = $("[data-fullscreen]");
  if (fullscreen && document.fullscreenEnabled) fullscreen.hidden = false;
  root.classList.add("has-script");
  render();

  return {
    show({ frame, preset }) {
      const next = clamp(Math.round(frame) || 1, 1, total);
      const chosen = presets.includes(preset) ? preset : presets[0];
      if (next === state.frame && chosen === state.preset) return;
      state.frame = next;
      state.preset = chosen;
      render();
    },
    goTo,
    step: (by) => goTo(state.frame + by),
    setPreset,
    stepPreset,
    get frame() {
      return state.frame;
    },
    get preset() {
      return state.preset;
    },
    frames: total,
  };
}
