/*
 * The terminal tabs of a module page: "Terminal 1", "Terminal 2" and "+" (up to four), each its
 * own shell on the learner's one sandbox, over its own socket (?lang=xx&tab=N&module=slug).
 *
 * A tab's terminal is made the first time the tab is shown or a lesson command runs in it, so a
 * learner who never needs a second shell never starts one. Hidden tabs keep their screens; the
 * status in the bar is the shown tab's. The tab strip follows the WAI-ARIA tabs pattern: arrow
 * keys, Home and End move between tabs, and only the selected tab is in the Tab order.
 *
 * window.Tutorial.terminals.run(tab, command, interrupt) is what the lesson's run buttons call.
 */
(function () {
  "use strict";

  const pane = document.getElementById("terminals");
  if (!pane || typeof window.Terminal !== "function" || !window.Tutorial || !window.Tutorial.TerminalSession) {
    return;
  }
  const texts = pane.dataset;
  const statusElement = document.getElementById("terminal-status");
  const addButton = pane.querySelector("button.terminal-add");
  const tabs = Array.from(pane.querySelectorAll("[role=tab]")).map(function (button) {
    return {
      number: Number(button.dataset.tab),
      button: button,
      panel: document.getElementById(button.getAttribute("aria-controls")),
      session: null,
      state: "idle",
      label: "",
    };
  });
  let selected = tabs[0];
  //: The tabs this browser tab had open, so the next page (another module, the other language)
  //: reconnects them at once and a command left running there (kubectl proxy) keeps its shell.
  const OPEN_TABS_KEY = "tutorial.openTerminals";

  function rememberOpenTabs() {
    try {
      window.sessionStorage.setItem(OPEN_TABS_KEY, JSON.stringify({
        open: tabs.filter(function (tab) { return tab.session !== null; })
          .map(function (tab) { return tab.number; }),
        selected: selected.number,
      }));
    } catch (error) {
      // No storage (private mode, disabled): the next page starts with Terminal 1 only.
    }
  }

  function rememberedOpenTabs() {
    try {
      return JSON.parse(window.sessionStorage.getItem(OPEN_TABS_KEY)) || {};
    } catch (error) {
      return {};
    }
  }

  function socketUrl(number) {
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    const query = new URLSearchParams({
      lang: texts.lang || document.documentElement.lang || "en",
      tab: String(number),
      module: texts.module || "",
    });
    return scheme + "//" + window.location.host + (texts.socketPath || "/ws/terminal/") + "?" + query.toString();
  }

  function showStatus() {
    if (statusElement) {
      statusElement.dataset.state = selected.state === "open" ? "connected"
        : selected.state === "ended" ? "disconnected" : "connecting";
      statusElement.textContent = selected.label || texts.textConnecting;
    }
  }

  function sessionOf(tab) {
    if (tab.session === null) {
      const sessionTexts = {
        connecting: texts.textConnecting,
        connected: texts.textConnected,
        disconnected: texts.textDisconnected,
        ended: texts.textEnded,
        noSession: texts.textNoSession,
      };
      tab.session = new window.Tutorial.TerminalSession(tab.panel, socketUrl(tab.number), sessionTexts,
        function (state, label) {
          tab.state = state;
          tab.label = label;
          tab.button.dataset.state = state;
          if (tab === selected) {
            showStatus();
          }
        });
    }
    return tab.session;
  }

  function updateAddButton() {
    if (addButton) {
      addButton.hidden = tabs.every(function (tab) { return !tab.button.hidden; });
    }
  }

  function select(tab, moveFocus) {
    tab.button.hidden = false;
    tabs.forEach(function (other) {
      const isSelected = other === tab;
      other.button.setAttribute("aria-selected", isSelected ? "true" : "false");
      other.button.tabIndex = isSelected ? 0 : -1;
      other.panel.hidden = !isSelected;
    });
    selected = tab;
    updateAddButton();
    const session = sessionOf(tab);
    session.fit();
    showStatus();
    rememberOpenTabs();
    if (moveFocus) {
      tab.button.focus();
    }
    return session;
  }

  function tabNumbered(number) {
    return tabs.find(function (tab) { return tab.number === number; }) || tabs[0];
  }

  function run(number, command, interrupt) {
    const session = select(tabNumbered(number), false);
    session.focus();
    return session.type(command, interrupt);
  }

  pane.addEventListener("click", function (event) {
    const button = event.target.closest("button");
    if (!button) {
      return;
    }
    if (button === addButton) {
      const next = tabs.find(function (tab) { return tab.button.hidden; });
      if (next) {
        select(next, false);
        next.session.focus();
      }
    } else if (button.getAttribute("role") === "tab") {
      select(tabNumbered(Number(button.dataset.tab)), false);
    }
  });

  pane.querySelector("[role=tablist]").addEventListener("keydown", function (event) {
    const shown = tabs.filter(function (tab) { return !tab.button.hidden; });
    const index = shown.indexOf(selected);
    const target = {
      ArrowLeft: shown[(index - 1 + shown.length) % shown.length],
      ArrowRight: shown[(index + 1) % shown.length],
      Home: shown[0],
      End: shown[shown.length - 1],
    }[event.key];
    if (target && event.target.getAttribute("role") === "tab") {
      event.preventDefault();
      select(target, true);
    }
  });

  let fitScheduled = false;
  new ResizeObserver(function () {
    if (!fitScheduled) {
      fitScheduled = true;
      window.requestAnimationFrame(function () {
        fitScheduled = false;
        if (selected.session) {
          selected.session.fit();
        }
      });
    }
  }).observe(pane.querySelector(".terminal-panels"));

  const previous = rememberedOpenTabs();
  (previous.open || []).forEach(function (number) {
    const tab = tabs.find(function (candidate) { return candidate.number === number; });
    if (tab) {
      tab.button.hidden = false;
      sessionOf(tab);
    }
  });
  select(tabNumbered(previous.selected || 1), false);

  window.Tutorial.terminals = { run: run };
})();
