// custimport ui: a little JavaScript over server-rendered HTML. Every form
// marked data-post is sent with fetch; the answer is HTML whose top-level
// elements replace the elements with the same id. Import progress comes
// as Server-Sent Events. No inline script or style: the CSP is
// default-src 'self'.
"use strict";

(function () {
  let events = null;
  let busy = false;

  // swap replaces every element of the page that has the id of a
  // top-level element of html. The rows of #grid-rows (the answer to a
  // cell edit) replace the grid's rows of the same number.
  function swap(html) {
    const t = document.createElement("template");
    t.innerHTML = html;
    for (const el of Array.from(t.content.children)) {
      if (!el.id) continue;
      if (el.id === "grid-rows") {
        for (const tr of Array.from(el.querySelectorAll("tr[data-line]"))) {
          const old = document.querySelector('#grid tbody tr[data-line="' + tr.dataset.line + '"]');
          if (old) old.replaceWith(tr);
        }
        continue;
      }
      const old = document.getElementById(el.id);
      if (old) old.replaceWith(el);
    }
    afterSwap();
  }

  // checkShown is the id of the check this tab shows: the server refuses
  // (409) a change from a tab whose check is no longer the current one.
  function checkShown() {
    const s = document.getElementById("page-state");
    return s ? s.dataset.check : "";
  }

  async function send(url, body) {
    busy = true;
    document.body.classList.add("busy");
    try {
      const res = await fetch(url, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "X-Custimport-Check": checkShown() },
      });
      const type = res.headers.get("Content-Type") || "";
      if (type.startsWith("text/html")) swap(await res.text());
      else showError(res.status + " " + res.statusText);
    } catch (e) {
      showError(String(e));
    } finally {
      busy = false;
      document.body.classList.remove("busy");
    }
  }

  function showError(text) {
    const m = document.getElementById("message");
    if (!m) return;
    m.textContent = "";
    const p = document.createElement("p");
    p.className = "error";
    p.textContent = text;
    m.appendChild(p);
  }

  function formBody(form, submitter) {
    const fd = submitter ? new FormData(form, submitter) : new FormData(form);
    if (form.enctype === "multipart/form-data") return fd;
    return new URLSearchParams(fd);
  }

  document.addEventListener("submit", function (e) {
    const form = e.target;
    if (!form.hasAttribute("data-post")) return;
    e.preventDefault();
    // A button may send the form elsewhere (formaction: 「測試連線」).
    const to = (e.submitter && e.submitter.getAttribute("formaction")) || form.getAttribute("action");
    send(to, formBody(form, e.submitter));
  });

  // A styled file chooser shows the chosen file's name in the page's
  // language, not the browser's.
  function showPicked(input) {
    const box = input.closest("label");
    const picked = box && box.querySelector(".picked");
    if (picked) picked.textContent = input.files.length ? input.files[0].name : picked.dataset.none;
  }

  document.addEventListener("change", function (e) {
    const el = e.target;
    if (el.type === "file") showPicked(el);
    if (el.id === "sign") {
      // 自訂: the recipe is typed in full.
      const box = document.getElementById("sign-custom-box");
      if (box) box.hidden = el.value !== "custom";
      if (el.value === "custom") document.getElementById("sign-custom").focus();
      return;
    }
    if (el.id === "file") {
      if (!el.files.length) return;
      // Nothing of the previous file stays on screen while this one loads.
      for (const id of ["run", "grid", "message"]) {
        const old = document.getElementById(id);
        if (old) old.replaceChildren();
      }
      setStatus(document.body.dataset.checking || "…");
      send("/upload", new FormData(el.form));
      return;
    }
    const form = el.form;
    if (form && form.hasAttribute("data-autosubmit")) {
      send(form.getAttribute("action"), formBody(form));
    }
  });

  function setStatus(text) {
    const s = document.getElementById("status");
    if (s) s.textContent = text;
  }

  // Drag and drop onto the file box.
  document.addEventListener("dragover", function (e) {
    if (e.target.closest && e.target.closest("#drop")) {
      e.preventDefault();
      e.target.closest("#drop").classList.add("over");
    }
  });
  document.addEventListener("dragleave", function (e) {
    const d = e.target.closest && e.target.closest("#drop");
    if (d) d.classList.remove("over");
  });
  document.addEventListener("drop", function (e) {
    const d = e.target.closest && e.target.closest("#drop");
    if (!d) return;
    e.preventDefault();
    const input = document.getElementById("file");
    input.files = e.dataTransfer.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
  });

  // The grid: arrows move, Enter or a click edits, Enter saves, Escape
  // cancels, Tab saves and moves on.
  function cellAt(line, col) {
    return document.querySelector('#grid td.cell[data-line="' + line + '"][data-col="' + col + '"]');
  }

  function focusCell(td) {
    if (!td) return;
    for (const c of document.querySelectorAll('#grid td.cell[tabindex="0"]')) c.tabIndex = -1;
    td.tabIndex = 0;
    td.focus();
    // Find and replace works on the column in focus unless told otherwise.
    const col = document.getElementById("replace-col");
    const find = document.getElementById("find");
    if (col && find && !find.value) col.value = td.dataset.col;
  }

  function neighbour(td, dRow, dCol) {
    if (dCol) {
      let s = dCol > 0 ? td.nextElementSibling : td.previousElementSibling;
      return s && s.classList.contains("cell") ? s : null;
    }
    const tr = dRow > 0 ? td.parentElement.nextElementSibling : td.parentElement.previousElementSibling;
    return tr ? tr.querySelector('td.cell[data-col="' + td.dataset.col + '"]') : null;
  }

  function edit(td) {
    if (td.querySelector("input") || document.getElementById("grid").classList.contains("locked")) return;
    const old = td.textContent;
    const input = document.createElement("input");
    input.value = old;
    input.className = "celledit";
    input.setAttribute("aria-label", td.title || "");
    td.textContent = "";
    td.appendChild(input);
    input.focus();
    input.select();
    let done = false;
    function finish(save, move) {
      if (done) return;
      done = true;
      const line = td.dataset.line, col = Number(td.dataset.col);
      if (!save || input.value === old) {
        td.textContent = old;
        focusCell(move ? cellAt(line, col + move) || td : td);
        return;
      }
      const body = new URLSearchParams({ line: line, col: String(col), value: input.value });
      td.textContent = input.value;
      send("/cell", body).then(function () {
        focusCell(cellAt(line, col + (move || 0)) || cellAt(line, col));
      });
    }
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter") { e.preventDefault(); finish(true, 0); }
      else if (e.key === "Escape") { e.preventDefault(); finish(false, 0); }
      else if (e.key === "Tab") { e.preventDefault(); finish(true, e.shiftKey ? -1 : 1); }
    });
    input.addEventListener("blur", function () { finish(true, 0); });
  }

  document.addEventListener("click", function (e) {
    // A warning's link to the control that fixes it focuses that control.
    const fix = e.target.closest && e.target.closest("a[data-focus]");
    if (fix) {
      const el = document.getElementById(fix.dataset.focus);
      if (el) { e.preventDefault(); el.scrollIntoView({ block: "center" }); el.focus(); }
      return;
    }
    const td = e.target.closest && e.target.closest("#grid td.cell");
    if (td && !busy) { focusCell(td); edit(td); }
  });

  document.addEventListener("keydown", function (e) {
    const td = e.target.closest && e.target.closest("#grid td.cell");
    if (!td || e.target.tagName === "INPUT") return;
    const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    if (moves[e.key]) {
      e.preventDefault();
      focusCell(neighbour(td, moves[e.key][0], moves[e.key][1]) || td);
    } else if (e.key === "Enter" || e.key === "F2") {
      e.preventDefault();
      edit(td);
    }
  });

  // Progress of an import.
  function openEvents() {
    if (events) return;
    events = new EventSource("/events");
    events.addEventListener("live", function (e) { swap(JSON.parse(e.data)); });
    events.addEventListener("done", function () {
      events.close();
      events = null;
      fetch("/view", { credentials: "same-origin" }).then(function (r) { return r.text(); }).then(swap);
    });
    events.onerror = function () {
      if (events && events.readyState === EventSource.CLOSED) events = null;
    };
  }

  function afterSwap() {
    const first = document.querySelector("#grid td.cell");
    if (first && !document.querySelector('#grid td.cell[tabindex="0"]')) first.tabIndex = 0;
    const box = document.getElementById("import-box");
    if (box && box.dataset.running && !events) openEvents();
  }

  document.addEventListener("DOMContentLoaded", afterSwap);
})();
