// Reordering a playlist's steps without reloading the page: the Move up / Move down buttons
// move the step at once (by keyboard as by mouse), and a step's handle drags it. Each change
// posts the whole new order; without this script the buttons post as plain forms.

const list = document.querySelector("ol[data-reorder]");

if (list) {
  const form = document.getElementById(list.dataset.reorder);
  const status = document.getElementById("order-status");
  const steps = () => [...list.querySelectorAll(":scope > .step")];

  const say = (text) => {
    if (status) status.textContent = text;
  };

  const renumber = () => {
    const all = steps();
    all.forEach((step, index) => {
      step.querySelector(".step__number").textContent = `${index + 1}.`;
      step.querySelector('[data-move="up"]').disabled = index === 0;
      step.querySelector('[data-move="down"]').disabled = index === all.length - 1;
    });
  };

  const save = async () => {
    say("");
    const body = new FormData(form);
    body.set("order", steps().map((step) => step.dataset.step).join(","));
    try {
      const response = await fetch(form.action, { method: "POST", body, credentials: "same-origin" });
      say(response.ok ? list.dataset.saved : list.dataset.failed);
    } catch {
      say(list.dataset.failed);
    }
  };

  list.addEventListener("click", (event) => {
    const button = event.target.closest("[data-move]");
    if (!button) return;
    event.preventDefault();
    const step = button.closest(".step");
    const up = button.dataset.move === "up";
    const other = up ? step.previousElementSibling : step.nextElementSibling;
    if (!other) return;
    if (up) other.before(step);
    else other.after(step);
    renumber();
    // Keep the keyboard where it was, or on the step's other button at either end.
    const focus = button.disabled ? step.querySelector(`[data-move="${up ? "down" : "up"}"]`) : button;
    focus.focus();
    save();
  });

  let dragged = null;
  list.addEventListener("pointerdown", (event) => {
    const handle = event.target.closest(".step__handle");
    if (!handle || event.button !== 0) return;
    event.preventDefault();
    dragged = handle.closest(".step");
    dragged.classList.add("is-dragging");
    handle.setPointerCapture(event.pointerId);
  });
  list.addEventListener("pointermove", (event) => {
    if (!dragged) return;
    const over = document.elementFromPoint(event.clientX, event.clientY)?.closest(".step");
    if (!over || over === dragged || over.parentElement !== list) return;
    const box = over.getBoundingClientRect();
    if (event.clientY < box.top + box.height / 2) over.before(dragged);
    else over.after(dragged);
  });
  const drop = () => {
    if (!dragged) return;
    dragged.classList.remove("is-dragging");
    dragged = null;
    renumber();
    save();
  };
  list.addEventListener("pointerup", drop);
  list.addEventListener("pointercancel", drop);
}
