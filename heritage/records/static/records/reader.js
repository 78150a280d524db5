// The source reader (admin/records/source/change_form.html): the text with its citations highlighted.
//
// - Hovering over a highlight shows the citations covering those words and the records each supports; clicking
//   keeps that showing until another highlight is clicked.
// - Selecting words in the text opens the citing panel. Its offsets are counted from the selection in the page's
//   own text, which is the source's text character for character (selectors.marked_text), in Unicode code points,
//   as Python indexes strings: so text[char_start:char_end] on the server is exactly the selected words.
"use strict";
(function () {
  function codePoints(text) {
    return Array.from(text).length;
  }

  // The offset, in code points from the start of `container`'s text, of a position in it (node, offset).
  function offsetOf(container, node, offset) {
    var range = document.createRange();
    range.setStart(container, 0);
    range.setEnd(node, offset);
    return codePoints(range.toString());
  }

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      node.setAttribute(name, attributes[name]);
    });
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function shorten(text, length) {
    var points = Array.from(text);
    return points.length <= length ? text : points.slice(0, length - 1).join("") + "…";
  }

  document.addEventListener("DOMContentLoaded", function () {
    var container = document.getElementById("reader-text");
    var dataNode = document.getElementById("reader-citations");
    if (!container || !dataNode) {
      return;
    }
    var citations = JSON.parse(dataNode.textContent);
    var about = document.getElementById("reader-about");
    var form = document.getElementById("cite-form");
    var pinned = null;

    function describe(span) {
      about.replaceChildren();
      span.dataset.citations.split(" ").forEach(function (id) {
        var citation = citations[id];
        if (!citation) {
          return;
        }
        var block = element("div", { class: "reader-citation", "data-citation": id });
        var quote = element("blockquote", {}, "“" + shorten(citation.quote, 160) + "”");
        block.appendChild(quote);
        if (citation.claim_by) {
          block.appendChild(element("p", { class: "help" }, "Claim made by " + citation.claim_by));
        }
        if (citation.attribution) {
          block.appendChild(element("p", { class: "help" }, "Attributed: “" + citation.attribution + "”"));
        }
        var list = element("ul");
        if (!citation.records.length) {
          list.appendChild(element("li", {}, "Supports no record yet."));
        }
        citation.records.forEach(function (record) {
          var item = element("li", {}, record.kind + ": ");
          item.appendChild(element("a", { href: record.url }, record.label));
          list.appendChild(item);
        });
        block.appendChild(list);
        var links = element("p");
        links.appendChild(element("a", { href: citation.url }, "Citation"));
        links.appendChild(document.createTextNode(" · "));
        links.appendChild(element("a", { href: citation.attach }, "Attach to records"));
        block.appendChild(links);
        about.appendChild(block);
      });
      about.hidden = false;
    }

    container.addEventListener("mouseover", function (event) {
      var span = event.target.closest(".cited");
      if (span && !pinned) {
        describe(span);
      }
    });
    container.addEventListener("click", function (event) {
      var span = event.target.closest(".cited");
      if (span && window.getSelection().isCollapsed) {
        if (pinned) {
          pinned.classList.remove("pinned");
        }
        pinned = pinned === span ? null : span;
        if (pinned) {
          pinned.classList.add("pinned");
          describe(pinned);
        }
      }
    });

    // A citation just made (?cited=<id>) is shown in place.
    var cited = new URLSearchParams(window.location.search).get("cited");
    if (cited) {
      var spans = container.querySelectorAll(".cited");
      for (var i = 0; i < spans.length; i++) {
        if (spans[i].dataset.citations.split(" ").indexOf(cited) >= 0) {
          spans[i].classList.add("pinned");
          pinned = pinned || spans[i];
        }
      }
      if (pinned) {
        describe(pinned);
        pinned.scrollIntoView({ block: "center" });
      }
    }

    if (!form) {
      return;
    }
    var start = form.querySelector("input[name=char_start]");
    var end = form.querySelector("input[name=char_end]");

    function selectionInText() {
      var selection = window.getSelection();
      if (!selection.rangeCount || selection.isCollapsed) {
        return null;
      }
      var range = selection.getRangeAt(0);
      if (!container.contains(range.startContainer) || !container.contains(range.endContainer)) {
        return null;
      }
      return range;
    }

    function offerToCite() {
      var range = selectionInText();
      if (!range) {
        return;
      }
      var from = offsetOf(container, range.startContainer, range.startOffset);
      var to = offsetOf(container, range.endContainer, range.endOffset);
      var words = range.toString();
      if (to <= from || !words.trim()) {
        return;
      }
      start.value = from;
      end.value = to;
      document.getElementById("cite-quote").textContent = "“" + shorten(words, 400) + "”";
      document.getElementById("cite-span").textContent =
        "Characters " + from + " to " + to + " (" + (to - from) + " characters).";
      form.hidden = false;
    }

    // On the whole document: a drag that starts in the text often ends beside it.
    document.addEventListener("mouseup", function () {
      window.setTimeout(offerToCite, 0);
    });
    document.addEventListener("keyup", offerToCite);
    document.getElementById("cite-cancel").addEventListener("click", function () {
      form.hidden = true;
      start.value = "";
      end.value = "";
    });
  });
})();
