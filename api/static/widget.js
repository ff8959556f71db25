/*
 * Chat widget of the clause-level policy assistant.
 *
 * Plain ES2020, no build step, no dependencies. Talks to the HTTP API described in API.md
 * (POST /ask, GET /conversations/{id}); every piece of server text is inserted with
 * textContent / text nodes, never as HTML. The API base URL comes from the script tag's
 * data-api-base attribute, else window.POLICY_ASSISTANT_API, else the page's own origin.
 */
(() => {
  "use strict";

  const SCRIPT = document.currentScript;
  const STORAGE_KEY = "policyAssistant.conversationId";
  const MAX_LEN = 1000;
  const REQUEST_TIMEOUT_MS = 90000;
  const FIELD_LABELS = {
    question: "问题",
    conversation_id: "对话编号",
    region: "地区",
    top_k: "返回条数",
  };

  function resolveApiBase() {
    const attr = SCRIPT && SCRIPT.getAttribute("data-api-base");
    const fromWindow = typeof window.POLICY_ASSISTANT_API === "string" ? window.POLICY_ASSISTANT_API : "";
    const raw = (attr && attr.trim()) || fromWindow.trim() || "";
    return raw.replace(/\/+$/, "");
  }

  const API_BASE = resolveApiBase();

  // localStorage throws in some sandboxed iframes and private modes; the widget must still work.
  const store = {
    get() {
      try { return window.localStorage.getItem(STORAGE_KEY); } catch (_) { return null; }
    },
    set(value) {
      try { window.localStorage.setItem(STORAGE_KEY, value); } catch (_) { /* not persisted */ }
    },
    clear() {
      try { window.localStorage.removeItem(STORAGE_KEY); } catch (_) { /* nothing to clear */ }
    },
  };

  /* ---------- DOM helpers (text only, never innerHTML) ---------- */

  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    if (attrs) {
      for (const [key, value] of Object.entries(attrs)) {
        if (value == null || value === false) continue;
        if (key === "class") el.className = value;
        else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
        else el.setAttribute(key, value === true ? "" : String(value));
      }
    }
    for (const child of children.flat(Infinity)) {
      if (child == null || child === false) continue;
      el.append(child instanceof Node ? child : String(child));
    }
    return el;
  }

  function paragraphs(text, className) {
    const lines = String(text ?? "").split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
    return (lines.length ? lines : [""]).map((line) => h("p", { class: className }, line));
  }

  function safeHref(url) {
    if (typeof url !== "string" || !url) return null;
    try {
      const base = API_BASE ? API_BASE + "/" : window.location.href;
      const resolved = new URL(url, base);
      if (resolved.protocol !== "http:" && resolved.protocol !== "https:") return null;
      return resolved.href;
    } catch (_) {
      return null;
    }
  }

  // The citation's own url (/documents/{id}#{key}) answers HTML only when the browser's Accept
  // header asks for it; /documents/{id}/page is always HTML and highlights the clause on the
  // server, so the link works without the page's script too. The fragment still scrolls to it.
  function documentHref(citation) {
    const docId = typeof citation.doc_id === "string" ? citation.doc_id : "";
    const clauseId = typeof citation.clause_id === "string" ? citation.clause_id : "";
    let key = "";
    if (docId && clauseId.startsWith(docId + "/")) key = clauseId.slice(docId.length + 1);
    else if (typeof citation.url === "string" && citation.url.includes("#")) {
      key = citation.url.slice(citation.url.indexOf("#") + 1);
      try { key = decodeURIComponent(key); } catch (_) { /* keep as is */ }
    }
    if (!docId) return safeHref(citation.url);
    const path = `/documents/${encodeURIComponent(docId)}/page`;
    return safeHref(key ? `${path}?highlight=${encodeURIComponent(key)}#${encodeURIComponent(key)}` : path);
  }

  const prefersReducedMotion = () =>
    window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  /* ---------- HTTP ---------- */

  class ApiError extends Error {
    constructor(message, status = 0, detail = null) {
      super(message);
      this.status = status;
      this.detail = detail;
    }
  }

  function firstNumber(text) {
    const m = /(\d+)/.exec(text);
    return m ? Number(m[1]) : null;
  }

  function describeValidationItem(item, context) {
    if (!item || typeof item !== "object") return "请求内容不符合要求。";
    const loc = Array.isArray(item.loc) ? item.loc : [];
    const named = loc.filter((p) => !["body", "query", "path", "header"].includes(p));
    const field = named.length ? named[named.length - 1] : loc[loc.length - 1];
    const label = FIELD_LABELS[field] || (field != null ? `字段“${field}”` : "请求");
    const type = String(item.type || "");
    const msg = String(item.msg || "").replace(/^Value error,\s*/i, "");
    const ctx = item.ctx && typeof item.ctx === "object" ? item.ctx : {};

    const tooLong = /too_long|max_length/.test(type)
      || /at most|too long|longer than|exceed|the limit is|最多|过长|太长|超过/i.test(msg);
    const tooShort = /too_short|min_length/.test(type) || /at least|too short|empty|blank|不能为空|为空/i.test(msg);

    if (field === "question") {
      const len = context && typeof context.questionLength === "number" ? context.questionLength : null;
      if (tooLong || (len != null && len > MAX_LEN)) {
        const limit = /(?:limit is|at most|最多|超过)\D{0,4}(\d+)/i.exec(msg);
        const max = Number(ctx.max_length) || (limit && Number(limit[1])) || MAX_LEN;
        const current = len != null ? `（当前${len}个字符）` : "";
        return `问题太长：最多${max}个字符${current}，请精简后再发送。`;
      }
      if (type === "missing") return "缺少问题：请输入要咨询的问题。";
      if (tooShort || (len != null && len === 0)) return "问题不能为空：请输入要咨询的问题。";
    }
    if (type === "missing") return `缺少${label}。`;
    if (tooLong) {
      const max = Number(ctx.max_length) || firstNumber(msg);
      return max ? `${label}太长：最多${max}个字符。` : `${label}太长。`;
    }
    if (tooShort) return `${label}不能为空。`;
    if (/greater|less|range/.test(type)) {
      const bounds = [ctx.ge ?? ctx.gt, ctx.le ?? ctx.lt].filter((v) => v != null);
      return bounds.length === 2 ? `${label}超出范围：应在${bounds[0]}到${bounds[1]}之间。` : `${label}超出允许范围。`;
    }
    return msg ? `${label}不符合要求：${msg}` : `${label}不符合要求。`;
  }

  function describeHttpError(status, data, context) {
    const detail = data && typeof data === "object" ? data.detail : undefined;
    const detailText = typeof detail === "string" && detail.trim() ? detail.trim() : "";
    if (status === 422 || status === 400) {
      if (Array.isArray(detail) && detail.length) {
        const parts = [...new Set(detail.map((d) => describeValidationItem(d, context)))];
        return parts.join(" ");
      }
      return detailText ? `请求有误：${detailText}` : "请求内容不符合要求，请修改后重试。";
    }
    if (status === 404) return detailText ? `未找到：${detailText}` : "未找到请求的内容。";
    if (status === 413) return `问题太长：最多${MAX_LEN}个字符，请精简后再发送。`;
    if (status === 429) return "请求过于频繁，请稍候再试。";
    if (status >= 500) {
      return `服务暂时出错（HTTP ${status}），请稍后再试。` + (detailText ? `说明：${detailText}` : "");
    }
    return `请求失败（HTTP ${status}）。` + (detailText ? `说明：${detailText}` : "");
  }

  async function request(method, path, body, context) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    let response;
    try {
      response = await fetch(API_BASE + path, {
        method,
        headers: body === undefined
          ? { Accept: "application/json" }
          : { Accept: "application/json", "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: controller.signal,
      });
    } catch (_) {
      throw new ApiError(
        controller.signal.aborted
          ? "服务响应超时，请稍后再试。"
          : "无法连接到问答服务，请检查网络连接后重试。",
        0,
      );
    } finally {
      clearTimeout(timer);
    }
    let data = null;
    try {
      const text = await response.text();
      data = text ? JSON.parse(text) : null;
    } catch (_) {
      data = null;
    }
    if (!response.ok) throw new ApiError(describeHttpError(response.status, data, context), response.status, data);
    if (!data || typeof data !== "object") {
      throw new ApiError("服务返回了无法识别的内容，请稍后再试。", response.status);
    }
    return data;
  }

  /* ---------- rendering ---------- */

  const els = {
    main: document.getElementById("pa-main"),
    log: document.getElementById("pa-log"),
    empty: document.getElementById("pa-empty"),
    form: document.getElementById("pa-form"),
    input: document.getElementById("pa-question"),
    send: document.getElementById("pa-send"),
    status: document.getElementById("pa-status"),
    counter: document.getElementById("pa-counter"),
    newBtn: document.getElementById("pa-new"),
  };

  let conversationId = store.get();
  let busy = false;
  let generation = 0; // bumped by 新对话 so a late answer to an abandoned conversation is dropped
  let answerSeq = 0;

  function setStatus(text) {
    els.status.textContent = text || "";
  }

  function setBusy(value) {
    busy = value;
    els.send.disabled = value;
    els.send.textContent = value ? "检索中…" : "发送";
    els.send.setAttribute("aria-busy", value ? "true" : "false");
    els.log.setAttribute("aria-busy", value ? "true" : "false");
    setStatus(value ? "正在检索…" : "");
  }

  function updateCounter() {
    const len = els.input.value.length;
    els.counter.textContent = `${len}/${MAX_LEN}`;
    els.counter.classList.toggle("pa-counter-warn", len > MAX_LEN * 0.9);
  }

  function showEmpty(show) {
    els.empty.hidden = !show;
  }

  function scrollToEl(el, block = "nearest") {
    el.scrollIntoView({ block, behavior: prefersReducedMotion() ? "auto" : "smooth" });
  }

  function renderUser(text) {
    const el = h("div", { class: "pa-msg pa-msg-user" },
      h("span", { class: "pa-visually-hidden" }, "我的问题："),
      h("div", { class: "pa-bubble" }, paragraphs(text, "pa-text")));
    els.log.append(el);
    return el;
  }

  function renderPending() {
    const el = h("div", { class: "pa-msg pa-msg-assistant pa-msg-pending" },
      h("div", { class: "pa-bubble" },
        h("span", { class: "pa-spinner", "aria-hidden": "true" }),
        h("span", null, "正在检索…")));
    els.log.append(el);
    scrollToEl(el);
    return el;
  }

  function renderError(message) {
    const el = h("div", { class: "pa-msg pa-msg-assistant pa-msg-error", role: "alert" },
      h("div", { class: "pa-bubble" },
        h("span", { class: "pa-badge pa-badge-error" }, "出错了"),
        h("p", { class: "pa-text" }, message)));
    els.log.append(el);
    scrollToEl(el);
    return el;
  }

  function renderNotice(message) {
    const el = h("p", { class: "pa-notice" }, message);
    els.log.append(el);
    return el;
  }

  function openCitation(card, { focus = false, flash = false } = {}) {
    const toggle = card.querySelector(".pa-cite-toggle");
    const detail = card.querySelector(".pa-cite-detail");
    toggle.setAttribute("aria-expanded", "true");
    detail.hidden = false;
    card.classList.add("pa-cite-open");
    if (flash) {
      card.classList.remove("pa-cite-flash");
      void card.offsetWidth; // restart the animation when the same marker is clicked twice
      card.classList.add("pa-cite-flash");
    }
    if (focus) {
      toggle.focus({ preventScroll: true });
      scrollToEl(card);
    }
  }

  function toggleCitation(card) {
    const toggle = card.querySelector(".pa-cite-toggle");
    if (toggle.getAttribute("aria-expanded") === "true") {
      toggle.setAttribute("aria-expanded", "false");
      card.querySelector(".pa-cite-detail").hidden = true;
      card.classList.remove("pa-cite-open");
    } else {
      openCitation(card);
    }
  }

  function renderCitation(citation, ids, notFound) {
    const n = Number(citation.n);
    const cardId = `${ids}-c${n}`;
    const detailId = `${cardId}-detail`;
    const href = documentHref(citation);
    const docNumber = citation.doc_number && String(citation.doc_number).trim() ? citation.doc_number : "无文号";
    const path = Array.isArray(citation.section_path) ? citation.section_path.filter(Boolean) : [];

    const meta = (key, value, extraClass) =>
      h("span", { class: "pa-meta" + (extraClass ? " " + extraClass : "") },
        h("span", { class: "pa-meta-k" }, key), h("span", { class: "pa-meta-v" }, value || "—"));

    const card = h("li", { class: "pa-cite", id: cardId, "data-n": n, "data-clause-id": citation.clause_id },
      h("button", {
        type: "button",
        class: "pa-cite-toggle",
        "aria-expanded": "false",
        "aria-controls": detailId,
        onclick: () => toggleCitation(card),
      },
      h("span", { class: "pa-cite-head" },
        h("span", { class: "pa-cite-n" }, `[${n}]`),
        notFound ? h("span", { class: "pa-tag" }, "相关条款") : null,
        h("span", { class: "pa-cite-title" }, citation.doc_title || citation.doc_id || "（未知文件）"),
        // A draft, an older version or a repealed text is marked where its clause is cited.
        citation.doc_status && citation.doc_status !== "final"
          ? h("span", { class: "pa-tag pa-tag-status" }, citation.doc_status_label || citation.doc_status)
          : null,
        h("span", { class: "pa-chevron", "aria-hidden": "true" })),
      h("span", { class: "pa-cite-meta" },
        meta("文号", docNumber, citation.doc_number ? "" : "pa-meta-none"),
        meta("地区", citation.region),
        meta("条款", citation.section))),
      h("div", { class: "pa-cite-detail", id: detailId, hidden: true },
        path.length ? h("p", { class: "pa-cite-path" }, path.join(" › ")) : null,
        h("blockquote", { class: "pa-cite-text" }, paragraphs(citation.text, "pa-text")),
        href
          ? h("a", { class: "pa-fulltext", href, target: "_blank", rel: "noopener" },
            "查看全文", h("span", { class: "pa-visually-hidden" }, "（在新窗口打开，定位到该条款）"))
          : null));
    return card;
  }

  function renderAnswerText(answer, cardsByN, ids) {
    const container = h("div", { class: "pa-answer" });
    const lines = String(answer ?? "").split(/\r?\n/).filter((l) => l.trim());
    for (const line of lines.length ? lines : [""]) {
      const p = h("p", { class: "pa-text" });
      const re = /\[(\d+)\]/g;
      let last = 0;
      const lead = /^《[^》\n]{1,120}》[^：“\[\n]{0,40}：(?=“)/.exec(line);
      if (lead) {
        p.append(h("span", { class: "pa-src" }, lead[0]));
        last = lead[0].length;
        re.lastIndex = last;
      }
      // A marker never wraps away from the sentence it supports: it shares a no-wrap span with
      // the character before it (and with any marker right before it, as in "[1][2]").
      let glue = null;
      const attach = (node) => {
        if (!glue) {
          glue = h("span", { class: "pa-nowrap" });
          p.append(glue);
        }
        glue.append(node);
      };
      let m;
      while ((m = re.exec(line)) !== null) {
        const before = line.slice(last, m.index);
        if (before) {
          const chars = Array.from(before);
          const tail = chars.pop();
          if (chars.length) p.append(chars.join(""));
          glue = null;
          attach(tail);
        }
        const n = Number(m[1]);
        const entry = cardsByN.get(n);
        if (entry) {
          const { card, citation } = entry;
          const title = citation.doc_title || citation.doc_id || "";
          const section = citation.section || "";
          attach(h("a", {
            class: "pa-ref",
            href: `#${ids}-c${n}`,
            "aria-label": `引用${n}：${title} ${section}`,
            title: `${title} ${section}`,
            onclick: (event) => {
              event.preventDefault(); // keep location.hash clean; focus the card instead
              openCitation(card, { focus: true, flash: true });
            },
          }, `[${n}]`));
        } else {
          attach(m[0]);
        }
        last = re.lastIndex;
      }
      if (last < line.length) p.append(line.slice(last));
      container.append(p);
    }
    return container;
  }

  function renderAssistant(turn, typedQuestion) {
    const ids = `pa-a${++answerSeq}`;
    const notFound = turn.status === "not_found";
    const citations = Array.isArray(turn.citations) ? turn.citations : [];

    const cardsByN = new Map();
    const cards = citations.map((c, i) => {
      const citation = { ...c, n: c.n ?? i + 1 };
      const card = renderCitation(citation, ids, notFound);
      cardsByN.set(Number(citation.n), { card, citation });
      return card;
    });

    const resolved = typeof turn.resolved_question === "string" ? turn.resolved_question.trim() : "";
    const showResolved = resolved && resolved !== String(typedQuestion ?? "").trim();

    const bubble = h("article", {
      class: "pa-msg pa-msg-assistant" + (notFound ? " pa-msg-notfound" : ""),
      "aria-label": notFound ? "回答：未找到明确规定" : "回答",
      "data-status": turn.status || "",
    },
    h("div", { class: "pa-bubble" },
      showResolved ? h("p", { class: "pa-resolved" }, h("span", { class: "pa-resolved-k" }, "已理解为："), resolved) : null,
      notFound ? h("p", { class: "pa-badge-row" }, h("span", { class: "pa-badge pa-badge-notfound" }, "未找到明确规定")) : null,
      renderAnswerText(turn.answer, cardsByN, ids),
      cards.length
        ? h("section", { class: "pa-cites", "aria-labelledby": `${ids}-ct` },
          h("h2", { class: "pa-cites-title", id: `${ids}-ct` },
            notFound ? `相关条款（${cards.length}）` : `引用条款（${cards.length}）`),
          h("ol", { class: "pa-cite-list" }, cards))
        : null));
    els.log.append(bubble);
    return bubble;
  }

  function clearView() {
    els.log.replaceChildren();
    answerSeq = 0;
    showEmpty(true);
  }

  /* ---------- behaviour ---------- */

  async function ask(rawQuestion) {
    if (busy) return;
    if (restoring) {
      // A question sent while the old turns are still loading goes after them, not before.
      busy = true;
      try { await restoring; } finally { busy = false; }
    }
    const question = rawQuestion;
    if (!question.trim()) {
      setStatus("请输入问题。");
      els.input.focus();
      return;
    }
    const myGeneration = generation;
    showEmpty(false);
    const userEl = renderUser(question);
    els.input.value = "";
    updateCounter();
    setBusy(true);
    const pending = renderPending();
    const usedConversation = conversationId;
    try {
      const data = await request(
        "POST", "/ask",
        { question, conversation_id: usedConversation || null },
        { questionLength: question.trim().length },
      );
      if (myGeneration !== generation) return;
      pending.remove();
      if (typeof data.conversation_id === "string" && data.conversation_id) {
        conversationId = data.conversation_id;
        store.set(conversationId);
      }
      renderAssistant(data, question);
      scrollToEl(userEl, "start");
    } catch (err) {
      if (myGeneration !== generation) return;
      pending.remove();
      if (err instanceof ApiError && (err.status === 422 || err.status === 400 || err.status === 413)) {
        userEl.remove(); // the service refused the question itself; it goes back into the box
      } else {
        userEl.classList.add("pa-msg-failed");
      }
      let message = err instanceof ApiError ? err.message : "出现意外错误，请刷新页面后重试。";
      if (err instanceof ApiError && err.status === 404 && usedConversation) {
        conversationId = null;
        store.clear();
        message = "之前的对话已失效，下一个问题将开始新对话。问题已放回输入框，请重新发送。";
      }
      renderError(message);
      // Give the question back so the user can edit or resend it.
      if (!els.input.value) {
        els.input.value = question;
        updateCounter();
      }
    } finally {
      if (myGeneration === generation) {
        setBusy(false);
        els.input.focus({ preventScroll: true });
      }
    }
  }

  async function restore() {
    if (!conversationId) return;
    const id = conversationId;
    const myGeneration = generation;
    setStatus("正在恢复上次的对话…");
    try {
      const data = await request("GET", `/conversations/${encodeURIComponent(id)}`);
      if (myGeneration !== generation) return;
      const turns = Array.isArray(data.turns) ? data.turns : [];
      if (!turns.length) {
        setStatus("");
        return;
      }
      showEmpty(false);
      for (const turn of turns) {
        renderUser(turn.question ?? "");
        renderAssistant(turn, turn.question);
      }
      setStatus("");
      const last = els.log.lastElementChild;
      if (last) last.scrollIntoView({ block: "end" });
    } catch (err) {
      if (myGeneration !== generation) return;
      if (err instanceof ApiError && err.status === 404) {
        // The service no longer knows this conversation: start fresh without a fuss.
        conversationId = null;
        store.clear();
        setStatus("");
        return;
      }
      setStatus("");
      renderNotice("暂时无法加载上次的对话，可以继续提问，或点击“新对话”重新开始。");
    }
  }

  function newConversation() {
    generation += 1;
    conversationId = null;
    store.clear();
    clearView();
    setBusy(false);
    els.input.value = "";
    updateCounter();
    els.input.focus();
    setStatus("已开始新对话。");
  }

  els.form.addEventListener("submit", (event) => {
    event.preventDefault();
    ask(els.input.value);
  });

  els.input.addEventListener("keydown", (event) => {
    // isComposing/229: Enter that confirms a Chinese IME candidate must not send the question.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      if (!busy) ask(els.input.value);
    }
  });

  els.input.addEventListener("input", updateCounter);
  els.newBtn.addEventListener("click", newConversation);

  for (const btn of document.querySelectorAll(".pa-example")) {
    btn.addEventListener("click", () => ask(btn.textContent.trim()));
  }

  try {
    if (window.self !== window.top) document.body.classList.add("pa-embedded");
  } catch (_) {
    document.body.classList.add("pa-embedded"); // a cross-origin parent may refuse the look-up
  }

  updateCounter();
  let restoring = restore().finally(() => { restoring = null; });
})();
