/* Idle sign-out warning and drafts that survive it (issue #10, "No lost work").

   The server signs a person out after SESSION_IDLE_MINUTES without a request (HIPAA automatic
   logoff). This script:
   - warns a minute before (or a third of the time, if the timeout is short), with "Stay signed in"
     (POST accounts-keepalive) and "Sign out now";
   - tracks activity across tabs through localStorage (a timestamp only, never content), so a
     second tab does not sign out a person who is working in the first;
   - when time runs out, or a form is sent after it has, keeps what was typed in sessionStorage
     (this tab only, gone when the tab closes) and offers it back on the same page after signing
     in again, to the same person only. Passwords and files are never kept. Signing out on purpose
     discards the draft.
*/
(function () {
  "use strict";

  var DRAFT_KEY = "waypoint.draft";
  var ACTIVITY_KEY = "waypoint.activity";
  var body = document.body;
  var signedIn = body.hasAttribute("data-session-seconds");

  function here() {
    return window.location.pathname + window.location.search;
  }

  function readDraft() {
    try {
      return JSON.parse(window.sessionStorage.getItem(DRAFT_KEY));
    } catch (error) {
      return null;
    }
  }

  function writeDraft(draft) {
    try {
      window.sessionStorage.setItem(DRAFT_KEY, JSON.stringify(draft));
    } catch (error) {
      /* storage full or disabled: nothing more we can do */
    }
  }

  function dropDraft() {
    try {
      window.sessionStorage.removeItem(DRAFT_KEY);
    } catch (error) {
      /* ignore */
    }
  }

  function keepable(field) {
    if (!field.name || field.disabled) return false;
    if (field.name === "csrfmiddlewaretoken") return false;
    var type = (field.type || "").toLowerCase();
    return ["password", "file", "submit", "button", "reset", "image"].indexOf(type) === -1;
  }

  function fieldsOf(form) {
    var fields = [];
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!keepable(field)) return;
      var type = (field.type || "").toLowerCase();
      if (type === "checkbox" || type === "radio") {
        fields.push({ name: field.name, value: field.value, checked: field.checked });
      } else if (field.tagName === "SELECT" && field.multiple) {
        var chosen = Array.prototype.filter.call(field.options, function (o) { return o.selected; });
        fields.push({ name: field.name, values: chosen.map(function (o) { return o.value; }) });
      } else {
        fields.push({ name: field.name, value: field.value });
      }
    });
    return fields;
  }

  function draftableForms() {
    return Array.prototype.filter.call(document.forms, function (form) {
      return (form.method || "").toLowerCase() === "post" && !form.hasAttribute("data-sign-out")
        && !form.hasAttribute("data-no-draft");
    });
  }

  function keepDraft(form, interrupted) {
    var forms = form ? [form] : draftableForms();
    var kept = forms.map(function (f) {
      return { index: Array.prototype.indexOf.call(document.forms, f), fields: fieldsOf(f) };
    }).filter(function (f) { return f.fields.length; });
    if (!kept.length) return;
    writeDraft({
      user: body.getAttribute("data-session-user"),
      path: here(),
      forms: kept,
      interrupted: interrupted,
      at: Date.now(),
    });
  }

  function restore(draft) {
    draft.forms.forEach(function (saved) {
      var form = document.forms[saved.index];
      if (!form) return;
      var seen = {};
      saved.fields.forEach(function (entry) {
        var candidates = Array.prototype.filter.call(form.elements, function (f) {
          return f.name === entry.name && keepable(f);
        });
        if (!candidates.length) return;
        var first = candidates[0];
        var type = (first.type || "").toLowerCase();
        if (type === "checkbox" || type === "radio") {
          candidates.forEach(function (f) {
            if (f.value === entry.value) f.checked = entry.checked;
          });
        } else if (entry.values) {
          Array.prototype.forEach.call(first.options, function (o) {
            o.selected = entry.values.indexOf(o.value) !== -1;
          });
        } else {
          /* Several fields with one name (a grid): fill them in order. */
          var n = seen[entry.name] || 0;
          seen[entry.name] = n + 1;
          if (candidates[n]) {
            candidates[n].value = entry.value;
            candidates[n].dispatchEvent(new Event("input", { bubbles: true }));
            candidates[n].dispatchEvent(new Event("change", { bubbles: true }));
          }
        }
      });
    });
  }

  function offerDraft() {
    var draft = readDraft();
    if (!draft) return;
    var mine = draft.interrupted && draft.user === body.getAttribute("data-session-user")
      && draft.path === here();
    var banner = document.getElementById("draft-banner");
    if (!mine || !banner) {
      dropDraft();
      return;
    }
    banner.hidden = false;
    banner.querySelector('[data-draft="restore"]').addEventListener("click", function () {
      restore(draft);
      dropDraft();
      banner.hidden = true;
      var form = document.forms[draft.forms[0].index];
      var first = form && form.querySelector("input:not([type=hidden]), select, textarea");
      if (first) first.focus();
    });
    banner.querySelector('[data-draft="discard"]').addEventListener("click", function () {
      dropDraft();
      banner.hidden = true;
    });
    banner.querySelector('[data-draft="restore"]').focus();
  }

  if (!signedIn) {
    /* The sign-in page (or the two-factor step) after a timeout: the draft waits here. */
    var waiting = readDraft();
    if (waiting) {
      waiting.interrupted = true;
      writeDraft(waiting);
      var banner = document.getElementById("draft-banner");
      if (banner) {
        banner.hidden = false;
        /* The words come from the template (translated there); the script only reads them. */
        banner.querySelector("strong").textContent = banner.getAttribute("data-signed-out-text");
        Array.prototype.forEach.call(banner.querySelectorAll("button"), function (b) {
          b.hidden = true;
        });
      }
    }
    return;
  }

  offerDraft();

  var seconds = parseInt(body.getAttribute("data-session-seconds"), 10);
  var warnBefore = Math.min(60, Math.floor(seconds / 3)) * 1000;
  var dialog = document.getElementById("idle-warning");
  var countdown = dialog && dialog.querySelector("[data-idle-countdown]");
  var timer = null;
  var ticker = null;
  var leaving = false;

  function lastActivity() {
    var value = parseInt(window.localStorage.getItem(ACTIVITY_KEY), 10);
    return isNaN(value) ? Date.now() : value;
  }

  function deadline() {
    return lastActivity() + seconds * 1000;
  }

  function touch() {
    try {
      window.localStorage.setItem(ACTIVITY_KEY, String(Date.now()));
    } catch (error) {
      /* ignore */
    }
    schedule();
  }

  function closeWarning() {
    window.clearInterval(ticker);
    if (dialog && dialog.open) dialog.close();
  }

  function expire() {
    if (leaving) return;
    leaving = true;
    closeWarning();
    keepDraft(null, true);
    window.location.assign(body.getAttribute("data-login-url") + "?next=" + encodeURIComponent(here()));
  }

  function showWarning() {
    if (!dialog) return;
    var update = function () {
      var left = Math.max(0, Math.round((deadline() - Date.now()) / 1000));
      /* Words from the dialog's data- attributes, translated in the template. */
      countdown.textContent = left === 1
        ? dialog.getAttribute("data-one-second")
        : dialog.getAttribute("data-seconds").replace("{n}", String(left));
      if (left <= 0) expire();
    };
    update();
    if (!dialog.open) dialog.showModal();
    window.clearInterval(ticker);
    ticker = window.setInterval(update, 1000);
  }

  function schedule() {
    window.clearTimeout(timer);
    var now = Date.now();
    var end = deadline();
    if (now >= end) {
      expire();
    } else if (now >= end - warnBefore) {
      showWarning();
      timer = window.setTimeout(schedule, end - now);
    } else {
      closeWarning();
      timer = window.setTimeout(schedule, end - warnBefore - now);
    }
  }

  function stay() {
    var token = document.querySelector("[name=csrfmiddlewaretoken]");
    var headers = { "X-Requested-With": "fetch" };
    var match = /"X-CSRFToken": "([^"]+)"/.exec(body.getAttribute("hx-headers") || "");
    headers["X-CSRFToken"] = match ? match[1] : (token ? token.value : "");
    fetch(body.getAttribute("data-keepalive-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: headers,
    }).then(function (response) {
      if (response.ok) {
        touch();
      } else {
        expire();
      }
    }, function () {
      /* offline: keep the warning up; the deadline still applies */
    });
  }

  if (dialog) {
    dialog.querySelector('[data-idle="stay"]').addEventListener("click", stay);
    dialog.querySelector('[data-idle="leave"]').addEventListener("click", function () {
      dropDraft();
      var form = document.querySelector("form[data-sign-out]");
      if (form) form.submit();
    });
    dialog.addEventListener("cancel", function (event) {
      /* Escape means "I am here". */
      event.preventDefault();
      stay();
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("data-sign-out")) {
      dropDraft();
      return;
    }
    if ((form.method || "").toLowerCase() !== "post" || form.hasAttribute("data-no-draft")) return;
    if (Date.now() >= deadline()) {
      /* The session has ended: sending would only meet the sign-in page. Keep it first. */
      event.preventDefault();
      keepDraft(form, true);
      leaving = true;
      window.location.assign(body.getAttribute("data-login-url") + "?next=" + encodeURIComponent(here()));
      return;
    }
    /* Kept in case the server has ended the session anyway; dropped on the next page. */
    keepDraft(form, false);
  });

  window.addEventListener("storage", function (event) {
    if (event.key === ACTIVITY_KEY) schedule();
  });
  document.addEventListener("htmx:afterRequest", touch);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) schedule();
  });

  touch();
})();
