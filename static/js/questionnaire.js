/* Autosave for a questionnaire page: every change of one item posts that item alone.
 *
 * Without this script the page still works: its Save / Next buttons post the whole page.
 * With it, once every change is saved, those buttons simply go to the next page.
 * No inline scripts or handlers anywhere (the Content-Security-Policy forbids them).
 */
(function () {
  "use strict";

  var form = document.querySelector("form[data-autosave-url]");
  if (!form || !window.fetch) {
    return;
  }
  var url = form.getAttribute("data-autosave-url");
  // The words come from the page (data-msg-*), translated server side.
  function message(name) {
    return form.getAttribute("data-msg-" + name) || "";
  }
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var answeredEl = document.querySelector("[data-answered-count]");
  var progressEl = document.querySelector("[data-progress]");
  var inFlight = 0;
  var failed = new Set();
  var lastSent = new WeakMap();
  var timers = new WeakMap();
  var leaving = false;

  function itemOf(element) {
    return element.closest("fieldset[data-code]");
  }

  function payload(item) {
    var checked = item.querySelector("input[type=radio]:checked");
    var comment = item.querySelector("textarea");
    var body = new URLSearchParams();
    body.set("question", item.getAttribute("data-code"));
    body.set("answer", checked ? checked.value : "");
    body.set("comment", comment ? comment.value.trim() : "");
    return body;
  }

  function setStatus(item, text, state) {
    var status = item.querySelector("[data-status]");
    status.textContent = text;
    status.className = "save-status small mb-0 is-" + state;
  }

  function countAnswered(item) {
    if (item.getAttribute("data-complete") === "1" || !answeredEl) {
      return;
    }
    item.setAttribute("data-complete", "1");
    var answered = parseInt(answeredEl.textContent, 10) + 1;
    answeredEl.textContent = String(answered);
    if (progressEl) {
      progressEl.value = answered;
    }
  }

  function restore(item, stored) {
    item.querySelectorAll("input[type=radio]").forEach(function (radio) {
      radio.checked = radio.value === stored.answer;
    });
    var comment = item.querySelector("textarea");
    if (comment) {
      comment.value = stored.comment;
    }
  }

  // One request at a time per item, so two quick changes cannot arrive out of order; a
  // change made meanwhile is sent (as the item then stands) when the first returns.
  var busy = new WeakSet();
  var queued = new WeakSet();

  function save(item) {
    if (busy.has(item)) {
      queued.add(item);
      return;
    }
    var body = payload(item);
    var key = body.toString();
    if (lastSent.get(item) === key && !failed.has(item)) {
      return;
    }
    busy.add(item);
    inFlight += 1;
    setStatus(item, message("saving"), "saving");
    fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, Accept: "application/json" },
    })
      .then(function (response) {
        return response
          .json()
          .catch(function () {
            return {};
          })
          .then(function (data) {
            if (!response.ok) {
              var refusal = new Error(
                data.error || message("failed").replace("{status}", String(response.status))
              );
              refusal.stored = data.stored;
              throw refusal;
            }
            return data;
          });
      })
      .then(function (data) {
        lastSent.set(item, key);
        failed.delete(item);
        setStatus(item, message("saved"), "saved");
        if (data.complete) {
          countAnswered(item);
        }
      })
      .catch(function (error) {
        if (error.stored) {
          // Refused for good (e.g. submitted in another tab): show the answer as stored,
          // so the page never displays a change that was not kept.
          restore(item, error.stored);
          lastSent.set(item, payload(item).toString());
          failed.delete(item);
          setStatus(item, error.message + " " + message("restored"), "error");
          return;
        }
        failed.add(item);
        var text = error instanceof TypeError
          ? message("offline")
          : error.message;
        setStatus(item, text, "error");
      })
      .finally(function () {
        inFlight -= 1;
        busy.delete(item);
        if (queued.has(item)) {
          queued.delete(item);
          save(item);
        }
      });
  }

  form.addEventListener("change", function (event) {
    var item = itemOf(event.target);
    if (item) {
      clearTimeout(timers.get(item));
      save(item);
    }
  });

  // A comment is saved after a pause in typing, and again (if changed) when leaving it.
  form.addEventListener("input", function (event) {
    if (event.target.tagName !== "TEXTAREA") {
      return;
    }
    var item = itemOf(event.target);
    clearTimeout(timers.get(item));
    timers.set(item, setTimeout(function () { save(item); }, 1000));
  });

  // Everything saved: the page buttons just move on. Otherwise the form posts the whole
  // page, which saves whatever the autosave could not.
  form.addEventListener("submit", function (event) {
    var target = event.submitter && event.submitter.getAttribute("data-href");
    if (target && inFlight === 0 && failed.size === 0) {
      event.preventDefault();
      window.location.assign(target);
    }
    leaving = true;
  });

  window.addEventListener("beforeunload", function (event) {
    if (!leaving && (inFlight > 0 || failed.size > 0)) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // A choice made before this script ran (a quick tap while a slow phone was still loading)
  // fired no change event here: save it now, or the Next button would leave it behind.
  function changedSinceLoad(item) {
    var radios = item.querySelectorAll("input[type=radio]");
    var comment = item.querySelector("textarea");
    return Array.prototype.some.call(radios, function (radio) {
      return radio.checked !== radio.defaultChecked;
    }) || (comment !== null && comment.value !== comment.defaultValue);
  }
  form.querySelectorAll("fieldset[data-code]").forEach(function (item) {
    if (changedSinceLoad(item)) {
      save(item);
    }
  });
  form.setAttribute("data-autosave-ready", "1");
})();
