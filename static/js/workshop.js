/* The workshop's presenter view: one dimension at a time, keyboard to move on, and a second
 * screen that follows the changes.
 *
 * Without this script the page still works: every slide is shown one below the other and
 * the forms post and come back. With it:
 *   - ← / → (and PageUp / PageDown, as presentation clickers send) move between slides,
 *     Home / End jump to the first / last, F toggles full screen, Esc leaves a text field;
 *   - saves go through htmx as the consultant types (see the hx-* attributes);
 *   - every few seconds the page asks the server for the workshop's version and, when another
 *     screen changed something, applies it (never over a field being edited).
 * No inline scripts or handlers (the Content-Security-Policy forbids them). What it says to
 * the user comes translated from the page (the deck's data-say-* attributes).
 */
(function () {
  "use strict";

  var deck = document.getElementById("deck");
  if (!deck) {
    return;
  }
  document.documentElement.classList.add("js");
  var slides = Array.prototype.slice.call(deck.querySelectorAll("[data-slide]"));
  var counter = document.querySelector("[data-counter]");
  var announce = document.querySelector("[data-announce]");
  var current = -1;
  // The words it shows, translated by the server: the deck's data-say-* (presenter.html).
  function words(name) {
    return deck.getAttribute("data-say-" + name) || "";
  }

  function indexOf(id) {
    for (var i = 0; i < slides.length; i += 1) {
      if (slides[i].id === id) {
        return i;
      }
    }
    return -1;
  }

  function show(index, focus) {
    index = Math.max(0, Math.min(slides.length - 1, index));
    if (index === current) {
      return;
    }
    slides.forEach(function (slide, i) {
      slide.classList.toggle("is-current", i === index);
    });
    current = index;
    var id = slides[index].id;
    document.querySelectorAll("[data-nav]").forEach(function (link) {
      if (link.getAttribute("data-nav") === id) {
        link.setAttribute("aria-current", "step");
        link.scrollIntoView({ block: "nearest", inline: "nearest" });
      } else {
        link.removeAttribute("aria-current");
      }
    });
    if (counter) {
      counter.textContent = index + 1 + " / " + slides.length;
    }
    if (window.location.hash !== "#" + id) {
      window.history.replaceState(null, "", "#" + id);
    }
    window.scrollTo(0, 0);
    if (focus) {
      var heading = slides[index].querySelector("h1[tabindex]");
      if (heading) {
        heading.focus({ preventScroll: true });
      }
    }
  }

  function fromHash(focus) {
    var index = indexOf(decodeURIComponent(window.location.hash.slice(1)));
    show(index < 0 ? 0 : index, focus);
  }

  deck.classList.add("is-slides");
  fromHash(false);
  window.addEventListener("hashchange", function () {
    fromHash(true);
  });
  // Links to another slide (agenda, pager, top bar) show it without scrolling the page.
  document.addEventListener("click", function (event) {
    var link = event.target.closest('a[href^="#"]');
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) {
      return;
    }
    var index = indexOf(link.getAttribute("href").slice(1));
    if (index >= 0) {
      event.preventDefault();
      show(index, true);
    }
  });

  function editing(target) {
    var tag = target && target.tagName;
    return (
      tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable)
    );
  }

  function toggleFullscreen() {
    if (document.fullscreenElement) {
      document.exitFullscreen();
    } else if (document.documentElement.requestFullscreen) {
      document.documentElement.requestFullscreen().catch(function () {});
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    if (editing(event.target)) {
      if (event.key === "Escape") {
        event.target.blur();
        var heading = slides[current].querySelector("h1[tabindex]");
        if (heading) {
          heading.focus({ preventScroll: true });
        }
      }
      return;
    }
    var moves = { ArrowRight: 1, PageDown: 1, ArrowLeft: -1, PageUp: -1 };
    if (event.key in moves) {
      event.preventDefault();
      show(current + moves[event.key], true);
    } else if (event.key === "Home") {
      event.preventDefault();
      show(0, true);
    } else if (event.key === "End") {
      event.preventDefault();
      show(slides.length - 1, true);
    } else if (event.key === "f" || event.key === "F") {
      toggleFullscreen();
    }
  });
  var fullscreenButton = document.querySelector("[data-fullscreen]");
  if (fullscreenButton) {
    fullscreenButton.addEventListener("click", toggleFullscreen);
  }

  // --- Saving (htmx) and following another screen ----------------------------------------

  var known = parseInt(deck.getAttribute("data-version"), 10) || 0;
  var inFlight = 0;

  function say(text) {
    if (announce) {
      announce.textContent = text;
    }
  }

  function statusFor(element) {
    var form = element.closest("form.ws-consensus");
    return form ? form.querySelector(".ws-status") : null;
  }

  // A notes field typed in and not saved yet is never overwritten by the poll.
  var unsaved = new WeakSet();
  document.addEventListener("input", function (event) {
    if (event.target.matches("textarea[name=notes]")) {
      unsaved.add(event.target);
    }
  });
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    inFlight += 1;
    var field = event.detail.elt;
    if (field.matches && field.matches("textarea[name=notes]")) {
      field.setAttribute("data-sending", field.value);
    }
  });
  document.body.addEventListener("htmx:afterRequest", function (event) {
    inFlight = Math.max(0, inFlight - 1);
    var xhr = event.detail.xhr;
    var field = event.detail.elt;
    if (event.detail.successful && unsaved.has(field) && field.getAttribute("data-sending") === field.value) {
      unsaved.delete(field);
    }
    // The version is not advanced here: the next poll fetches the state (this change with
    // any other screen's), which also refreshes the summary.
    var status = statusFor(event.detail.elt);
    if (status) {
      status.classList.toggle("is-error", !event.detail.successful);
      if (!event.detail.successful) {
        status.textContent = xhr.status
          ? xhr.responseText || words("not-saved")
          : words("offline");
      }
    }
  });
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (target && target.id && target.id.indexOf("actions-block-") === 0) {
      var block = document.getElementById(target.id);
      var error = block && block.querySelector(".alert-danger");
      if (error) {
        var field = block.querySelector("input[name=description]");
        if (field) {
          field.focus();
        }
      } else {
        say(words("action-added"));
        var heading = slides[current].querySelector("h1[tabindex]");
        if (heading) {
          heading.focus({ preventScroll: true });
        }
      }
    }
  });

  function setPosition(code, value) {
    var form = document.getElementById("consensus-" + code);
    if (!form) {
      return;
    }
    form.querySelectorAll("input[name=value]").forEach(function (radio) {
      radio.checked = radio.value === value;
    });
    var nav = document.querySelector('[data-nav="' + code + '"]');
    if (nav) {
      nav.classList.toggle("is-agreed", value !== "");
    }
  }

  function setNotes(code, notes) {
    var field = document.getElementById("notes-" + code);
    if (field && document.activeElement !== field && !unsaved.has(field) && field.value !== notes) {
      field.value = notes;
    }
  }

  function replace(id, fresh) {
    var old = document.getElementById(id);
    if (old && fresh) {
      var node = document.importNode(fresh, true);
      old.replaceWith(node);
      if (window.htmx) {
        window.htmx.process(node);
      }
    }
  }

  function apply(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var state = doc.getElementById("workshop-state");
    if (!state) {
      return;
    }
    state.querySelectorAll("section[data-dimension]").forEach(function (section) {
      var code = section.getAttribute("data-dimension");
      setPosition(code, section.getAttribute("data-value"));
      setNotes(code, section.querySelector("[data-notes]").textContent);
      replace("actions-" + code, section.querySelector("#actions-" + code));
    });
    replace("workshop-summary", state.querySelector("#workshop-summary"));
    known = parseInt(state.getAttribute("data-version"), 10) || known;
  }

  var url = deck.getAttribute("data-state-url");
  var every = parseInt(deck.getAttribute("data-poll-ms"), 10) || 2500;
  var polling = false;

  function poll() {
    if (polling || inFlight || document.hidden || !window.fetch) {
      return;
    }
    polling = true;
    fetch(url + "?v=" + known, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (response.status === 200) {
          return response.text().then(function (html) {
            if (!inFlight) {
              apply(html);
            }
          });
        }
        return null;
      })
      .catch(function () {})
      .then(function () {
        polling = false;
      });
  }
  window.setInterval(poll, every);
})();
