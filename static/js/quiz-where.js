// "Where is it?": the reader taps, clicks or steers a crosshair to the lesion, and the form
// posts nx and ny, from 0 to 1 across and down the picture, measured on the picture as it is
// shown, so it may shrink to fit a phone. Without this script the picture is a plain image
// button at its own size and the browser's where.x and where.y are the answer.
// Nothing here knows where the lesion is: the page is never told, and the marks drawn are
// only where the reader pointed, or the middle of the picture before they have.

const STEP = 0.02; // an arrow key moves the crosshair 2 % of the picture
const BIG_STEP = 0.1; // and 10 % with Shift

const MOVES = {
  ArrowLeft: [-1, 0],
  ArrowRight: [1, 0],
  ArrowUp: [0, -1],
  ArrowDown: [0, 1],
};

for (const form of document.querySelectorAll("form.quiz-where")) {
  start(form);
}

function start(form) {
  const image = form.querySelector("input.quiz-where__image");
  const frame = image && image.closest(".quiz-where__frame");
  const nx = form.querySelector('input[name="nx"]');
  const ny = form.querySelector('input[name="ny"]');
  if (!image || !frame || !nx || !ny) {
    return;
  }
  const hint = form.querySelector(".quiz-where__hint");
  const status = form.querySelector(".quiz-where__status");

  // The picture may now shrink with the screen: nx and ny do not depend on its size.
  const width = Number(image.getAttribute("width"));
  const height = Number(image.getAttribute("height"));
  if (width > 0 && height > 0) {
    image.style.aspectRatio = `${width} / ${height}`;
  }
  form.classList.add("js-scaled");
  if (hint) {
    hint.hidden = false;
    image.setAttribute("aria-describedby", hint.id);
  }

  const marker = mark("quiz-where__marker");
  const crosshair = mark("quiz-where__crosshair");
  frame.append(marker, crosshair);
  const point = { x: 0.5, y: 0.5 }; // where the crosshair stands; the middle to begin with

  function mark(name) {
    const element = document.createElement("span");
    element.className = name;
    element.hidden = true;
    element.setAttribute("aria-hidden", "true");
    return element;
  }

  function place(element, x, y) {
    element.style.left = `${x * 100}%`;
    element.style.top = `${y * 100}%`;
    element.hidden = false;
  }

  function choose(x, y) {
    nx.value = x.toFixed(4);
    ny.value = y.toFixed(4);
    point.x = x;
    point.y = y;
    place(marker, x, y);
  }

  function announce() {
    if (status && status.dataset.template) {
      status.textContent = status.dataset.template
        .replace("{x}", String(Math.round(point.x * 100)))
        .replace("{y}", String(Math.round(point.y * 100)));
    }
  }

  // The picture's content box on screen, in CSS pixels, whatever its scale.
  function box() {
    const rect = image.getBoundingClientRect();
    const style = getComputedStyle(image);
    const edge = (side) =>
      parseFloat(style.getPropertyValue(`border-${side}-width`)) +
      parseFloat(style.getPropertyValue(`padding-${side}`));
    return {
      left: rect.left + edge("left"),
      top: rect.top + edge("top"),
      width: rect.width - edge("left") - edge("right"),
      height: rect.height - edge("top") - edge("bottom"),
    };
  }

  function submit() {
    choose(point.x, point.y);
    if (typeof form.requestSubmit === "function") {
      form.requestSubmit(image);
    } else {
      image.click(); // a click without a pointer: the handler below keeps the crosshair's point
    }
  }

  image.addEventListener("click", (event) => {
    // A click that no pointer made (assistive technology, the fallback above) has no place
    // on the picture: the crosshair's point is the answer.
    const area = box();
    if (event.detail === 0 || area.width <= 0 || area.height <= 0) {
      choose(point.x, point.y);
      return;
    }
    choose(
      clamp((event.clientX - area.left) / area.width),
      clamp((event.clientY - area.top) / area.height),
    );
    crosshair.hidden = true;
  });

  image.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    const move = MOVES[event.key];
    if (move) {
      event.preventDefault(); // the arrows steer the crosshair, not the page's scroll
      const step = event.shiftKey ? BIG_STEP : STEP;
      point.x = clamp(round(point.x + move[0] * step));
      point.y = clamp(round(point.y + move[1] * step));
      place(crosshair, point.x, point.y);
      announce();
    } else if (event.key === "Enter" || event.key === " ") {
      // Enter and Space would post where.x = where.y = 0: post the crosshair instead.
      event.preventDefault();
      if (!event.repeat) {
        submit();
      }
    }
  });
  // Space activates a button when released: that was handled when it went down.
  image.addEventListener("keyup", (event) => {
    if (event.key === " ") {
      event.preventDefault();
    }
  });

  image.addEventListener("focus", () => {
    if (image.matches(":focus-visible")) {
      place(crosshair, point.x, point.y);
      announce();
    }
  });
  image.addEventListener("blur", () => {
    crosshair.hidden = true;
  });
}

function clamp(value) {
  return Math.min(1, Math.max(0, value));
}

// Steps of 2 % add up without floating-point dust (0.1 + 0.2 and the like).
function round(value) {
  return Math.round(value * 10000) / 10000;
}
