/*
 * The learner's terminal: xterm.js in the page, bridged over a WebSocket to the sandbox shell that
 * the server runs for this browser session.
 *
 * Wire protocol, one JSON array per message:
 *   client → server  ["stdin", text]   ["resize", rows, cols]
 *   server → client  ["stdout", text]  ["event", {...}]  ["exit", code]  ["notice", text]
 *
 * Lesson buttons (button.run / button.copy with data-command) type or copy a command. Events from
 * the server are re-dispatched on the #terminal element as "terminal:event" DOM events so other
 * parts of the page (progress) can listen without knowing the socket.
 * Every visible text comes from data-text-* attributes of #terminal, so it is translated.
 */
(function () {
  "use strict";

  const container = document.getElementById("terminal");
  if (!container || typeof window.Terminal !== "function") {
    return;
  }
  const texts = container.dataset;
  const statusElement = document.getElementById("terminal-status");

  const term = new window.Terminal({
    allowProposedApi: true,
    cursorBlink: true,
    convertEol: false,
    fontFamily: '"Noto Sans Mono CJK JP", "DejaVu Sans Mono", Menlo, Consolas, "Liberation Mono", monospace',
    fontSize: 14,
    lineHeight: 1.15,
    scrollback: 5000,
    theme: {
      background: "#151a21",
      foreground: "#d7dde5",
      cursor: "#f2c45e",
      cursorAccent: "#151a21",
      selectionBackground: "#3a4a60",
      black: "#1d232c",
      red: "#ef7b7b",
      green: "#9bd67d",
      yellow: "#f2c45e",
      blue: "#7aaef0",
      magenta: "#cf9bef",
      cyan: "#6fd3d6",
      white: "#d7dde5",
      brightBlack: "#6b7686",
      brightRed: "#ff9d9d",
      brightGreen: "#b6eb98",
      brightYellow: "#ffd98a",
      brightBlue: "#9fc6ff",
      brightMagenta: "#e1b9ff",
      brightCyan: "#95e7e9",
      brightWhite: "#f5f7fa",
    },
  });
  const fitAddon = new window.FitAddon.FitAddon();
  term.loadAddon(fitAddon);
  term.loadAddon(new window.Unicode11Addon.Unicode11Addon());
  term.unicode.activeVersion = "11";
  term.open(container);

  // The server closes with this code when the request carried no session cookie (it expired).
  const CLOSE_NO_SESSION = 4403;

  let socket = null;
  let state = "idle"; // idle | connecting | open | ended
  let pending = [];
  let escapePressed = false;

  function setStatus(name, label) {
    if (statusElement) {
      statusElement.dataset.state = name;
      statusElement.textContent = label || "";
    }
  }

  function socketUrl() {
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    const path = texts.socketPath || "/ws/terminal/";
    const lang = encodeURIComponent(texts.lang || document.documentElement.lang || "en");
    return scheme + "//" + window.location.host + path + "?lang=" + lang;
  }

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(message));
      return true;
    }
    return false;
  }

  function sendInput(data) {
    if (state === "open") {
      send(["stdin", data]);
    } else {
      pending.push(data);
      if (state === "ended" || state === "idle") {
        connect();
      }
    }
  }

  function sendSize() {
    send(["resize", term.rows, term.cols]);
  }

  function fit() {
    if (container.clientWidth === 0 || container.clientHeight === 0) {
      return;
    }
    try {
      fitAddon.fit();
    } catch (error) {
      /* The pane can be mid-layout; the next resize fits again. */
    }
  }

  let atLineStart = true;

  function write(data) {
    if (data.length > 0) {
      term.write(data);
      atLineStart = data.endsWith("\n");
    }
  }

  function writeLine(line) {
    write((atLineStart ? "" : "\r\n") + line + "\r\n");
  }

  function ended() {
    if (state === "ended") {
      return;
    }
    state = "ended";
    socket = null;
    setStatus("disconnected", texts.textDisconnected);
    writeLine("\x1b[0;33m" + (texts.textEnded || "[the session ended - press Enter to reconnect]") + "\x1b[0m");
  }

  function handle(message) {
    if (!Array.isArray(message) || typeof message[0] !== "string") {
      return;
    }
    switch (message[0]) {
      case "stdout":
        write(String(message[1]));
        break;
      case "event":
        container.dispatchEvent(new CustomEvent("terminal:event", { detail: message[1], bubbles: true }));
        break;
      case "notice":
        writeLine("\x1b[2m" + String(message[1]).replace(/\r?\n/g, "\r\n") + "\x1b[0m");
        break;
      case "exit":
        ended();
        if (socket) {
          socket.close();
        }
        break;
    }
  }

  function connect() {
    if (state === "connecting" || state === "open") {
      return;
    }
    state = "connecting";
    setStatus("connecting", texts.textConnecting);
    const ws = new WebSocket(socketUrl());
    socket = ws;
    ws.addEventListener("open", function () {
      if (socket !== ws) {
        return;
      }
      state = "open";
      setStatus("connected", texts.textConnected);
      fit();
      sendSize();
      const queued = pending;
      pending = [];
      queued.forEach(function (data) { send(["stdin", data]); });
    });
    ws.addEventListener("message", function (event) {
      if (socket !== ws) {
        return;
      }
      let message;
      try {
        message = JSON.parse(event.data);
      } catch (error) {
        return;
      }
      handle(message);
    });
    ws.addEventListener("close", function (event) {
      if (socket !== ws) {
        return;
      }
      if (event.code === CLOSE_NO_SESSION) {
        state = "ended";
        socket = null;
        setStatus("disconnected", texts.textDisconnected);
        writeLine("\x1b[0;33m" + (texts.textNoSession || "[reload the page to start a new session]") + "\x1b[0m");
        return;
      }
      ended();
    });
  }

  term.onData(function (data) {
    if (state === "open") {
      send(["stdin", data]);
    } else if (state === "connecting") {
      pending.push(data);
    } else if (state === "ended" && data.indexOf("\r") !== -1) {
      connect();
    }
  });

  term.onResize(function () {
    sendSize();
  });

  // Tab belongs to the shell (completion) while the terminal has focus; Esc then Tab hands focus
  // back to the page, so keyboard users are never stuck inside the terminal.
  term.attachCustomKeyEventHandler(function (event) {
    if (event.type !== "keydown") {
      return true;
    }
    if (event.key === "Tab" && escapePressed && !event.ctrlKey && !event.altKey && !event.metaKey) {
      escapePressed = false;
      return false;
    }
    escapePressed = event.key === "Escape";
    return true;
  });

  let fitScheduled = false;
  new ResizeObserver(function () {
    if (!fitScheduled) {
      fitScheduled = true;
      window.requestAnimationFrame(function () {
        fitScheduled = false;
        fit();
      });
    }
  }).observe(container);

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

  document.addEventListener("click", function (event) {
    const button = event.target.closest("button.run, button.copy");
    if (!button || !button.dataset.command) {
      return;
    }
    if (button.classList.contains("run")) {
      sendInput(button.dataset.command.replace(/\n/g, "\r") + "\r");
      term.focus();
    } else {
      copyText(button.dataset.command).then(
        function () { flash(button, texts.textCopied); },
        function () { flash(button, texts.textCopyFailed); }
      );
    }
  });

  fit();
  connect();
})();
