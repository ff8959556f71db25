/*
 * One-line embedding of the policy assistant widget:
 *
 *   <script src="https://HOST/static/embed.js" data-api-base="https://HOST" async></script>
 *
 * Adds a floating "政策问答" button to the host page; it opens the widget (https://HOST/) in an
 * iframe inside a panel. Everything lives in a shadow root, so the host page's CSS cannot
 * restyle it and ours cannot leak out. Optional attributes on the script tag:
 *   data-api-base   where the service runs (default: the origin embed.js was loaded from)
 *   data-label      button text (default 政策问答)
 *   data-position   "right" (default) or "left"
 */
(() => {
  "use strict";

  if (window.__policyAssistantEmbed) return; // the snippet was pasted twice
  window.__policyAssistantEmbed = true;

  const script = document.currentScript
    || document.querySelector('script[src*="/static/embed.js"]');

  function serviceBase() {
    const attr = script && script.getAttribute("data-api-base");
    if (attr && attr.trim()) return attr.trim().replace(/\/+$/, "");
    try {
      return new URL(script.src, window.location.href).origin;
    } catch (_) {
      return window.location.origin;
    }
  }

  const BASE = serviceBase();
  const LABEL = (script && script.getAttribute("data-label")) || "政策问答";
  const LEFT = script && script.getAttribute("data-position") === "left";

  const CSS = `
    :host { all: initial; }
    * { box-sizing: border-box; }
    .launcher {
      position: fixed; bottom: 20px; ${LEFT ? "left" : "right"}: 20px; z-index: 2147483000;
      display: inline-flex; align-items: center; gap: 8px;
      padding: 12px 18px; border: 0; border-radius: 999px;
      background: #1d4f91; color: #fff; cursor: pointer;
      font: 600 15px/1.2 system-ui, -apple-system, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif;
      box-shadow: 0 6px 18px rgba(0, 0, 0, .25);
    }
    .launcher:hover { background: #153b6d; }
    .launcher:focus-visible, .close:focus-visible { outline: 3px solid #e8590c; outline-offset: 3px; }
    .icon { width: 18px; height: 18px; flex: none; }
    .panel {
      position: fixed; bottom: 84px; ${LEFT ? "left" : "right"}: 20px; z-index: 2147483001;
      width: 400px; height: min(640px, calc(100vh - 110px));
      display: flex; flex-direction: column;
      background: #fff; border-radius: 14px; overflow: hidden;
      box-shadow: 0 12px 40px rgba(0, 0, 0, .3);
    }
    .panel[hidden] { display: none; }
    .bar {
      flex: none; display: flex; align-items: center; justify-content: space-between;
      padding: 6px 8px 6px 14px; background: #153b6d; color: #fff;
      font: 600 14px/1.4 system-ui, -apple-system, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif;
    }
    .close {
      border: 0; background: transparent; color: #fff; cursor: pointer;
      font: 400 22px/1 system-ui, sans-serif; padding: 4px 10px; border-radius: 6px;
    }
    .close:hover { background: rgba(255, 255, 255, .15); }
    iframe { flex: 1 1 auto; width: 100%; border: 0; display: block; }
    @media (max-width: 520px) {
      .panel { inset: 0; width: auto; height: auto; border-radius: 0; }
      .launcher { bottom: 14px; ${LEFT ? "left" : "right"}: 14px; }
    }
  `;

  function mount() {
    const host = document.createElement("div");
    host.setAttribute("data-policy-assistant", "");
    const root = host.attachShadow({ mode: "open" });

    const style = document.createElement("style");
    style.textContent = CSS;

    const launcher = document.createElement("button");
    launcher.type = "button";
    launcher.className = "launcher";
    launcher.setAttribute("aria-expanded", "false");
    launcher.setAttribute("aria-controls", "pa-embed-panel");
    const SVG = "http://www.w3.org/2000/svg";
    const icon = document.createElementNS(SVG, "svg");
    icon.setAttribute("class", "icon");
    icon.setAttribute("viewBox", "0 0 24 24");
    icon.setAttribute("aria-hidden", "true");
    icon.setAttribute("fill", "currentColor");
    const bubble = document.createElementNS(SVG, "path");
    bubble.setAttribute("d", "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z");
    icon.append(bubble);
    launcher.append(icon);
    const labelSpan = document.createElement("span");
    labelSpan.textContent = LABEL; // attribute text: never parsed as HTML
    launcher.append(labelSpan);

    const panel = document.createElement("div");
    panel.className = "panel";
    panel.id = "pa-embed-panel";
    panel.hidden = true;
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-label", LABEL);

    const bar = document.createElement("div");
    bar.className = "bar";
    const title = document.createElement("span");
    title.textContent = LABEL;
    const close = document.createElement("button");
    close.type = "button";
    close.className = "close";
    close.setAttribute("aria-label", "关闭政策问答");
    close.textContent = "×";
    bar.append(title, close);
    panel.append(bar);

    let frame = null;

    function open() {
      if (!frame) {
        // Created on first open so host pages pay nothing until someone asks a question.
        frame = document.createElement("iframe");
        frame.src = BASE + "/";
        frame.title = "政策问答助手";
        frame.setAttribute("allow", "clipboard-write");
        panel.append(frame);
      }
      panel.hidden = false;
      launcher.setAttribute("aria-expanded", "true");
      close.focus();
    }

    function hide() {
      panel.hidden = true;
      launcher.setAttribute("aria-expanded", "false");
      launcher.focus();
    }

    launcher.addEventListener("click", () => (panel.hidden ? open() : hide()));
    close.addEventListener("click", hide);
    panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") hide();
    });

    root.append(style, panel, launcher);
    document.body.append(host);
  }

  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount, { once: true });
})();
