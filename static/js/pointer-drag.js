// Dragging with the primary pointer over an image, shared by the admin's annotation editor
// and its burned-in text review. Positions are fractions (0 to 1) of the surface, clamped
// to it, so each tool scales them to its own coordinates.

export function fractionAt(surface, event) {
  const box = surface.getBoundingClientRect();
  const clamp = (value) => Math.min(Math.max(value, 0), 1);
  return {
    x: clamp((event.clientX - box.left) / box.width),
    y: clamp((event.clientY - box.top) / box.height),
  };
}

// Calls move(start, point) while a drag goes on and end(start, point) when it is let go,
// with each point made by toPoint(event). The pointer is captured, so a drag that leaves
// the surface still ends.
export function onDrag(surface, toPoint, { move, end }) {
  let start = null;
  surface.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    event.preventDefault();
    surface.setPointerCapture(event.pointerId);
    start = toPoint(event);
  });
  surface.addEventListener("pointermove", (event) => {
    if (start) move(start, toPoint(event));
  });
  surface.addEventListener("pointerup", (event) => {
    if (!start) return;
    const from = start;
    start = null;
    end(from, toPoint(event));
  });
}
