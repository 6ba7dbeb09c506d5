// The notebook widget (anywidget): a slider and a number field per leaf above the step page.
// Every number comes from Python: a control sends {type: "set", name, value}; Python runs the
// engine and sends back the page's data of the mode shown, which the page applies in place (same
// layout). The page says which mode it shows (model "mode"); Python sends a mode's data when the
// page switches to it, and Python setting "mode" switches the page.
// Keys pressed in the widget never reach the notebook (no "b" inserting a cell).

const STEP_KEYS = new Set(["ArrowRight", "ArrowLeft", "Home", "End", " ", "f", "b", "p", "q", "n", "x", "z"]);

function format(value) {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
}

function render({ model, el }) {
  const root = document.createElement("div");
  root.className = "pathgrad-explore";
  root.tabIndex = 0;
  root.setAttribute("data-lm-suppress-shortcuts", "true");

  const controls = document.createElement("div");
  controls.className = "pathgrad-controls";
  const error = document.createElement("div");
  error.className = "pathgrad-error";
  error.setAttribute("role", "alert");
  const frame = document.createElement("iframe");
  frame.className = "pathgrad-page";
  frame.setAttribute("sandbox", "allow-scripts");
  frame.title = "step-through";
  root.append(controls, error, frame);
  el.appendChild(root);

  const rows = {};
  let sentAt = null;  // when a control last sent a value: the widget measures until the page shows it
  for (const leaf of model.get("leaves")) {
    const row = document.createElement("label");
    row.className = "pathgrad-leaf";
    const name = document.createElement("span");
    name.className = "pathgrad-name";
    name.textContent = leaf.name;
    const slider = document.createElement("input");
    slider.type = "range";
    slider.min = String(leaf.min);
    slider.max = String(leaf.max);
    slider.step = String(leaf.step);
    slider.value = String(leaf.value);
    slider.setAttribute("aria-label", leaf.name + " slider");
    slider.dataset.leaf = leaf.name;
    const number = document.createElement("input");
    number.type = "number";
    number.step = "any";
    number.value = format(leaf.value);
    number.setAttribute("aria-label", leaf.name);
    number.dataset.leaf = leaf.name;
    const send = (value) => { sentAt = performance.now(); model.send({ type: "set", name: leaf.name, value: value }); };
    slider.addEventListener("input", () => { number.value = format(Number(slider.value)); send(Number(slider.value)); });
    number.addEventListener("change", () => {
      const value = Number(number.value);
      if (number.value.trim() === "" || !Number.isFinite(value)) { number.classList.add("invalid"); return; }
      number.classList.remove("invalid");
      slider.value = String(value);
      send(value);
    });
    row.append(name, slider, number);
    controls.appendChild(row);
    rows[leaf.name] = { slider, number };
  }

  function showPage() {
    frame.style.height = model.get("height") + "px";
    frame.srcdoc = model.get("page");
  }
  function showData() {
    const text = model.get("data");
    if (text && frame.contentWindow) {
      frame.contentWindow.postMessage({ type: "pathgrad-step-data", data: JSON.parse(text), stamp: sentAt }, "*");
    }
  }
  function showLeaves() {  // Python's values win: widget.set() moves the controls too
    for (const leaf of model.get("leaves")) {
      const row = rows[leaf.name];
      if (!row) continue;
      // the leaf being dragged or typed keeps its controls: Python's answers to the values sent on the
      // way would otherwise pull them back
      if (document.activeElement === row.number || document.activeElement === row.slider) continue;
      row.number.value = format(leaf.value);
      row.slider.value = String(leaf.value);
    }
  }
  function showError() {
    error.textContent = model.get("error");
    error.hidden = !model.get("error");
  }

  // Keys stay in the widget. Step keys pressed on the widget (not in a field) go to the page.
  root.addEventListener("keydown", (event) => {
    event.stopPropagation();
    const tag = event.target.tagName;
    const typing = tag === "INPUT" && event.target.type !== "range";
    if (!typing && STEP_KEYS.has(event.key) && !event.ctrlKey && !event.metaKey && !event.altKey) {
      if (event.target.type === "range" && event.key.startsWith("Arrow")) return;  // the slider's own keys
      frame.contentWindow.postMessage({ type: "pathgrad-key", key: event.key }, "*");
      event.preventDefault();
    }
  });
  for (const type of ["keyup", "keypress"]) root.addEventListener(type, (event) => event.stopPropagation());

  // slider moved → Python → page rewritten: the page says when, and the widget keeps the time;
  // the page also says which mode it shows, the one Python keeps up to date
  function onRendered(event) {
    if (event.source !== frame.contentWindow || !event.data) return;
    if (event.data.type === "pathgrad-step-mode" && typeof event.data.mode === "string" && event.data.mode !== model.get("mode")) {
      model.set("mode", event.data.mode);
      model.save_changes();
    }
    if (event.data.type !== "pathgrad-step-rendered") return;
    if (typeof event.data.stamp === "number") root.dataset.latencyMs = (performance.now() - event.data.stamp).toFixed(1);
  }
  function showMode() {
    if (frame.contentWindow) frame.contentWindow.postMessage({ type: "pathgrad-mode", mode: model.get("mode") }, "*");
  }
  window.addEventListener("message", onRendered);
  model.on("change:page", showPage);
  model.on("change:data", showData);
  model.on("change:leaves", showLeaves);
  model.on("change:error", showError);
  model.on("change:mode", showMode);
  showPage();
  showError();
  return () => {
    window.removeEventListener("message", onRendered);
    model.off("change:page", showPage);
    model.off("change:data", showData);
    model.off("change:leaves", showLeaves);
    model.off("change:error", showError);
    model.off("change:mode", showMode);
  };
}

export default { render };
