// Burned-in text review: drag rectangles over the held image; each fills the next empty row
// of the form (x, y, width, height in source pixels). The form works without this script.

import { fractionAt, onDrag } from "./pointer-drag.js";

const surface = document.querySelector("[data-blank]");
if (surface) setUp(surface);

function setUp(surface) {
  const SVG = "http://www.w3.org/2000/svg";
  const width = Number(surface.dataset.width);
  const height = Number(surface.dataset.height);
  const layer = surface.querySelector("[data-rectangles]");
  const rows = Array.from(document.querySelectorAll("[data-row]")).map((row) =>
    Array.from(row.querySelectorAll("input")),
  );
  const clear = document.querySelector("[data-clear]");
  let preview = null;

  function toPixels(event) {
    const { x, y } = fractionAt(surface, event);
    return { x: Math.round(x * width), y: Math.round(y * height) };
  }

  function rectangle(a, b) {
    return {
      x: Math.min(a.x, b.x),
      y: Math.min(a.y, b.y),
      w: Math.abs(a.x - b.x),
      h: Math.abs(a.y - b.y),
    };
  }

  function filledRows() {
    return rows
      .filter((inputs) => inputs.every((input) => input.value !== ""))
      .map(([x, y, w, h]) => ({ x: +x.value, y: +y.value, w: +w.value, h: +h.value }));
  }

  function draw() {
    layer.replaceChildren();
    for (const box of [...filledRows(), ...(preview ? [preview] : [])]) {
      const node = document.createElementNS(SVG, "rect");
      const attributes = {
        x: box.x, y: box.y, width: box.w, height: box.h,
        fill: "#000", "fill-opacity": 0.75, stroke: "#ffd60a",
        "stroke-width": Math.max(width, height) * 0.004,
      };
      for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
      layer.append(node);
    }
  }

  onDrag(surface, toPixels, {
    move(start, end) {
      preview = rectangle(start, end);
      draw();
    },
    end(start, end) {
      const box = rectangle(start, end);
      preview = null;
      const empty = rows.find((inputs) => inputs.every((input) => input.value === ""));
      if (box.w >= 1 && box.h >= 1 && empty) {
        [box.x, box.y, box.w, box.h].forEach((value, index) => {
          empty[index].value = String(value);
        });
      }
      draw();
    },
  });
  for (const input of rows.flat()) input.addEventListener("input", draw);
  clear.hidden = false;
  clear.addEventListener("click", () => {
    for (const input of rows.flat()) input.value = "";
    draw();
  });
  draw();
}
