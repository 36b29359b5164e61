/* sfreg pages: progressive enhancement only. Every page works without this file.
 * - search box: autocomplete from /api/v1/suggest as an ARIA combobox (arrows, Enter, Escape)
 * - edit form: "add a row" buttons for terms and cross references; focus the error summary
 * Text from the server is inserted with textContent, never innerHTML.
 */
(function () {
  "use strict";

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }

  function suggestionsOf(body) {
    if (Array.isArray(body)) return body;
    return body.items || body.suggestions || body.results || [];
  }

  function labelOf(item) {
    return item.text || item.term || item.preferred || item.label || "";
  }

  function detailOf(item) {
    var term = item.term && item.term !== labelOf(item) ? item.term : null;
    return [item.entry_number, term, item.english || item.en, item.pinyin].filter(Boolean).join(" · ");
  }

  function hrefOf(item) {
    if (item.url && item.url.charAt(0) === "/" && item.url.charAt(1) !== "/") return item.url;
    var id = item.id || item.concept_id;
    return id ? "/concepts/" + encodeURIComponent(id) : null;
  }

  function Combobox(input) {
    this.input = input;
    this.list = document.getElementById(input.dataset.listbox);
    this.url = input.dataset.suggest;
    this.items = [];
    this.active = -1;
    this.controller = null;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", this.list.id);
    input.addEventListener("input", debounce(this.fetch.bind(this), 120));
    input.addEventListener("keydown", this.key.bind(this));
    input.addEventListener("blur", function () { setTimeout(this.close.bind(this), 150); }.bind(this));
    this.list.addEventListener("mousedown", function (event) { event.preventDefault(); });
  }

  Combobox.prototype.fetch = function () {
    var q = this.input.value.trim();
    if (!q) { this.close(); return; }
    if (this.controller) this.controller.abort();
    this.controller = new AbortController();
    var self = this;
    fetch(this.url + "?q=" + encodeURIComponent(q) + "&limit=8",
          { headers: { "Accept": "application/json" }, signal: this.controller.signal })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (body) { self.show(suggestionsOf(body).filter(hrefOf)); })
      .catch(function () { /* aborted or offline: the form still submits */ });
  };

  Combobox.prototype.show = function (items) {
    this.items = items;
    this.active = -1;
    this.list.textContent = "";
    var self = this;
    items.forEach(function (item, index) {
      var li = document.createElement("li");
      li.id = self.list.id + "-" + index;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      var main = document.createElement("span");
      main.textContent = labelOf(item);
      var sub = document.createElement("span");
      sub.className = "sub";
      sub.textContent = detailOf(item);
      li.appendChild(main);
      li.appendChild(sub);
      li.addEventListener("click", function () { self.pick(index); });
      self.list.appendChild(li);
    });
    this.list.hidden = items.length === 0;
    this.input.setAttribute("aria-expanded", items.length ? "true" : "false");
    this.input.removeAttribute("aria-activedescendant");
  };

  Combobox.prototype.close = function () {
    this.list.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
    this.active = -1;
  };

  Combobox.prototype.move = function (step) {
    if (!this.items.length) return;
    this.active = (this.active + step + this.items.length) % this.items.length;
    var options = this.list.children;
    for (var i = 0; i < options.length; i++) {
      options[i].setAttribute("aria-selected", i === this.active ? "true" : "false");
    }
    options[this.active].scrollIntoView({ block: "nearest" });
    this.input.setAttribute("aria-activedescendant", options[this.active].id);
  };

  Combobox.prototype.pick = function (index) {
    var href = hrefOf(this.items[index]);
    if (href) window.location.assign(href);
  };

  Combobox.prototype.key = function (event) {
    var open = !this.list.hidden;
    if (event.key === "ArrowDown") { if (!open) this.fetch(); else this.move(1); event.preventDefault(); }
    else if (event.key === "ArrowUp" && open) { this.move(-1); event.preventDefault(); }
    else if (event.key === "Escape" && open) { this.close(); event.preventDefault(); }
    else if (event.key === "Enter" && open && this.active >= 0) { this.pick(this.active); event.preventDefault(); }
  };

  /* Edit form: clone the last row of a fieldset to add one more (names and ids renumbered). */
  function addRowButton(fieldset) {
    var prefix = fieldset.dataset.rowTemplate;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "add-row";
    button.textContent = fieldset.dataset.addLabel || "+";
    button.addEventListener("click", function () {
      var rows = fieldset.querySelectorAll("fieldset.row");
      var last = rows[rows.length - 1];
      var copy = last.cloneNode(true);
      var index = rows.length;
      var pattern = new RegExp("^" + prefix + "-\\d+-");
      copy.querySelectorAll("[name],[id],[for],[aria-describedby]").forEach(function (el) {
        ["name", "id", "for"].forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value) el.setAttribute(attr, value.replace(pattern, prefix + "-" + index + "-"));
        });
        el.removeAttribute("aria-invalid");
        el.removeAttribute("aria-describedby");
        if (el.tagName === "INPUT" && el.type !== "hidden") el.value = "";
        if (el.tagName === "INPUT" && el.type === "hidden") el.value = "";
      });
      copy.querySelectorAll(".field-error").forEach(function (el) { el.remove(); });
      var legend = copy.querySelector("legend");
      if (legend) legend.textContent = legend.textContent.replace(/\d+/, String(index + 1));
      fieldset.insertBefore(copy, button);
      var first = copy.querySelector("input:not([type=hidden]), select");
      if (first) first.focus();
    });
    fieldset.appendChild(button);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-suggest]").forEach(function (input) { new Combobox(input); });
    document.querySelectorAll("fieldset[data-row-template]").forEach(addRowButton);
    var summary = document.querySelector(".error-summary");
    if (summary) summary.focus();
  });
})();
