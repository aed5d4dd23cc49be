/* Conditional questions (app/signup/conditions.py): a follow-up question is hidden while
   the earlier question it depends on does not have one of the chosen answers, and shown
   when it does; each change is announced in a polite status. Without this script every
   question is shown with its "Answer only if ..." hint, and the server stores no answer
   to a question that does not apply, whatever is sent. */
(function () {
  "use strict";
  if (window.kutsuConditions) {
    return; // each conditional question includes this script; once is enough
  }
  window.kutsuConditions = true;

  function chosenValues(form, name) {
    var values = [];
    form.querySelectorAll("input[name=\"" + CSS.escape(name) + "\"]").forEach(function (input) {
      if (input.checked) {
        values.push(input.value);
      }
    });
    return values;
  }

  function applies(form, block) {
    var parent = block.getAttribute("data-shown-if");
    var parentBlock = form.querySelector("[data-question=\"" + CSS.escape(parent) + "\"]");
    if (parentBlock && parentBlock.hidden) {
      return false; // the earlier question does not apply itself
    }
    var wanted = JSON.parse(block.getAttribute("data-shown-if-values"));
    return chosenValues(form, parent).some(function (value) {
      return wanted.indexOf(value) !== -1;
    });
  }

  function keepFocus(form, block) {
    if (block.contains(document.activeElement)) {
      var parent = form.querySelector("[name=\"" + CSS.escape(block.getAttribute("data-shown-if")) + "\"]");
      if (parent) {
        parent.focus();
      }
    }
  }

  function update(form, status) {
    var said = [];
    // In the order of the page: an earlier question is settled before those after it.
    form.querySelectorAll(".conditional-question").forEach(function (block) {
      var shown = applies(form, block);
      if (shown === !block.hidden) {
        return;
      }
      if (!shown) {
        keepFocus(form, block);
      }
      block.hidden = !shown;
      said.push(block.getAttribute(shown ? "data-shown-text" : "data-hidden-text"));
    });
    if (status && said.length) {
      status.textContent = said.join(". ");
    }
  }

  function start(form) {
    var status = document.createElement("div");
    status.className = "visually-hidden condition-status";
    status.setAttribute("role", "status");
    form.appendChild(status);
    update(form, null); // as the page came: nothing to announce
    form.addEventListener("change", function () {
      update(form, status);
    });
  }

  document.querySelectorAll("form").forEach(function (form) {
    if (form.querySelector(".conditional-question")) {
      start(form);
    }
  });
})();
