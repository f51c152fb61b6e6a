// The header's colour-scheme switch, applied as soon as it changes. Without this script the
// form is posted with its Apply button and the page comes back in the chosen scheme.
// With it, the form is posted in the background and the class on <html> changes in place,
// so the reader keeps their place and focus on the page.

const form = document.querySelector("form[data-theme-switch]");
const select = form?.querySelector("select[name=theme]");
const apply = form?.querySelector(".theme-switch__apply");
const THEMES = ["auto", "light", "dark"];

function show(theme) {
  const root = document.documentElement;
  for (const name of THEMES) root.classList.toggle(`theme-${name}`, name === theme);
  const meta = document.querySelector("meta[name=color-scheme]");
  if (meta) meta.content = theme === "auto" ? "light dark" : theme;
}

async function post(body) {
  // The view answers with a redirect back to this page; following it would fetch the
  // whole page again for nothing. keepalive: a reader who moves on at once still saves it.
  const response = await fetch(form.action, {
    method: "POST",
    body,
    credentials: "same-origin",
    redirect: "manual",
    keepalive: true,
  });
  if (response.type !== "opaqueredirect" && !response.ok) throw new Error(response.status);
}

// Arrow keys on the select change it once per press: the posts go one after another, so
// the last choice is the one the session keeps.
let queue = Promise.resolve();

function save() {
  show(select.value);
  const body = new FormData(form);
  // Refused or offline: the plain form says what went wrong.
  queue = queue.then(() => post(body)).catch(() => form.submit());
}

if (form && select && apply) {
  apply.hidden = true;
  select.addEventListener("change", save);
}
