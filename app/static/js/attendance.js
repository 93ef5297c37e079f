// Attendance sheet: keyboard shortcuts per row and the live quorum.
// No inline script (strict CSP): the rule comes from data attributes set by the server.
(function () {
  "use strict";
  var form = document.getElementById("attendance-sheet");
  if (!form) { return; }
  var rows = Array.prototype.slice.call(form.querySelectorAll("tbody tr[data-capacity]"));
  var keys = { p: "present", e: "excused", a: "absent", r: "represented" };
  var output = document.getElementById("quorum-status");
  var countsRepresented = form.dataset.countsRepresented === "1";
  var required = parseInt(form.dataset.required, 10);
  var votingMembers = parseInt(form.dataset.votingMembers, 10);

  function checkedValue(row) {
    var checked = row.querySelector("input[type=radio]:checked");
    return checked ? checked.value : "";
  }

  // Same rule as app/meetings/quorum.py count_quorum: a seat counts when someone filling it is
  // present, or when its holder is represented and the body counts represented members.
  function updateQuorum() {
    var filled = {};
    rows.forEach(function (row) {
      var seat = row.dataset.seat;
      if (!seat) { return; }
      var value = checkedValue(row);
      if (value === "present" || (value === "represented" && countsRepresented && row.dataset.holder === "1")) {
        filled[seat] = true;
      }
    });
    var counted = Object.keys(filled).length;
    var reached = counted >= required;
    output.textContent = (reached ? "Quorum atteint" : "Quorum non atteint") + " : " + counted +
      (counted > 1 ? " membres" : " membre") + " sur " + votingMembers + " (" + required + " requis)";
    output.classList.toggle("fr-badge--success", reached);
    output.classList.toggle("fr-badge--warning", !reached);
  }

  // A row's « représenté(e) par » list, built when first needed from the page's one list of
  // representatives, in the order of app/attendance/routes.py representative_choices: the member's
  // suppléants first, then the other members of the sheet.
  var pool = document.getElementById("representatives");
  function fillRepresentatives(select) {
    if (!pool || select.dataset.filled) { return; }
    select.dataset.filled = "1";
    var current = select.value;
    var substitutes = (select.dataset.substitutes || "").split(" ").filter(Boolean);
    var none = document.createElement("option");
    none.value = "";
    none.textContent = "—";
    var options = [none];
    substitutes.forEach(function (id) {
      var source = pool.content.querySelector('option[value="' + id + '"]');
      if (source) {
        var option = source.cloneNode(true);
        option.textContent += " (suppléant)";
        options.push(option);
      }
    });
    Array.prototype.forEach.call(pool.content.querySelectorAll("option[data-member]"), function (source) {
      if (source.value !== select.dataset.person && substitutes.indexOf(source.value) < 0) {
        options.push(source.cloneNode(true));
      }
    });
    select.replaceChildren.apply(select, options);
    select.value = current;
  }

  function representativeSelect(element) {
    var row = element.closest("tr[data-capacity]");
    return row ? row.querySelector("select[data-person]") : null;
  }

  form.addEventListener("focusin", function (event) {
    if (event.target.matches("select[data-person]")) { fillRepresentatives(event.target); }
  });
  form.addEventListener("pointerdown", function (event) {
    if (event.target.matches("select[data-person]")) { fillRepresentatives(event.target); }
  });

  function focusRow(row, columnSelector) {
    if (!row) { return; }
    var target = row.querySelector(columnSelector) || row.querySelector("input[type=radio]:checked") ||
      row.querySelector("input[type=radio]");
    if (target) { target.focus(); }
  }

  form.addEventListener("change", function (event) {
    var target = event.target;
    if (target.type === "radio") {
      updateQuorum();
      if (target.value === "represented" && representativeSelect(target)) { fillRepresentatives(representativeSelect(target)); }
    }
    // Choosing a representative means the member is represented.
    if (target.tagName === "SELECT" && target.value && target.closest("tr[data-capacity]")) {
      var represented = target.closest("tr").querySelector("input[type=radio][value=represented]");
      if (represented) { represented.checked = true; updateQuorum(); }
    }
  });

  form.addEventListener("keydown", function (event) {
    var target = event.target;
    if (target.type !== "radio" || event.ctrlKey || event.altKey || event.metaKey) { return; }
    var row = target.closest("tr");
    var index = rows.indexOf(row);
    var value = keys[event.key.toLowerCase()];
    if (value) {
      var radio = row.querySelector("input[type=radio][value=" + value + "]");
      radio.checked = true;
      radio.focus();
      updateQuorum();
      event.preventDefault();
      if (value !== "represented") { focusRow(rows[index + 1], "input[type=radio]:checked"); }
      else {
        var select = row.querySelector("select");
        if (select) { select.focus(); }
      }
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      focusRow(rows[index + (event.key === "ArrowDown" ? 1 : -1)], "input[type=radio]:checked");
      event.preventDefault();
    }
  });

  updateQuorum();
}());
