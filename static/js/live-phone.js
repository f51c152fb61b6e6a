// A phone in a live session follows the projector: it polls live:state with If-None-Match,
// and when a question opens or closes it loads the page again. Other moves (a page of text,
// a frame of a stack) change nothing on a phone, so 300 phones do not reload for them.
// Without this script, reloading the page does the same.

// A phone only needs to see a question open or close; a slower poll keeps 300 phones cheap.
const POLL_MS = 2000;
const phone = document.getElementById("live-phone");

if (phone) {
  const url = phone.dataset.stateUrl;
  const open = phone.dataset.open;
  let etag = "";
  const poll = async () => {
    try {
      const headers = etag ? { "If-None-Match": etag } : {};
      const response = await fetch(url, { headers, cache: "no-store" });
      if (response.status === 200) {
        etag = response.headers.get("ETag") || "";
        const state = await response.json();
        if (String(state.open ?? "") !== open) {
          location.replace(phone.dataset.phoneUrl);
          return;
        }
      }
    } catch {
      // Out of reach for a moment: try again.
    }
    setTimeout(poll, POLL_MS);
  };
  setTimeout(poll, POLL_MS);
}
