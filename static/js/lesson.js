/*
 * The lesson side of a module page: run and copy buttons, the ✓ of passed steps, and the reset of
 * the module.
 *
 * The server judges the steps; the page only shows what it says. Every terminal tab's socket
 * receives ["event", {"type": "progress", "module": slug, "passed": [step ids]}], the complete list,
 * at connect and whenever it changes; terminal.js turns it into a "terminal:event" DOM event.
 * Reset posts to the module's reset/ URL after the learner confirms in a dialog; the server then
 * restarts every terminal on the module's start state, and the module's passed steps are cleared.
 * Texts come from data-text-* attributes, so they are translated.
 */
(function () {
  "use strict";

  const lesson = document.querySelector(".lesson[data-module]");
  if (!lesson) {
    return;
  }
  const texts = lesson.dataset;
  const announcer = document.getElementById("progress-announcer");

  // Run and copy -----------------------------------------------------------------------------

  function flash(button, label) {
    const original = button.dataset.label || button.textContent;
    button.dataset.label = original;
    button.textContent = label;
    window.setTimeout(function () { button.textContent = original; }, 1500);
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      const area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      const ok = document.execCommand("copy");
      document.body.removeChild(area);
      (ok ? resolve : reject)();
    });
  }

  lesson.addEventListener("click", function (event) {
    const button = event.target.closest("button.run, button.copy");
    if (!button || !button.dataset.command) {
      return;
    }
    if (button.classList.contains("run")) {
      if (window.Tutorial && window.Tutorial.terminals) {
        window.Tutorial.terminals.run(Number(button.dataset.tab || 1), button.dataset.command,
          button.hasAttribute("data-interrupt"));
      }
    } else {
      copyText(button.dataset.command).then(
        function () { flash(button, texts.textCopied); },
        function () { flash(button, texts.textCopyFailed); }
      );
    }
  });

  // Progress ---------------------------------------------------------------------------------

  function showPassed(passed) {
    const done = new Set(passed);
    const newlyPassed = [];
    lesson.querySelectorAll(".step[data-step]").forEach(function (step) {
      const isPassed = done.has(step.dataset.step);
      if (isPassed && !step.classList.contains("passed")) {
        newlyPassed.push(step.querySelector(".step-title").textContent.trim());
      }
      step.classList.toggle("passed", isPassed);
    });
    if (announcer && newlyPassed.length > 0) {
      announcer.textContent = newlyPassed.map(function (title) { return texts.textStepPassed + " " + title; })
        .join(" ");
    }
  }

  document.addEventListener("terminal:event", function (event) {
    const detail = event.detail;
    if (detail && detail.type === "progress" && detail.module === texts.module && Array.isArray(detail.passed)) {
      showPassed(detail.passed);
    }
  });

  // Reset ------------------------------------------------------------------------------------

  const resetButton = lesson.querySelector("button.reset-module");
  const dialog = document.getElementById("reset-dialog");
  if (!resetButton || !dialog || typeof dialog.showModal !== "function") {
    return;
  }
  const confirmButton = dialog.querySelector("button.confirm-reset");
  const cancelButton = dialog.querySelector("button.cancel");
  const errorMessage = dialog.querySelector(".dialog-error");

  // The module view always sets Django's CSRF cookie.
  function csrfToken() {
    const cookie = document.cookie.split("; ").find(function (item) { return item.startsWith("csrftoken="); });
    return cookie ? decodeURIComponent(cookie.slice("csrftoken=".length)) : "";
  }

  function busy(isBusy) {
    confirmButton.disabled = isBusy;
    cancelButton.disabled = isBusy;
    confirmButton.textContent = isBusy ? texts.textResetting : confirmButton.dataset.label;
  }

  resetButton.addEventListener("click", function () {
    errorMessage.hidden = true;
    confirmButton.dataset.label = confirmButton.dataset.label || confirmButton.textContent;
    busy(false);
    dialog.showModal();
  });

  cancelButton.addEventListener("click", function () {
    dialog.close();
  });

  dialog.addEventListener("close", function () {
    resetButton.focus();
  });

  confirmButton.addEventListener("click", function () {
    busy(true);
    errorMessage.hidden = true;
    fetch(resetButton.dataset.resetUrl, {
      method: "POST",
      headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" },
      credentials: "same-origin",
    }).then(function (response) {
      return response.ok ? response.json() : { ok: false };
    }).catch(function () {
      return { ok: false };
    }).then(function (answer) {
      busy(false);
      if (answer && answer.ok) {
        showPassed([]);
        dialog.close();
      } else {
        errorMessage.hidden = false;
      }
    });
  });
})();
