// The membership form's person picker: the people are found as one types (a short pause after the last
// key), by the same server search as the « Rechercher » button, which works without JavaScript.
// The results replace the radio buttons; the live region reads out how many were found.
(function () {
  "use strict";
  var form = document.querySelector("form[data-person-picker]");
  if (!form) { return; }
  var input = document.getElementById("person_search");
  var button = document.getElementById("chercher-personne");
  var results = document.getElementById("person-results");
  var status = document.getElementById("person-search-status");
  var newPerson = document.getElementById("new_person");
  var url = form.getAttribute("data-person-picker");
  var timer = null;
  var controller = null;
  var searched = input.value.trim();

  function selected() {
    var checked = form.querySelector('input[name="person_id"]:checked');
    return checked ? checked.value : "";
  }

  // « Créer la personne » shows only once chosen (or while it holds what was typed or an error).
  function showNewPerson() {
    var typed = Array.prototype.some.call(newPerson.querySelectorAll("input"), function (field) {
      return field.value.trim() !== "";
    });
    newPerson.hidden = selected() !== "nouvelle" && !typed;
  }

  function search(force) {
    var text = input.value.trim();
    if (text === searched && !force) { return; }
    searched = text;
    if (controller) { controller.abort(); }
    controller = new AbortController();
    var query = "?q=" + encodeURIComponent(text) + "&selected=" + encodeURIComponent(selected());
    fetch(url + query, {credentials: "same-origin", signal: controller.signal})
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) {
        results.innerHTML = html;
        var fieldset = results.querySelector("[data-status]");
        status.textContent = fieldset ? fieldset.getAttribute("data-status") : "";
        showNewPerson();
      })
      .catch(function (error) {
        if (error.name === "AbortError") { return; }
        status.textContent = "La recherche n'a pas abouti : réessayez avec le bouton « Rechercher ».";
        button.type = "submit";  // back to the search without JavaScript
      });
  }

  // With JavaScript the button searches in place; Enter in the other fields saves the form.
  button.type = "button";
  button.addEventListener("click", function () { search(true); });
  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(search, 300);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      event.preventDefault();
      window.clearTimeout(timer);
      search(true);
    }
  });
  form.addEventListener("change", function (event) {
    if (event.target.name === "person_id") { showNewPerson(); }
  });
  showNewPerson();
}());
