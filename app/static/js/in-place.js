// The tour de table edited in place: adding, editing, moving and deleting points and sections post the
// same forms (CSRF token included) with fetch, marked « X-Requested-With: fetch »; the server answers with
// the changed part of the page (X-Fragment-Target), rendered from the same templates as the whole page,
// and what to announce (X-Fragment-Message). The focus stays where the work goes on. Anything else (the
// session ended, the page expired) falls back to the plain form or link, which work without this script.
(function () {
  "use strict";
  var status = document.getElementById("in-place-status");
  if (!document.getElementById("roundtable-editor") || !status || !window.fetch || !window.HTMLDialogElement) {
    return;  // an old browser: the plain forms and links
  }
  var dialog = null;
  var busy = false;
  var INVALID = '[aria-invalid="true"], .fr-fieldset--error input';

  // The editor is replaced whole after a change to its sections: look it up each time.
  function inEditor(node) {
    var editor = document.getElementById("roundtable-editor");
    return Boolean((editor && editor.contains(node)) || (dialog && dialog.contains(node)));
  }

  function decode(value) { return value ? decodeURIComponent(value) : ""; }

  function announce(text, kind, withReload) {
    status.textContent = "";
    if (!text) { return; }
    var alert = document.createElement("div");
    alert.className = "fr-alert fr-alert--sm fr-alert--" + (kind || "success");
    var line = document.createElement("p");
    line.textContent = text;
    alert.appendChild(line);
    if (withReload) {
      var reload = document.createElement("a");
      reload.className = "fr-link";
      reload.href = window.location.pathname;
      reload.textContent = "Recharger le tour de table";
      alert.appendChild(reload);
    }
    status.appendChild(alert);
  }

  // What an error page says (errors/error.html: its title and its sentence), for a refused action.
  function errorMessage(html) {
    var page = new DOMParser().parseFromString(html, "text/html");
    var title = page.querySelector("main h1");
    var sentence = title && title.nextElementSibling;
    if (!title) { return "L'action n'a pas pu être faite : rechargez la page et recommencez."; }
    return title.textContent.trim() + " : " + (sentence ? sentence.textContent.trim() : "");
  }

  var NETWORK = {};  // what a failed fetch rejects with

  function connectionFailed(error) {
    if (error === NETWORK) {
      announce("La connexion au serveur a échoué : rien n'a été enregistré. Réessayez.", "error");
      return;
    }
    announce("Une erreur est survenue : rechargez la page (ce qui est tapé reste dans le navigateur).",
      "error", true);
    setTimeout(function () { throw error; });  // a bug of this script: reported, not hidden
  }

  function send(url, options) {
    options.headers = {"X-Requested-With": "fetch"};
    options.credentials = "same-origin";
    return fetch(url, options).then(function (response) {
      return response.text().then(function (body) { return {response: response, body: body}; });
    }, function () { throw NETWORK; });
  }

  function parse(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  // What is typed in the other forms of a part being replaced stays (the form just sent excepted).
  function carryOver(old, fresh, sent) {
    Array.prototype.forEach.call(old.querySelectorAll("form[data-draft]"), function (form) {
      if (form === sent || form.closest(".roundtable-edit-in-place")) { return; }
      var twin = fresh.querySelector('form[data-draft="' + form.dataset.draft + '"]');
      if (!twin) { return; }
      Array.prototype.forEach.call(form.elements, function (field) {
        if (!field.name || field.type === "hidden" || field.type === "submit") { return; }
        var same = Array.prototype.filter.call(twin.elements, function (candidate) {
          return candidate.name === field.name && (field.type !== "checkbox" || candidate.value === field.value);
        })[0];
        if (!same) { return; }
        if (field.type === "checkbox") { same.checked = field.checked; } else { same.value = field.value; }
      });
    });
    // A point being edited in the part stays open, with what is typed in it.
    Array.prototype.forEach.call(old.querySelectorAll(".roundtable-edit-in-place"), function (edit) {
      if (sent && edit.contains(sent)) { return; }
      var point = fresh.querySelector("#" + edit.id.replace("edit-", ""));
      if (point) { point.classList.add("is-editing"); point.appendChild(edit); }
    });
  }

  function replace(target, html, sent) {
    var old = document.getElementById(target);
    var fresh = parse(html);
    if (!old || !fresh) { return null; }
    carryOver(old, fresh, sent);
    old.replaceWith(fresh);
    if (window.seancesDrafts) { window.seancesDrafts.watch(fresh); }
    return fresh;
  }

  function focus(element) {
    if (!element) { return; }
    if (!element.matches("a, button, input, select, textarea") && !element.hasAttribute("tabindex")) {
      element.setAttribute("tabindex", "-1");
    }
    element.focus();
    element.scrollIntoView({block: "nearest"});
  }

  // Handle an answer: a fragment replaces its part, then ``after(fresh, ok)`` (given the fragment's text
  // instead when ``raw``: a dialog or a form to put in); an error page is said; anything else (the login
  // page after a session ended, the page again after it expired) is done again the plain way: ``fallback``.
  function handle(answer, sent, fallback, after, raw) {
    var response = answer.response;
    var target = response.headers.get("X-Fragment-Target");
    var message = decode(response.headers.get("X-Fragment-Message"));
    if (target && raw) {
      after(answer.body, response.ok);
      return;
    }
    if (target === "in-place-dialog" && dialog) {
      // The question asked again (its page had expired): nothing was done; a fresh form to confirm.
      showDialog(answer.body, dialog.opener, dialog.plan, message);
      return;
    }
    if (target) {
      var saved = decode(response.headers.get("X-Draft-Saved"));
      if (saved && window.seancesDrafts) { window.seancesDrafts.forget(saved); }
      var fresh = replace(target, answer.body, sent);
      if (!fresh) {
        announce(message || "La page a changé entre-temps : rechargez-la.", response.ok ? "success" : "error", true);
        return;
      }
      announce(message, response.ok ? "success" : "error");
      after(fresh, response.ok);
      return;
    }
    if (!response.ok) {
      announce(errorMessage(answer.body), "error", response.status === 404 || response.status === 409);
      return;
    }
    fallback();
  }

  function closeEdit(edit) {
    var point = edit.closest(".roundtable-point");
    edit.remove();
    if (point) { point.classList.remove("is-editing"); }
    return point;
  }

  // Where the focus goes once the answer to ``form`` has replaced ``fresh`` (the section or the editor).
  function focusAfter(form, plan) {
    var action = form.getAttribute("action");
    var kind = form.classList.contains("roundtable-add") ? "add-point"
      : form.classList.contains("roundtable-edit") ? "edit-point"
      : /\/move\//.test(action) ? "move"
      : /\/rename$/.test(action) ? "rename"
      : /\/sections$/.test(action) ? "add-section"
      : /\/default-sections$/.test(action) ? "defaults" : "delete";
    var pointId = (action.match(/\/points\/(\d+)\//) || [])[1];
    return function (fresh, ok) {
      if (!ok) {
        focus(fresh.querySelector(INVALID) || fresh.querySelector("textarea, input[type=text]"));
        return;
      }
      if (kind === "add-point") { focus(fresh.querySelector(".roundtable-add textarea")); }
      else if (kind === "edit-point") { focus(document.querySelector("#point-" + pointId + " a[data-edit-in-place]")); }
      else if (kind === "move") { focus(document.querySelector('form[action="' + action + '"] button')); }
      else if (kind === "rename") { focus(fresh.querySelector('form[action="' + action + '"] button')); }
      else if (kind === "add-section") { focus(document.getElementById("new-section-title")); }
      else if (kind === "defaults") { focus(document.querySelector(".roundtable-add textarea")); }
      else if (plan) { plan(); }
    };
  }

  // After a deletion: the first of the items that followed the deleted one, else ``otherwise``.
  function planNext(item, selector, otherwise) {
    var following = [];
    var next = item;
    while ((next = next.nextElementSibling)) { if (next.id) { following.push(next.id); } }
    var section = item.closest(".roundtable-section");
    return function () {
      for (var index = 0; index < following.length; index += 1) {
        var found = document.getElementById(following[index]);
        if (found) { focus(found.querySelector(selector)); return; }
      }
      focus(otherwise(section && document.getElementById(section.id)));
    };
  }

  function submit(form, plan) {
    if (busy) { return; }  // one change at a time: a double click sends once
    busy = true;
    status.textContent = "";
    var inDialog = dialog && dialog.contains(form);
    send(form.action, {method: "POST", body: new FormData(form)}).then(function (answer) {
      // Done: the focus goes where the plan says; refused: back to the link that opened the dialog.
      var target = answer.response.headers.get("X-Fragment-Target");
      if (inDialog && target !== "in-place-dialog") { dialog.close(target ? "done" : ""); }
      handle(answer, form, function () { form.submit(); }, focusAfter(form, plan));
    }).catch(connectionFailed).then(function () { busy = false; });
  }

  function showDialog(html, opener, plan, note) {
    if (!dialog) {
      dialog = document.createElement("dialog");
      dialog.className = "in-place-dialog";
      dialog.setAttribute("aria-labelledby", "in-place-dialog-title");
      document.body.appendChild(dialog);
      dialog.addEventListener("close", function () {
        if (dialog.open) { return; }
        dialog.innerHTML = "";
        if (dialog.returnValue !== "done" && dialog.opener && dialog.opener.isConnected) { focus(dialog.opener); }
      });
    }
    dialog.innerHTML = html;
    dialog.removeAttribute("aria-describedby");
    if (note) {
      var said = document.createElement("p");
      said.id = "in-place-dialog-note";
      said.className = "fr-alert fr-alert--warning fr-alert--sm";
      said.textContent = note;
      dialog.insertBefore(said, dialog.firstChild);
      dialog.setAttribute("aria-describedby", said.id);
    }
    dialog.opener = opener;
    dialog.plan = plan;
    dialog.returnValue = "";
    if (!dialog.open) { dialog.showModal(); }
    focus(dialog.querySelector("button[type=submit]"));
  }

  function openDialog(link, plan) {
    send(link.href, {method: "GET"}).then(function (answer) {
      handle(answer, null, function () { window.location.assign(link.href); }, function (html) {
        showDialog(html, link, plan);
      }, true);
    }).catch(connectionFailed);
  }

  function openEdit(link) {
    var point = link.closest(".roundtable-point");
    send(link.href, {method: "GET"}).then(function (answer) {
      handle(answer, null, function () { window.location.assign(link.href); }, function (html) {
        // One point edited at a time (the form's fields have the same names): what is typed in the other
        // stays in the browser's drafts (drafts.js) and comes back when it is opened again.
        Array.prototype.forEach.call(document.querySelectorAll(".roundtable-edit-in-place"), closeEdit);
        var edit = parse(html);
        point.classList.add("is-editing");
        point.appendChild(edit);
        if (window.seancesDrafts) { window.seancesDrafts.watch(edit); }
        focus(edit.querySelector("textarea"));
      }, true);
    }).catch(connectionFailed);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-in-place]") || !inEditor(form)) { return; }
    event.preventDefault();
    submit(form, dialog && dialog.contains(form) ? dialog.plan : null);
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-edit-in-place], a[data-confirm-in-place], a[data-cancel-in-place]");
    if (!link || !inEditor(link)) { return; }
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) { return; }  // a new tab
    event.preventDefault();
    if (link.hasAttribute("data-cancel-in-place")) {
      if (dialog && dialog.contains(link)) { dialog.close(); return; }
      var point = closeEdit(link.closest(".roundtable-edit-in-place"));
      if (point) { focus(point.querySelector("a[data-edit-in-place]")); }
    } else if (link.hasAttribute("data-edit-in-place")) {
      openEdit(link);
    } else {
      var item = link.closest(".roundtable-point") || link.closest(".roundtable-section");
      var plan = item.classList.contains("roundtable-point")
        ? planNext(item, "a[data-edit-in-place]", function (section) {
          return section && section.querySelector(".roundtable-add textarea");
        })
        : planNext(item, "h2", function () { return document.getElementById("new-section-title"); });
      openDialog(link, plan);
    }
  });
}());
