// The page never navigates on its own: the CSP forbids forms and <base>, and a refresh
// that slipped past escaping (none is ever written) is stopped before it fires.
if (document.querySelector('meta[http-equiv="refresh" i]')) window.stop();
// Replays the step data that Python exported from the engine's traversal.
// No number is computed here: each step's texts and classes come from the JSON.
// All user text is set with textContent, never parsed as HTML.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("step-data").textContent);
  const INFO = data.mode_info;  // each mode's key, label, subject label and button id, from Python's table
  const NODE_STATES = ["pending", "computed", "final", "accumulating", "asked", "nudged", "changed", "wrong"];
  const EDGE_STATES = ["pending", "known", "pushed", "visited", "changed"];
  const $ = (id) => document.getElementById(id);

  const state = { chain: data.chain || "h", mode: data.start || data.modes[0], step: 0, subject: Object.assign({}, data.chosen || {}), variant: {}, answered: {}, timer: null, zoom: null };
  const nodeEls = {}, edgeEls = {};
  const cellText = (id) => { const cell = document.getElementById(id); return cell ? cell.querySelector("text") : null; };
  for (const [id, cell] of Object.entries(data.cells)) {
    // in a collapsed view a node is drawn inside another box (a neuron); its cells keep their ids
    const g = document.getElementById(cell.box);
    if (!g) continue;
    nodeEls[id] = { g: g, data: cellText(cell.data), grad: cellText(cell.grad), owner: cell.owner };
    const label = cell.label && cellText(cell.label);
    if (label) label.textContent = data.nodes[id].label;
  }
  document.querySelectorAll(".stepgraph .edge").forEach((g) => {
    edgeEls[g.id] = { g: g, text: g.querySelector("text.local") };
  });

  function subjectKey(mode) {
    const subject = state.subject[mode];
    if (!subject) return null;
    const variants = data.variants[mode];
    return variants ? subject + "|" + (state.variant[mode] || variants[0]) : subject;
  }

  function timeline() {
    const t = data.timelines[state.mode];
    if (Array.isArray(t)) return t;
    const key = subjectKey(state.mode);
    return (key && t[key]) || [];
  }

  function setClass(el, all, value) {
    all.forEach((c) => el.classList.remove(c));
    if (value) el.classList.add(value);
  }

  function applyNodes(changes) {
    for (const [id, change] of Object.entries(changes || {})) {
      const el = nodeEls[id];
      if (!el) continue;
      if (change.d !== undefined && el.data) el.data.textContent = change.d;
      if (change.g !== undefined && el.grad) el.grad.textContent = change.g;
      if (change.c !== undefined && el.owner) setClass(el.g, NODE_STATES, change.c);
    }
  }

  function applyEdges(changes) {
    for (const [id, change] of Object.entries(changes || {})) {
      const el = edgeEls[id];
      if (!el) continue;
      if (change.t !== undefined && el.text) el.text.textContent = change.t;
      if (change.c !== undefined) setClass(el.g, EDGE_STATES, change.c);
    }
  }

  function addLines(box, lines) {
    for (const [kind, text] of lines || []) {
      const div = document.createElement("div");
      div.className = "line " + kind;
      div.textContent = text;
      box.appendChild(div);
    }
  }

  // The loss curve of a training page: the exported numbers drawn as a polyline.
  const SVG_NS = "http://www.w3.org/2000/svg";
  const chart = data.chart ? drawChart(data.chart) : null;
  function drawChart(spec) {
    const box = $("chart");
    box.hidden = false;
    $("chart-label").textContent = spec.label;
    const svg = document.createElementNS(SVG_NS, "svg");
    const n = spec.values.length;
    const low = Math.min(...spec.values), high = Math.max(...spec.values);
    const span = high - low || 1;
    svg.setAttribute("viewBox", "0 0 " + Math.max(n - 1, 1) + " 100");
    svg.setAttribute("preserveAspectRatio", "none");
    const line = document.createElementNS(SVG_NS, "polyline");
    line.setAttribute("points", spec.values.map((v, i) => i + "," + (95 - 90 * (v - low) / span)).join(" "));
    svg.appendChild(line);
    const mark = document.createElementNS(SVG_NS, "line");
    mark.setAttribute("y1", "0");
    mark.setAttribute("y2", "100");
    svg.appendChild(mark);
    box.appendChild(svg);
    return mark;
  }
  function markChart(current) {
    if (!chart) return;
    const it = current && current.values.iteration !== undefined ? current.values.iteration : null;
    chart.setAttribute("visibility", it === null ? "hidden" : "visible");
    if (it !== null) {
      chart.setAttribute("x1", String(it));
      chart.setAttribute("x2", String(it));
    }
  }

  // Zoom (z): the view closes in on the current step's nodes and edges. Only the viewBox
  // changes; the layout stays the one laid out in Python, so zooming out shows it unmoved.
  // A graph whose text would show smaller than READABLE_PX as a whole is followed step by
  // step by default (zoom is "auto" until the user presses z), never smaller than READABLE_PX.
  const svg = document.querySelector("#graph svg");
  const fullView = svg ? svg.getAttribute("viewBox") : null;
  const ZOOM_MIN_FRACTION = 0.3;  // an explicit zoom never closer than 30% of the whole graph
  // the smallest graph text a hall reads from the back: 14 CSS px at 1280×720, growing with the
  // screen as the page's type does (step.css), so 1920×1080 shows the graph as large as its panel
  const READABLE_BASE_PX = 14;
  let READABLE_PX = readableTarget();
  function readableTarget() {
    const grow = Math.min(window.innerWidth / 1280, window.innerHeight / 720);
    return document.body.classList.contains("theme-projector") ? READABLE_BASE_PX * Math.min(Math.max(grow, 1), 1.6) : READABLE_BASE_PX;
  }
  const smallestFont = svg ? Math.min(...[...svg.querySelectorAll("text")].slice(0, 400)
    .map((t) => parseFloat(getComputedStyle(t).fontSize)).filter((f) => f > 0)) : 0;
  function readableWhole() {
    if (!svg || !fullView) return true;
    svg.setAttribute("viewBox", fullView);
    return svg.getScreenCTM().a * smallestFont >= READABLE_PX - 0.01;
  }
  let wholeIsReadable = readableWhole();
  window.addEventListener("resize", () => { READABLE_PX = readableTarget(); wholeIsReadable = readableWhole(); render(); });
  function zooming() { return state.zoom === null ? !wholeIsReadable : state.zoom; }
  function boundsOf(parts, toSvg) {
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (const el of parts) {
      const r = el.getBoundingClientRect();
      for (const [x, y] of [[r.left, r.top], [r.right, r.bottom]]) {
        const q = new DOMPoint(x, y).matrixTransform(toSvg);
        x0 = Math.min(x0, q.x); y0 = Math.min(y0, q.y); x1 = Math.max(x1, q.x); y1 = Math.max(y1, q.y);
      }
    }
    return [x0, y0, x1, y1];
  }
  function zoomTo(current) {
    if (!svg || !fullView) return;
    svg.setAttribute("viewBox", fullView);
    if (!zooming()) return;
    // the step shown, or before the first step the one about to come
    const shown = current || timeline()[0];
    if (!shown) return;
    const focusParts = (ids) => ids.map((id) => nodeEls[id] && nodeEls[id].g).filter(Boolean);
    const parts = focusParts([...shown.focus, ...shown.targets])
      .concat(shown.trail.map((id) => edgeEls[id] && edgeEls[id].g).filter(Boolean));
    if (!parts.length) return;
    const toSvg = svg.getScreenCTM().inverse();
    const fitScale = svg.getScreenCTM().a;
    let [x0, y0, x1, y1] = boundsOf(parts, toSvg);
    const [fullX, fullY, fullWidth, fullHeight] = fullView.split(/[\s,]+/).map(Number);
    const pad = 0.04 * Math.max(fullWidth, fullHeight);
    // pressed z: close in on the step; by default: as much of the graph as reads from the back
    let width = state.zoom ? Math.max(x1 - x0 + 2 * pad, ZOOM_MIN_FRACTION * fullWidth) : Infinity;
    let height = state.zoom ? Math.max(y1 - y0 + 2 * pad, ZOOM_MIN_FRACTION * fullHeight) : Infinity;
    // never so far out that the text reads smaller than READABLE_PX: the pane holds at most this much
    const paneWidth = svg.clientWidth || fullWidth * fitScale, paneHeight = svg.clientHeight || fullHeight * fitScale;
    const readableScale = READABLE_PX / (smallestFont || READABLE_PX);
    const maxWidth = paneWidth / readableScale, maxHeight = paneHeight / readableScale;
    if (width > maxWidth || height > maxHeight) {
      // too much to show at once: follow the focus node itself
      [x0, y0, x1, y1] = boundsOf(focusParts(shown.focus.slice(0, 1)).concat(parts.slice(0, 1)), toSvg);
    }
    width = Math.min(width, maxWidth, fullWidth);
    height = Math.min(height, maxHeight, fullHeight);
    let cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
    // keep the window on the graph where it can be, so no empty margin shows
    const clamp = (c, size, from, span) => size >= span ? from + span / 2 : Math.min(Math.max(c, from + size / 2), from + span - size / 2);
    cx = clamp(cx, width, fullX, fullWidth);
    cy = clamp(cy, height, fullY, fullHeight);
    svg.setAttribute("viewBox", [cx - width / 2, cy - height / 2, width, height].join(" "));
  }

  function clampStep() {
    const n = timeline().length;
    state.step = Math.max(0, Math.min(state.step, n));
  }

  function render() {
    clampStep();
    const steps = timeline();
    const k = state.step;
    const init = data.initial[state.mode];
    applyNodes(init.nodes);
    applyEdges(init.edges);
    const answered = state.answered[subjectKey(state.mode) || state.mode] || {};
    for (let i = 0; i < k; i++) {
      applyNodes(steps[i].nodes);
      applyEdges(steps[i].edges);
      if (steps[i].reveal && (i < k - 1 || answered[i])) applyNodes(steps[i].reveal.nodes);
    }
    for (const el of Object.values(nodeEls)) el.g.classList.remove("focus", "target", "subject");
    for (const el of Object.values(edgeEls)) el.g.classList.remove("trail");
    const current = k > 0 ? steps[k - 1] : null;
    if (current) {
      current.focus.forEach((id) => nodeEls[id] && nodeEls[id].g.classList.add("focus"));
      current.targets.forEach((id) => nodeEls[id] && nodeEls[id].g.classList.add("target"));
      current.trail.forEach((id) => edgeEls[id] && edgeEls[id].g.classList.add("trail"));
    }
    const subject = state.subject[state.mode];
    if (subject && nodeEls[subject]) nodeEls[subject].g.classList.add("subject");
    renderPanel(current, k, steps.length, answered);
    zoomTo(current);
    markChart(current);
    renderControls(steps.length);
    writeHash();
    reportMode();
  }

  function renderPanel(current, k, n, answered) {
    const box = $("lines");
    box.replaceChildren();
    $("step-title").textContent = current ? current.title : INFO[state.mode].label + ": press → to start";
    if (!current) {
      addLines(box, data.intro[state.mode]);
      if (data.subjects[state.mode] && !state.subject[state.mode]) addLines(box, [["note", "Choose a node first."]]);
    } else {
      addLines(box, (current.chains && current.chains[state.chain]) || current.lines);
      if (current.reveal && answered[k - 1]) addLines(box, current.reveal.lines);
    }
    const quiz = $("quiz");
    quiz.hidden = !(current && current.quiz);
    if (current && current.quiz) renderQuiz(current, k - 1, answered);
    fitPanel();
  }

  // The current step's lines always show whole: a step too long for the panel gets smaller type
  // (down to 60%), and the panel scrolls back to its top.
  function fitPanel() {
    const panel = $("panel");
    let fit = 1;
    panel.style.setProperty("--fit", "1");
    while (panel.scrollHeight > panel.clientHeight + 1 && fit > 0.6) {
      fit -= 0.05;
      panel.style.setProperty("--fit", fit.toFixed(2));
    }
    panel.scrollTop = 0;
  }

  function renderQuiz(current, index, answered) {
    const choices = $("quiz-choices");
    choices.replaceChildren();
    const result = answered[index];
    for (const text of current.quiz.choices) {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = text;
      const chosen = !!(result && result.choice === text);
      b.classList.toggle("chosen", chosen);
      b.setAttribute("aria-pressed", String(chosen));
      b.addEventListener("click", () => answer(text, true));
      choices.appendChild(b);
    }
    const feedback = $("quiz-feedback");
    feedback.className = result ? result.ok ? "ok" : "bad" : "";
    feedback.textContent = result ? result.text : "";
    const scores = Object.values(answered).filter((r) => r.checked);
    $("quiz-score").textContent = scores.length
      ? "score: " + scores.filter((r) => r.ok).length + " of " + scores.length + " right" : "";
  }

  function parseNumber(text) {
    const cleaned = String(text).trim().replace(/\u2212/g, "-").replace(/,/g, ".");
    return cleaned === "" ? NaN : Number(cleaned);
  }

  // Right when the answer agrees, to the precision shown, with the true value or with the value
  // the displayed (rounded) factors give: both are in quiz.accepted.
  function answer(text, fromChoice) {
    const current = timeline()[state.step - 1];
    if (!current || !current.quiz) return;
    const key = subjectKey(state.mode) || state.mode;
    const answered = (state.answered[key] = state.answered[key] || {});
    if (text === null) {
      answered[state.step - 1] = { ok: false, checked: false, text: "revealed" };
    } else {
      const value = parseNumber(text);
      if (!Number.isFinite(value)) {
        $("quiz-feedback").className = "bad";
        $("quiz-feedback").textContent = "not a number: type a number such as 0.5 or −1.25";
        return;
      }
      const ok = current.quiz.accepted.some((a) => Math.abs(value - a) <= current.quiz.tolerance);
      const shown = Object.values(current.reveal.nodes)[0].g;
      answered[state.step - 1] = {
        ok: ok, checked: true, choice: fromChoice ? text : null,
        text: (ok ? "✓ right: " : "✗ not quite: ") + shown + (fromChoice ? "  (you chose " + text + ")" : "  (you typed " + text + ")"),
      };
    }
    $("quiz-input").blur();  // the arrow keys step on again
    render();
  }

  function renderControls(n) {
    document.querySelectorAll("#modes button").forEach((b) => b.classList.toggle("active", b.dataset.mode === state.mode));
    document.body.classList.toggle("dim-others", INFO[state.mode].dims);
    $("counter").textContent = "step " + state.step + " / " + n;
    $("play").textContent = state.timer ? "❚❚ pause" : "▶ play";
    const chains = timeline().some((s) => s.chains);
    $("chain").hidden = !chains;
    $("chain-key").hidden = !chains;
    $("chain").textContent = state.chain === "a" ? "δ over a" : "Δ over h";
    $("zoom").classList.toggle("active", zooming());
    $("zoom").setAttribute("aria-pressed", String(zooming()));
    const subjects = data.subjects[state.mode];
    $("subject").hidden = !subjects;
    if (subjects) {
      const select = $("subject-select");
      if (select.dataset.mode !== state.mode) {
        fillSelect(select, [["", "— choose —"], ...subjects]);
        select.dataset.mode = state.mode;
      }
      select.value = state.subject[state.mode] || "";
      $("subject-label").textContent = INFO[state.mode].subject || "node";
      const variants = data.variants[state.mode];
      $("variant-box").hidden = !variants;
      $("variant-label").textContent = INFO[state.mode].variant || "";
      if (variants) {
        const vs = $("variant-select");
        if (vs.options.length !== variants.length) fillSelect(vs, variants.map((v) => [v, v]));
        vs.value = state.variant[state.mode] || variants[0];
      }
    }
  }

  function fillSelect(select, pairs) {
    select.replaceChildren();
    for (const [value, text] of pairs) {
      const option = document.createElement("option");
      option.value = value;
      option.textContent = text;
      select.appendChild(option);
    }
  }

  // ------------------------------------------------------------ URL hash
  function writeHash() {
    const parts = ["mode=" + state.mode, "step=" + state.step];
    if (state.subject[state.mode]) parts.push("node=" + state.subject[state.mode]);
    if (data.variants[state.mode] && state.variant[state.mode]) parts.push("h=" + state.variant[state.mode]);
    if (state.zoom !== null) parts.push("zoom=" + (state.zoom ? "1" : "0"));
    if (state.chain !== (data.chain || "h")) parts.push("chain=" + state.chain);
    const hash = "#" + parts.join("&");
    if (location.hash === hash) return;
    try { history.replaceState(null, "", hash); } catch (e) { /* some viewers forbid it */ }
  }

  function readHash() {
    const params = new URLSearchParams(location.hash.replace(/^#/, ""));
    const mode = params.get("mode");
    if (mode && data.modes.includes(mode)) state.mode = mode;
    // a node by its id or by its label (#node=x1)
    const node = params.get("node");
    const subjects = data.subjects[state.mode] || [];
    const found = subjects.find(([id]) => id === node) || subjects.find(([, name]) => name === node);
    if (node && found) state.subject[state.mode] = found[0];
    const h = params.get("h");
    if (h && data.variants[state.mode] && data.variants[state.mode].includes(h)) state.variant[state.mode] = h;
    const chain = params.get("chain");
    if (chain === "a" || chain === "h") state.chain = chain;
    const zoom = params.get("zoom");
    state.zoom = zoom === "1" ? true : zoom === "0" ? false : null;
    const step = parseInt(params.get("step"), 10);
    state.step = Number.isFinite(step) ? step : 0;
  }

  // ------------------------------------------------------------ controls
  function go(step) {
    if (step !== state.step) $("quiz-input").value = "";
    state.step = step;
    render();
  }
  function setMode(mode) {
    if (!data.modes.includes(mode)) return;
    stop();
    state.mode = mode;
    state.step = 0;
    render();
  }
  function stop() { if (state.timer) { clearInterval(state.timer); state.timer = null; } }
  function togglePlay() {
    if (state.timer) { stop(); render(); return; }
    if (state.step >= timeline().length) state.step = 0;
    state.timer = setInterval(() => {
      if (state.step + 1 >= timeline().length) stop();
      go(state.step + 1);
    }, Number($("speed").value));
    render();
  }

  for (const mode of data.modes) {
    const b = document.createElement("button");
    b.type = "button";
    b.dataset.mode = mode;
    b.id = INFO[mode].button;
    b.textContent = INFO[mode].label;
    const kbd = document.createElement("kbd");
    kbd.textContent = INFO[mode].key;
    b.appendChild(kbd);
    b.addEventListener("click", () => setMode(mode));
    $("modes").appendChild(b);
  }
  $("first").addEventListener("click", () => go(0));
  $("prev").addEventListener("click", () => go(state.step - 1));
  $("next").addEventListener("click", () => go(state.step + 1));
  $("last").addEventListener("click", () => go(timeline().length));
  $("play").addEventListener("click", togglePlay);
  function toggleZoom() { state.zoom = !zooming(); render(); }
  function toggleChain() { state.chain = state.chain === "a" ? "h" : "a"; render(); }
  $("chain").addEventListener("click", toggleChain);
  $("zoom").addEventListener("click", toggleZoom);
  // after a choice in a list, the keys step again (a focused select would take → and ←)
  $("speed").addEventListener("change", (e) => { e.target.blur(); if (state.timer) { stop(); togglePlay(); } });
  $("subject-select").addEventListener("change", (e) => { e.target.blur(); state.subject[state.mode] = e.target.value || undefined; go(0); });
  $("variant-select").addEventListener("change", (e) => { e.target.blur(); state.variant[state.mode] = e.target.value; go(0); });
  $("quiz-input").addEventListener("keydown", (e) => { if (e.key === "Escape") e.target.blur(); });
  $("quiz-check").addEventListener("click", () => answer($("quiz-input").value));
  $("quiz-input").addEventListener("keydown", (e) => { if (e.key === "Enter") answer(e.target.value); });
  $("quiz-reveal").addEventListener("click", () => answer(null));

  for (const [id, el] of Object.entries(nodeEls)) {
    el.g.addEventListener("click", () => {
      const subjects = data.subjects[state.mode];
      if (subjects) {
        if (subjects.some(([s]) => s === id)) { state.subject[state.mode] = id; go(0); }
        return;
      }
      const index = timeline().findIndex((s) => s.values && s.values.node === id);
      if (index >= 0) go(index + 1);
    });
  }

  function onKey(key) {
    const byKey = data.modes.find((m) => INFO[m].key === key);
    if (key === "ArrowRight") go(state.step + 1);
    else if (key === "ArrowLeft") go(state.step - 1);
    else if (key === "Home") go(0);
    else if (key === "End") go(timeline().length);
    else if (key === " ") togglePlay();
    else if (key === "z") toggleZoom();
    else if (key === "c" && timeline().some((s) => s.chains)) toggleChain();
    else if (byKey) setMode(byKey);
    else return false;
    return true;
  }
  document.addEventListener("keydown", (e) => {
    const tag = e.target && e.target.tagName;
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA" || e.ctrlKey || e.metaKey || e.altKey) return;
    if (onKey(e.key)) e.preventDefault();
  });
  window.addEventListener("hashchange", () => { readHash(); render(); });

  // A page that frames this one (the notebook widget) may send a key pressed outside it, a mode
  // to show, or data of this same graph at new leaf values: the same nodes, so the same layout;
  // the texts change in place and the mode and step stay. Python computed every number. An
  // update may carry only some modes (the one shown): each entry by mode is merged into the
  // page's own, so the other modes keep what they had until the framing page sends theirs.
  const framed = window.parent !== window;
  let reportedMode = null;
  function reportMode() {  // the framing page builds only the mode shown: it is told which one that is
    if (!framed || reportedMode === state.mode) return;
    reportedMode = state.mode;
    window.parent.postMessage({ type: "pathgrad-step-mode", mode: state.mode }, "*");
  }
  const isRecord = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
  window.addEventListener("message", (event) => {
    const message = event.data;
    if (!framed || event.source !== window.parent || !message) return;
    if (message.type === "pathgrad-key" && typeof message.key === "string") onKey(message.key);
    if (message.type === "pathgrad-mode" && message.mode !== state.mode) setMode(message.mode);
    if (message.type !== "pathgrad-step-data" || !message.data || !message.data.nodes) return;
    if (Object.keys(message.data.nodes).join(" ") !== Object.keys(data.nodes).join(" ")) return;
    for (const [key, value] of Object.entries(message.data)) {
      if (key === "start") continue;
      data[key] = isRecord(value) && isRecord(data[key]) ? Object.assign(data[key], value) : value;
    }
    render();
    window.parent.postMessage({ type: "pathgrad-step-rendered", stamp: message.stamp }, "*");
  });

  readHash();
  render();
})();
