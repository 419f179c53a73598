/* Sign-up forms, enhanced: drag and row/column toggles on the availability grid, arrow-key
   movement, the browser's time zone, and a live preview of a tutor's times in Seoul.
   Everything here is optional: the forms work the same without JavaScript. */
(function () {
  "use strict";

  var WEEK = 7 * 24 * 60;
  var SEOUL_OFFSET = 9 * 60;

  function each(list, fn) { Array.prototype.forEach.call(list, fn); }

  function changed(box) { box.dispatchEvent(new Event("change", { bubbles: true })); }

  function setBoxes(boxes, value) {
    each(boxes, function (box) {
      if (box.checked !== value) { box.checked = value; changed(box); }
    });
  }

  function toggleAll(boxes) {
    var all = Array.prototype.every.call(boxes, function (b) { return b.checked; });
    setBoxes(boxes, !all);
  }

  /* Rows of focusable things: header buttons and checkboxes, for arrow-key movement. */
  function enhanceGrid(table) {
    var headRow = table.tHead.rows[0];
    var bodyRows = table.tBodies[0].rows;
    var matrix = [[null]];

    each(headRow.cells, function (th, col) {
      if (col === 0) { return; }
      var button = document.createElement("button");
      button.type = "button";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      button.addEventListener("click", function () {
        toggleAll(table.querySelectorAll("tbody tr td:nth-child(" + (col + 1) + ") input"));
      });
      matrix[0].push(button);
    });
    each(bodyRows, function (tr) {
      var th = tr.cells[0];
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () { toggleAll(tr.querySelectorAll("input")); });
      var line = [button];
      each(tr.querySelectorAll("input"), function (box) { line.push(box); });
      matrix.push(line);
    });

    /* One tab stop for the whole grid (roving tabindex); arrows move inside it. */
    var items = [];
    matrix.forEach(function (line, r) {
      line.forEach(function (el, c) {
        if (el) { el.tabIndex = -1; el.dataset.r = r; el.dataset.c = c; items.push(el); }
      });
    });
    var start = table.querySelector("tbody input:checked") || matrix[1][1];
    start.tabIndex = 0;
    table.addEventListener("keydown", function (event) {
      var el = event.target;
      if (el.dataset.r === undefined) { return; }
      var r = +el.dataset.r, c = +el.dataset.c;
      var moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1],
                    Home: [0, -c], End: [0, 7 - c] };
      var move = moves[event.key];
      if (!move) { return; }
      var nr = r + move[0], nc = c + move[1];
      var next = matrix[nr] && matrix[nr][nc];
      if (!next) { return; }
      event.preventDefault();
      el.tabIndex = -1;
      next.tabIndex = 0;
      next.focus();
    });
    table.addEventListener("focusin", function (event) {
      if (event.target.dataset.r === undefined) { return; }
      items.forEach(function (el) { el.tabIndex = el === event.target ? 0 : -1; });
    });

    /* Click-and-drag with a mouse or pen: the first box decides tick or untick. */
    var dragging = false, value = false, suppressClick = false;
    function boxAt(target) {
      var cell = target.closest ? target.closest("td") : null;
      return cell && table.contains(cell) ? cell.querySelector("input") : null;
    }
    table.addEventListener("pointerdown", function (event) {
      if (event.pointerType === "touch" || event.button !== 0) { return; }
      var box = boxAt(event.target);
      if (!box) { return; }
      dragging = true;
      value = !box.checked;
      suppressClick = true;
      setBoxes([box], value);
      box.focus();
      event.preventDefault();
    });
    table.addEventListener("pointerover", function (event) {
      if (!dragging) { return; }
      var box = boxAt(event.target);
      if (box) { setBoxes([box], value); }
    });
    document.addEventListener("pointerup", function () { dragging = false; });
    table.addEventListener("click", function (event) {
      // A pointer click already toggled the box on pointerdown; a keyboard click (detail 0) has not.
      if (suppressClick && event.detail !== 0 && boxAt(event.target)) { event.preventDefault(); }
      suppressClick = false;
    }, true);
  }

  /* ---- live preview in Seoul time ---- */
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function clock(m) { return pad(Math.floor(m / 60)) + ":" + pad(m % 60); }

  function slotStart(value) {
    var days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    var parts = value.split("-"), hm = parts[1].split(":");
    return days.indexOf(parts[0]) * 1440 + (+hm[0]) * 60 + (+hm[1]);
  }

  function formatWeek(starts, dayNames) {
    if (!starts.length) { return ""; }
    var set = {};
    starts.forEach(function (s) { set[s] = true; });
    var first = starts.filter(function (s) { return !set[(s - 30 + WEEK) % WEEK]; });
    if (!first.length) { first = [0]; }
    first.sort(function (a, b) { return a - b; });
    return first.map(function (s) {
      var length = 30;
      while (set[(s + length) % WEEK] && length < WEEK) { length += 30; }
      var out = [], start = s, left = length;
      while (left > 0) {
        var offset = start % 1440, piece = Math.min(left, left < 1440 ? left : 1440 - offset);
        var end = offset + piece;
        out.push(dayNames[Math.floor(start / 1440) % 7] + " " + clock(offset) + "-" +
                 (end === 1440 ? "24:00" : clock(end % 1440)));
        start = (start + piece) % WEEK; left -= piece;
      }
      return out.join("; ");
    }).join("; ");
  }

  function enhancePreview(form) {
    var section = document.getElementById("seoul-preview");
    var zoneInput = form.querySelector("#timezone");
    if (!section || !zoneInput) { return; }
    var data = JSON.parse(section.dataset.offsets || "{}");
    var dayNames = JSON.parse(section.dataset.days);
    var list = section.querySelector(".preview-lines");
    var button = section.querySelector(".preview-button");
    if (button) { button.hidden = true; }

    function render() {
      var local = [];
      each(form.querySelectorAll("input[name=slots]:checked"), function (box) { local.push(slotStart(box.value)); });
      var periods = data.periods || [];
      if (!data.zone || data.zone === "Asia/Seoul" || !periods.length) { section.hidden = true; return; }
      section.hidden = false;
      list.textContent = "";
      if (!local.length) {
        var empty = document.createElement("li");
        empty.textContent = section.dataset.labelNone;
        list.appendChild(empty);
        return;
      }
      periods.forEach(function (period, i) {
        var shift = SEOUL_OFFSET - period.offset;
        var seoul = local.map(function (m) { return ((m + shift) % WEEK + WEEK) % WEEK; });
        var item = document.createElement("li");
        var text = formatWeek(seoul, dayNames);
        item.textContent = i === 0 ? text : section.dataset.labelFrom.replace("DATE", period.from) + " " + text;
        list.appendChild(item);
      });
    }

    function loadZone() {
      var zone = zoneInput.value.trim();
      if (!zone) { data = {}; render(); return; }
      fetch(section.dataset.url + "?tz=" + encodeURIComponent(zone), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (json) { data = json; render(); })
        .catch(function () { /* keep the last preview; the server checks on submit */ });
    }

    form.addEventListener("change", function (event) {
      if (event.target === zoneInput) { loadZone(); } else if (event.target.name === "slots") { render(); }
    });
    zoneInput.addEventListener("input", function () {
      if (zoneInput.value.indexOf("/") > 0) { loadZone(); }
    });
    if (zoneInput.value && zoneInput.value !== data.zone) { loadZone(); } else { render(); }
  }

  function preselectZone(form) {
    var zoneInput = form.querySelector("#timezone");
    if (!zoneInput || zoneInput.value) { return; }
    try {
      var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (zone) { zoneInput.value = zone; }
    } catch (e) { /* leave it for the person to choose */ }
  }

  /* Switching language reloads the page; carry what was typed across, so nobody has to start
     again. Kept in this tab's sessionStorage only for the moment of the switch, and deleted as
     soon as the new page has put it back. Hidden fields (CSRF token, fill time) are not kept. */
  var DRAFT = "lelp-draft:";

  function keepDraftOnLanguageSwitch(form) {
    each(document.querySelectorAll(".lang-switch a"), function (link) {
      link.addEventListener("click", function () {
        var fields = [];
        each(form.elements, function (el) {
          if (!el.name || el.type === "hidden" || el.type === "submit" || el.name === "website") { return; }
          if ((el.type === "checkbox" || el.type === "radio") && !el.checked) { return; }
          fields.push([el.name, el.value]);
        });
        try { sessionStorage.setItem(DRAFT + location.pathname, JSON.stringify(fields)); } catch (e) { /* private mode */ }
      });
    });
  }

  function restoreDraft(form) {
    var key = DRAFT + location.pathname, text = null;
    try { text = sessionStorage.getItem(key); sessionStorage.removeItem(key); } catch (e) { return; }
    if (!text) { return; }
    var fields = JSON.parse(text);
    each(form.elements, function (el) {
      if (!el.name || el.type === "hidden" || el.type === "submit") { return; }
      var mine = fields.filter(function (f) { return f[0] === el.name; });
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = mine.some(function (f) { return f[1] === el.value; });
      } else if (mine.length) {
        el.value = mine[0][1];
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    each(document.querySelectorAll(".js-only"), function (el) { el.hidden = false; });
    var form = document.querySelector("form.application");
    if (form) { restoreDraft(form); keepDraftOnLanguageSwitch(form); }
    each(document.querySelectorAll("table[data-grid]"), enhanceGrid);
    if (form) { preselectZone(form); enhancePreview(form); }
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
  });
})();
