// Keeps what is typed (texts, dates, times) in forms marked data-draft="<key>" in localStorage until the server saves it,
// so that a session timeout or a closed tab never loses a long tour de table.
// After a successful save the server redirects with ?saved=<key> (or, in place, answers X-Draft-Saved),
// and the draft is forgotten.
// Logging out (forms marked data-forget-drafts) forgets every draft: the next person at this computer
// reads none of them. The server's Clear-Site-Data header does the same where browsers support it.
(function () {
  "use strict";
  var storage;
  try { storage = window.localStorage; } catch (error) { return; }
  if (!storage) { return; }
  var prefix = "seances-draft:";

  function fieldKey(form, field) { return prefix + form.dataset.draft + ":" + field.name; }

  function forgetDrafts(keyStart) {
    Object.keys(storage).forEach(function (key) {
      if (key.indexOf(keyStart) === 0) { storage.removeItem(key); }
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-forget-drafts]"), function (form) {
    form.addEventListener("submit", function () { forgetDrafts(prefix); });
  });

  var params = new URLSearchParams(window.location.search);
  var saved = params.get("saved");
  if (saved) {
    forgetDrafts(prefix + saved + ":");
    // Forget the marker too, so that reloading later does not throw away a new draft.
    params.delete("saved");
    var query = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
  }

  function watchForm(form) {
    if (form.dataset.draftWatched) { return; }
    form.dataset.draftWatched = "1";
    var fields = form.querySelectorAll("textarea, input[type=text], input[type=date], input[type=time]");
    var restored = false;
    Array.prototype.forEach.call(fields, function (field) {
      var draft = storage.getItem(fieldKey(form, field));
      if (draft !== null && draft !== "" && draft !== field.value) {
        field.value = draft;
        restored = true;
      }
      field.addEventListener("input", function () {
        if (field.value === field.defaultValue) { storage.removeItem(fieldKey(form, field)); }
        else { storage.setItem(fieldKey(form, field), field.value); }
      });
    });
    if (restored) {
      var note = document.createElement("p");
      note.className = "fr-alert fr-alert--info fr-alert--sm draft-restored";
      note.setAttribute("role", "status");
      note.textContent = "Texte non enregistré restauré depuis votre navigateur : vérifiez-le puis enregistrez.";
      form.insertBefore(note, form.firstChild);
    }
  }

  // Forms of ``root`` (the page, or a part the in-place editor has just put in: js/in-place.js).
  function watch(root) {
    if (root.matches && root.matches("form[data-draft]")) { watchForm(root); }
    Array.prototype.forEach.call(root.querySelectorAll("form[data-draft]"), watchForm);
  }

  watch(document);
  window.seancesDrafts = {
    watch: watch,
    forget: function (key) { forgetDrafts(prefix + key + ":"); }
  };
}());
