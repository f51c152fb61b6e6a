// Quizzes by keyboard: the number keys choose an answer, the letter shown beside each level
// says how sure you are, and Enter checks the answer (or, once it is checked, moves on).
// Without this script the page is a plain form that works the same with Tab and Space.

const form = document.querySelector(".quiz-form");
const next = document.querySelector(".quiz-next a[rel=next], .quiz-next a.button");

function typing(target) {
  return target instanceof HTMLInputElement && target.type === "text";
}

function pick(input) {
  input.checked = true;
  input.focus();
  input.dispatchEvent(new Event("change", { bubbles: true }));
}

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
  if (!form) {
    if (event.key === "Enter" && next && event.target === document.body) {
      event.preventDefault();
      next.click();
    }
    return;
  }
  const key = event.key.toLowerCase();
  if (/^[1-9]$/.test(key)) {
    const choice = form.querySelector(`input[name=choice][value="${key}"]`);
    if (choice) {
      event.preventDefault();
      pick(choice);
    }
    return;
  }
  const level = form.querySelector(`input[name=confidence][data-key="${CSS.escape(key)}"]`);
  if (level) {
    event.preventDefault();
    pick(level);
    return;
  }
  if (event.key === "Enter" && !form.classList.contains("quiz-where")) {
    event.preventDefault();
    form.requestSubmit();
  }
});
