// The wizard with JavaScript: the differential and the flowchart follow the answers as they
// change, and the address keeps the answers, so a bookmark or a shared link reopens them.
// Without this script the wizard is a plain form that works the same, a step at a time.

const form = document.getElementById("wizard-form");
if (form) enhance(form);
showPathEnd();

// On a narrow screen the chart scrolls sideways: bring the end of the answers' path into view.
function showPathEnd() {
  const box = document.querySelector(".flowchart");
  const end = box?.querySelector(".path-end");
  if (!box || !end || box.scrollWidth <= box.clientWidth) return;
  const left = end.getBoundingClientRect().left - box.getBoundingClientRect().left;
  box.scrollLeft += left - box.clientWidth / 2 + end.getBoundingClientRect().width / 2;
}

// The answers on the page as the canonical f=CODE list the server reads.
function answers(form) {
  const params = new URLSearchParams();
  for (const [name, value] of new FormData(form)) {
    if (value && (name === "f" || name.startsWith("q-"))) params.append("f", value);
  }
  return params;
}

function withStep(params, step) {
  const state = new URLSearchParams(params);
  state.append("step", step);
  return state;
}

function enhance(form) {
  const step = form.dataset.step;
  const region = document.getElementById("wizard-results");
  // Busy is set on the ranking alone, so the live status beside it is announced at once.
  const ranking = region.querySelector('[data-part="ranking"]');
  const live = document.getElementById("wizard-live");
  let controller = null;
  let timer = 0;

  // Step links carry the answers given so far, including those not yet submitted.
  function updateStepLinks(params) {
    for (const link of document.querySelectorAll(".wizard-steps a[data-step]")) {
      link.href = `${form.action}?${withStep(params, link.dataset.step)}`;
    }
  }

  async function refresh() {
    const params = answers(form);
    const state = withStep(params, step);
    controller?.abort();
    controller = new AbortController();
    ranking.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(`${form.dataset.resultsUrl}?${state}`, {
        signal: controller.signal,
        headers: { Accept: "text/html" },
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      // DOMParser never runs scripts; the fragment is our own server's HTML.
      const fragment = new DOMParser().parseFromString(await response.text(), "text/html");
      for (const part of fragment.querySelectorAll("[data-part]")) {
        const target = document.querySelector(`[data-part="${part.dataset.part}"]`);
        if (target) target.replaceChildren(...part.childNodes);
      }
      history.replaceState(null, "", `${form.action}?${state}`);
      updateStepLinks(params);
      showPathEnd();
      const status = region.querySelector("[data-status]");
      if (live && status) live.textContent = status.dataset.status;
    } catch (error) {
      if (error.name !== "AbortError" && live) live.textContent = form.dataset.errorText || "";
    } finally {
      ranking.removeAttribute("aria-busy");
    }
  }

  form.addEventListener("change", () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 120);
  });

  // Go straight to the canonical address, instead of through the server's redirect.
  form.addEventListener("submit", (event) => {
    const target = event.submitter?.value || step;
    event.preventDefault();
    window.location.assign(`${form.action}?${withStep(answers(form), target)}`);
  });
}
