/* The search page: Pagefind's interface over the index the build writes to /pagefind/.
   Without JavaScript the page still offers the facet links; with it, the plain form gives way
   to a search box with filters by component, type, topic and year. */
(function () {
  "use strict";
  var root = document.getElementById("search");
  if (!root || typeof PagefindUI === "undefined") { return; }
  var escape = function (text) {
    var span = document.createElement("span");
    span.textContent = text || "";
    return span.innerHTML;
  };
  var formatDate = function (iso) {
    var date = new Date(iso + "T00:00:00Z");
    return isNaN(date) ? iso : date.toLocaleDateString("en-US", { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" });
  };
  var bundles = (root.getAttribute("data-bundles") || "").split(" ").filter(Boolean);
  var ui = new PagefindUI({
    element: "#search",
    bundlePath: bundles[0],
    mergeIndex: bundles.slice(1).map(function (path) { return { bundlePath: path }; }),
    baseUrl: root.getAttribute("data-base"),
    showSubResults: false,
    showImages: false,
    resetStyles: false,
    processResult: function (result) {
      var meta = result.meta || {};
      var line = [formatDate(meta.date), meta.component].filter(Boolean).join(" \u00b7 ");
      result.excerpt = '<span class="search-result__meta">' + escape(line) + "</span><br>" + escape(meta.summary || "");
      // Attachments' text is indexed under a heading per document (sitegen/search.py): a word
      // found there is said to be in the document, with a link to its entry on the page.
      var inDocuments = (result.sub_results || []).filter(function (sub) {
        return /#attachment-\d+$/.test(sub.url || "") && sub.locations && sub.locations.length;
      });
      if (inDocuments.length) {
        result.excerpt += '<br><span class="search-result__documents">Found in ' + inDocuments.map(function (sub) {
          var link = document.createElement("a");  // built by the DOM: the URL and title are escaped
          link.className = "usa-link";
          link.href = sub.url;
          link.textContent = sub.title;
          return link.outerHTML;
        }).join(", ") + "</span>";
      }
      result.meta = { title: meta.title };  // shown once above, not again as tags
      return result;
    }
  });
  // Pagefind's input has only a placeholder; give it a visible label (WCAG 2.5.3, 3.3.2).
  var input = root.querySelector("input");
  if (input) {
    input.id = "search-input";
    var label = document.createElement("label");
    label.className = "usa-label";
    label.htmlFor = "search-input";
    label.textContent = "Search terms";
    root.insertBefore(label, root.firstChild);
  }
  var fallback = document.getElementById("search-fallback");
  if (fallback) { fallback.hidden = true; }
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) { ui.triggerSearch(query); }
})();
