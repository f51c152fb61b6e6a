// Annotation editor for the image admin: arrows, circles and labels drawn over the display
// image, kept in the annotations textarea as JSON in image coordinates from 0 to 1.
// Without this script the textarea is edited by hand and validated by the form.

import { fractionAt, onDrag } from "./pointer-drag.js";

const SVG = "http://www.w3.org/2000/svg";
const COLOUR = "#ffd60a";

for (const box of document.querySelectorAll("[data-annotate][data-image]")) {
  setUp(box);
}

function setUp(box) {
  const textarea = box.querySelector("textarea");
  const editor = box.querySelector("[data-editor]");
  const surface = box.querySelector("[data-surface]");
  const picture = surface.querySelector("img");
  const drawing = box.querySelector("[data-drawing]");
  const labelText = box.querySelector("[data-label-text]");
  const frameInput = box.querySelector("[data-frame]");
  const width = Number(box.dataset.width);
  const height = Number(box.dataset.height);
  const side = Math.max(width, height);
  let shapes;
  try {
    shapes = JSON.parse(textarea.value || "[]");
    if (!Array.isArray(shapes)) throw new TypeError("not a list");
  } catch {
    return; // leave the text for the author to fix; the form will say what is wrong
  }
  let tool = "arrow";
  let preview = null;

  editor.hidden = false;
  textarea.hidden = true;

  const currentFrame = () => (frameInput && frameInput.value ? Number(frameInput.value) - 1 : null);

  function save() {
    textarea.value = JSON.stringify(shapes, null, 1);
  }

  function element(name, attributes) {
    const node = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
    return node;
  }

  function shapeNode(shape) {
    const stroke = { stroke: COLOUR, "stroke-width": side * 0.006, fill: "none" };
    const x1 = shape.x1 * width;
    const y1 = shape.y1 * height;
    if (shape.type === "label") {
      return element("text", {
        x: x1, y: y1, fill: COLOUR, stroke: "#000", "stroke-width": side * 0.006,
        "paint-order": "stroke", "font-size": side * 0.04, "font-weight": 700,
        "dominant-baseline": "middle", "font-family": "system-ui, sans-serif",
      });
    }
    const x2 = shape.x2 * width;
    const y2 = shape.y2 * height;
    if (shape.type === "circle") {
      return element("circle", { cx: x1, cy: y1, r: Math.hypot(x2 - x1, y2 - y1), ...stroke });
    }
    const group = element("g", {});
    group.append(element("line", { x1, y1, x2, y2, ...stroke, "stroke-linecap": "round" }));
    // The head: two short strokes back from the tip, at 28 degrees either side of the shaft.
    const angle = Math.atan2(y2 - y1, x2 - x1);
    const head = side * 0.03;
    for (const turn of [-0.5, 0.5]) {
      group.append(element("line", {
        x1: x2, y1: y2,
        x2: x2 - head * Math.cos(angle + turn), y2: y2 - head * Math.sin(angle + turn),
        ...stroke, "stroke-linecap": "round",
      }));
    }
    return group;
  }

  function draw() {
    drawing.replaceChildren();
    // The picture shows the chosen frame, or the first when shapes go on every frame.
    const shown = currentFrame() ?? 0;
    for (const shape of [...shapes, ...(preview ? [preview] : [])]) {
      if (shape.frame !== null && shape.frame !== undefined && shape.frame !== shown) continue;
      const node = shapeNode(shape);
      if (shape.type === "label") node.textContent = shape.text;
      drawing.append(node);
    }
  }

  function point(event) {
    const { x, y } = fractionAt(surface, event);
    const round = (value) => Math.round(value * 10000) / 10000;
    return { x: round(x), y: round(y) };
  }

  function shapeTo(start, end) {
    const shape = { type: tool, frame: currentFrame(), x1: start.x, y1: start.y };
    if (tool === "label") return { ...shape, text: labelText.value.trim() };
    return { ...shape, x2: end.x, y2: end.y };
  }

  onDrag(surface, point, {
    move(start, end) {
      if (tool === "label") return;
      preview = shapeTo(start, end);
      draw();
    },
    end(start, end) {
      const shape = shapeTo(start, end);
      preview = null;
      const tiny =
        shape.type !== "label" && Math.hypot(shape.x2 - shape.x1, shape.y2 - shape.y1) < 0.01;
      if (shape.type === "label" && !shape.text) {
        labelText.focus();
        labelText.setCustomValidity(labelText.dataset.missing || "Type the label first.");
        labelText.reportValidity();
      } else if (!tiny) {
        shapes.push(shape);
        save();
      }
      draw();
    },
  });
  labelText.addEventListener("input", () => labelText.setCustomValidity(""));

  for (const button of box.querySelectorAll("[data-tool]")) {
    button.addEventListener("click", () => {
      tool = button.dataset.tool;
      for (const other of box.querySelectorAll("[data-tool]")) {
        other.setAttribute("aria-pressed", other === button ? "true" : "false");
      }
    });
  }
  box.querySelector("[data-undo]").addEventListener("click", () => {
    shapes.pop();
    save();
    draw();
  });
  box.querySelector("[data-show-json]").addEventListener("click", () => {
    textarea.hidden = !textarea.hidden;
  });
  // Typing in the textarea wins: reparse so the drawing matches the text that will be saved.
  textarea.addEventListener("input", () => {
    try {
      const parsed = JSON.parse(textarea.value || "[]");
      if (Array.isArray(parsed)) shapes = parsed;
      draw();
    } catch {
      // half-typed JSON: keep the last good drawing until the text parses again
    }
  });
  if (frameInput) {
    frameInput.addEventListener("input", () => {
      const frame = currentFrame() ?? 0;
      picture.src = box.dataset.image.replace(/\/0\/display\.webp$/, `/${frame}/display.webp`);
      draw();
    });
  }
  draw();
}
