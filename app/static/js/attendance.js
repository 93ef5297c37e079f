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
  var secondConvocation = form.dataset.secondConvocation === "1";

  function checkedValue(row) {
    var checked = row.querySelector("input[type=radio]:checked");
    return checked ? checked.value : "";
  }

  function members(count) { return count + (count > 1 ? " membres" : " membre"); }

  // Same rule as app/meetings/quorum.py count_quorum: the base is the voting seats in office (from the
  // server); a seat is filled by a member present (its titulaire, or a suppléant sitting in their place,
  // also when the titulaire is marked represented by that suppléant), else counts as represented when
  // its titulaire gave a pouvoir and the body counts represented members. A pouvoir (or a suppléant)
  // whose holder is marked excusé, absent or représenté fills no seat (NOT_SITTING: no chain of pouvoirs), nor
  // does a pouvoir held by nobody or by someone without a voting seat on the sheet (``holders``).
  var notSitting = ["excused", "absent", "represented"];
  function updateQuorum() {
    var present = {}, represented = {}, declined = {}, holders = {};
    rows.forEach(function (row) {
      var select = row.querySelector("select[data-person]");
      if (!select) { return; }
      if (notSitting.indexOf(checkedValue(row)) >= 0) { declined[select.dataset.person] = true; }
      else if (row.dataset.seat && row.dataset.holder === "1") { holders[select.dataset.person] = true; }
    });
    rows.forEach(function (row) {
      var seat = row.dataset.seat;
      if (!seat) { return; }
      var value = checkedValue(row);
      if (value === "present") {
        present[seat] = true;
      } else if (value === "represented" && row.dataset.holder === "1") {
        var select = row.querySelector("select[data-person]");
        var substitutes = select ? (select.dataset.substitutes || "").split(" ").filter(Boolean) : [];
        if (select && declined[select.value]) { return; }
        if (select && select.value && substitutes.indexOf(select.value) >= 0) { present[seat] = true; }
        else if (select && holders[select.value]) { represented[seat] = true; }
      }
    });
    var counted = Object.keys(present).length;
    if (countsRepresented) {
      counted += Object.keys(represented).filter(function (seat) { return !present[seat]; }).length;
    }
    var reached = counted >= required;
    if (secondConvocation) {
      output.textContent = "Seconde convocation, aucun quorum requis : " + members(counted) + " sur " + votingMembers;
    } else {
      output.textContent = (reached ? "Quorum atteint" : "Quorum non atteint") + " : " + members(counted) +
        " sur " + votingMembers + " (" + required + " requis)";
    }
    output.classList.toggle("fr-badge--success", reached);
    output.classList.toggle("fr-badge--warning", !reached);
  }

  // A row's « représenté(e) par » list, built when first needed from the page's one list of
  // representatives, in the order of app/attendance/sheet.py representative_choices: the member's
  // suppléants first, then, if the member may give a pouvoir, the titulaires who may hold one.
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
    if (select.dataset.givesProxy === "1") {
      Array.prototype.forEach.call(pool.content.querySelectorAll("option[data-proxy-holder]"), function (source) {
        if (source.value !== select.dataset.person && substitutes.indexOf(source.value) < 0) {
          options.push(source.cloneNode(true));
        }
      });
    }
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

  // At a meeting held both on site and by visio, a present person's row asks how they took part
  // (« Sur place » / « En visio »); the others' is hidden (the server ignores it).
  function updateMode(row) {
    var field = row.querySelector(".attendance-mode__field");
    if (field && !field.querySelector(".fr-error-text")) { field.hidden = checkedValue(row) !== "present"; }
  }

  form.addEventListener("change", function (event) {
    var target = event.target;
    if (target.type === "radio") {
      updateQuorum();
      updateMode(target.closest("tr"));
      if (target.value === "represented" && representativeSelect(target)) { fillRepresentatives(representativeSelect(target)); }
    }
    // Choosing a representative means the member is represented.
    if (target.matches("select[data-person]") && target.closest("tr[data-capacity]")) {
      var represented = target.closest("tr").querySelector("input[type=radio][value=represented]");
      if (represented && target.value) { represented.checked = true; }
      updateQuorum();
      updateMode(target.closest("tr"));
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
      updateMode(row);
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

  // Enter in the search for a person to add searches (without JavaScript, it saves the sheet).
  var search = document.getElementById("new_person_search");
  var searchButton = document.getElementById("chercher-personne");
  if (search && searchButton) {
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); searchButton.click(); }
    });
  }

  updateQuorum();
}());
