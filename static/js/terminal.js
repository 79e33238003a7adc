/*
 * One terminal of the page: an xterm.js screen bridged over its own WebSocket to a sandbox shell
 * that the server runs for this browser session. terminals.js makes one per terminal tab.
 *
 * Wire protocol, one JSON array per message:
 *   client → server  ["stdin", text]   ["resize", rows, cols]
 *   server → client  ["stdout", text]  ["event", {...}]  ["exit", code]  ["notice", text]
 *
 * Events from the server are re-dispatched on the terminal's element as bubbling
 * "terminal:event" DOM events, so other parts of the page (lesson progress) can listen without
 * knowing the socket. Every visible text comes from the `texts` given, so it is translated.
 */
(function () {
  "use strict";

  // The server closes with this code when the request carried no session cookie (it expired).
  const CLOSE_NO_SESSION = 4403;

  // Typing waits for the shell to answer: some output, then this long without any.
  const QUIET_MS = 150;
  const FIRST_PROMPT_TIMEOUT_MS = 8000;
  const INTERRUPT_TIMEOUT_MS = 2000;
  const NEXT_LINE_TIMEOUT_MS = 3000;

  const THEME = {
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
  };

  function delay(ms) {
    return new Promise(function (resolve) { window.setTimeout(resolve, ms); });
  }

  class TerminalSession {
    /*
     * element: where the screen goes (it must be displayed when the session is made).
     * url: the WebSocket URL of this terminal's shell.
     * texts: the translated strings (connecting, connected, disconnected, ended, noSession).
     * onStateChange(state, label): told whenever the connection state changes.
     */
    constructor(element, url, texts, onStateChange) {
      this.element = element;
      this.url = url;
      this.texts = texts;
      this.onStateChange = onStateChange;
      this.socket = null;
      this.state = "idle"; // idle | connecting | open | ended
      this.pending = [];
      this.atLineStart = true;
      this.escapePressed = false;
      this.outputCount = 0;
      this.outputCountAtShellStart = 0;
      this.lastOutputAt = 0;
      this.typing = Promise.resolve();

      this.term = new window.Terminal({
        allowProposedApi: true,
        cursorBlink: true,
        convertEol: false,
        fontFamily: '"Noto Sans Mono CJK JP", "DejaVu Sans Mono", Menlo, Consolas, "Liberation Mono", monospace',
        fontSize: 14,
        lineHeight: 1.15,
        scrollback: 5000,
        theme: THEME,
      });
      this.fitAddon = new window.FitAddon.FitAddon();
      this.term.loadAddon(this.fitAddon);
      this.term.loadAddon(new window.Unicode11Addon.Unicode11Addon());
      this.term.unicode.activeVersion = "11";
      this.term.open(element);

      this.term.onData(this.keyboardInput.bind(this));
      this.term.onResize(this.sendSize.bind(this));
      // Tab belongs to the shell (completion) while the terminal has focus; Esc then Tab hands
      // focus back to the page, so keyboard users are never stuck inside the terminal.
      this.term.attachCustomKeyEventHandler(this.keyEvent.bind(this));

      this.fit();
      this.connect();
    }

    setState(state, label) {
      this.state = state;
      this.onStateChange(state, label);
    }

    keyEvent(event) {
      if (event.type !== "keydown") {
        return true;
      }
      if (event.key === "Tab" && this.escapePressed && !event.ctrlKey && !event.altKey && !event.metaKey) {
        this.escapePressed = false;
        return false;
      }
      this.escapePressed = event.key === "Escape";
      return true;
    }

    keyboardInput(data) {
      if (this.state === "open") {
        this.send(["stdin", data]);
      } else if (this.state === "connecting") {
        this.pending.push(data);
      } else if (this.state === "ended" && data.indexOf("\r") !== -1) {
        this.connect();
      }
    }

    send(message) {
      if (this.socket && this.socket.readyState === WebSocket.OPEN) {
        this.socket.send(JSON.stringify(message));
        return true;
      }
      return false;
    }

    sendInput(data) {
      if (this.state === "open") {
        this.send(["stdin", data]);
      } else {
        this.pending.push(data);
        this.connect();
      }
    }

    sendSize() {
      this.send(["resize", this.term.rows, this.term.cols]);
    }

    fit() {
      if (this.element.clientWidth === 0 || this.element.clientHeight === 0) {
        return;
      }
      try {
        this.fitAddon.fit();
      } catch (error) {
        /* The pane can be mid-layout; the next resize fits again. */
      }
    }

    focus() {
      this.term.focus();
    }

    write(data) {
      if (data.length > 0) {
        this.term.write(data);
        this.atLineStart = data.endsWith("\n");
      }
    }

    writeLine(line) {
      this.write((this.atLineStart ? "" : "\r\n") + line + "\r\n");
    }

    connect() {
      if (this.state === "connecting" || this.state === "open") {
        return;
      }
      this.setState("connecting", this.texts.connecting);
      this.outputCountAtShellStart = this.outputCount;
      const ws = new WebSocket(this.url);
      this.socket = ws;
      ws.addEventListener("open", () => {
        if (this.socket !== ws) {
          return;
        }
        this.setState("open", this.texts.connected);
        this.fit();
        this.sendSize();
        const queued = this.pending;
        this.pending = [];
        queued.forEach((data) => { this.send(["stdin", data]); });
      });
      ws.addEventListener("message", (event) => {
        if (this.socket !== ws) {
          return;
        }
        let message;
        try {
          message = JSON.parse(event.data);
        } catch (error) {
          return;
        }
        this.handle(message);
      });
      ws.addEventListener("close", (event) => {
        if (this.socket !== ws) {
          return;
        }
        if (event.code === CLOSE_NO_SESSION) {
          this.socket = null;
          this.setState("ended", this.texts.disconnected);
          this.writeLine("\x1b[0;33m" + this.texts.noSession + "\x1b[0m");
          return;
        }
        this.ended();
      });
    }

    ended() {
      if (this.state === "ended") {
        return;
      }
      this.socket = null;
      this.setState("ended", this.texts.disconnected);
      this.writeLine("\x1b[0;33m" + this.texts.ended + "\x1b[0m");
    }

    handle(message) {
      if (!Array.isArray(message) || typeof message[0] !== "string") {
        return;
      }
      switch (message[0]) {
        case "stdout":
          this.outputCount += 1;
          this.lastOutputAt = Date.now();
          this.write(String(message[1]));
          break;
        case "event":
          this.element.dispatchEvent(new CustomEvent("terminal:event", { detail: message[1], bubbles: true }));
          break;
        case "notice":
          // A notice comes when the shell is replaced (a reset) or about to end: what is typed next
          // waits for the next shell's prompt.
          this.outputCountAtShellStart = this.outputCount;
          this.writeLine("\x1b[2m" + String(message[1]).replace(/\r?\n/g, "\r\n") + "\x1b[0m");
          break;
        case "exit": {
          const socket = this.socket;
          this.ended();
          if (socket) {
            socket.close();
          }
          break;
        }
      }
    }

    /*
     * Resolves once the shell has printed something after output number `since` and then stayed
     * quiet for a moment (it is waiting for input again), or after `timeout` ms in any case.
     */
    async answered(since, timeout) {
      const deadline = Date.now() + timeout;
      while (Date.now() < deadline) {
        if (this.outputCount > since && Date.now() - this.lastOutputAt >= QUIET_MS) {
          return;
        }
        await delay(50);
      }
    }

    /*
     * Types a command as the learner would: Ctrl-C first if asked (to end what runs, such as
     * `kubectl proxy`), then each line followed by Enter, each line once the shell answered the
     * previous one. A fresh shell is first given the time to print its prompt, so typed text
     * never lands before it. Commands typed into one terminal follow each other in order.
     */
    type(command, interrupt) {
      this.typing = this.typing.then(async () => {
        if (this.state !== "open" || this.outputCount === this.outputCountAtShellStart) {
          this.connect();
          await this.answered(this.outputCountAtShellStart, FIRST_PROMPT_TIMEOUT_MS);
        }
        if (interrupt) {
          const before = this.outputCount;
          this.sendInput("\x03");
          await this.answered(before, INTERRUPT_TIMEOUT_MS);
        }
        const lines = command.split("\n");
        for (let index = 0; index < lines.length; index += 1) {
          const before = this.outputCount;
          this.sendInput(lines[index] + "\r");
          if (index + 1 < lines.length) {
            await this.answered(before, NEXT_LINE_TIMEOUT_MS);
          }
        }
      });
      return this.typing;
    }
  }

  window.Tutorial = window.Tutorial || {};
  window.Tutorial.TerminalSession = TerminalSession;
})();
