// The lecturer's page: a value change reloads only the step page in the frame (same mode and
// step); a new expression reloads this page, which lists its names. The server builds every page.
(function () {
  "use strict";
  const form = document.getElementById("editor");
  const expression = document.getElementById("expression");
  const stage = document.getElementById("stage");
  const fields = Array.from(document.querySelectorAll("#values input"));
  let timer = null;

  function values() {
    return fields.map((field) => field.name + "=" + field.value.trim()).join(",");
  }

  function valid(field) {
    const ok = field.value.trim() !== "" && Number.isFinite(Number(field.value));
    field.classList.toggle("invalid", !ok);
    return ok;
  }

  function stepUrl() {
    return "/step?expr=" + encodeURIComponent(expression.value) + "&at=" + encodeURIComponent(values());
  }

  function reloadStage() {
    if (!stage || !fields.every(valid)) return;
    let hash = "";
    try { hash = stage.contentWindow.location.hash; } catch (e) { /* not loaded yet */ }
    stage.src = stepUrl() + hash;
  }

  for (const field of fields) {
    field.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(reloadStage, 120); });
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!fields.every(valid)) return;
    location.href = "/?expr=" + encodeURIComponent(expression.value) + "&at=" + encodeURIComponent(values());
  });

  expression.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
})();
