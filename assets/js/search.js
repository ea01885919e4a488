/* The search page over Pagefind's JavaScript API (templates/search.html, sitegen/search.py).

   The form is the state: ?q=&component=&type=&topic=&year=&sort= in the address is read into it
   on load and on Back, and written from it as the user goes (replaced while typing, pushed when
   a search is submitted or a filter or the order changes). The filters are the build's
   checkboxes; their counts come from `await pagefind.filters()` before the first search, so a
   filter list is never partial. Values of one group are ORed, groups ANDed.

   The index is in shards (the first carries Pagefind's runtime, the others are merged into it).
   Pagefind orders merged results by score, and a sorted search's score is a position within
   one shard, so an order by date is made here: each shard is searched alone (Pagefind's
   `mergeFilter` tags each with its number) and the lists are merged by date.

   Everything from the index (titles, summaries, text) is inserted as text: the excerpt is built
   from the words of the text and Pagefind's match positions, with <mark> elements made here. */
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  if (!form || !window.Promise || !window.URLSearchParams) { return; }

  var PAGE = 10;
  var EXCERPT_WORDS = 30;
  var GROUPS = ["component", "type", "topic", "year"];
  var strings = JSON.parse(form.getAttribute("data-strings") || "{}");
  var S = strings.search || {};
  var bundles = (form.getAttribute("data-bundles") || "").split(" ").filter(Boolean);
  var base = form.getAttribute("data-base") || "/";
  var input = document.getElementById("search-q");
  var sortSelect = document.getElementById("search-sort");
  var statusBox = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var showing = document.getElementById("search-showing");
  var more = document.getElementById("search-more");
  var empty = document.getElementById("search-empty");
  var suggestion = document.getElementById("search-suggestion");
  var browse = document.getElementById("search-browse");
  var clear = document.getElementById("search-clear");
  var boxes = Array.prototype.slice.call(form.querySelectorAll("input[type=checkbox][data-filter]"));

  var pagefind = null;
  var searchId = 0;
  var typingEntry = false;  // the current history entry is one that typing keeps replacing
  var typingTimer = null;
  var source = null;  // the current search's results, in order: {total, take(n)}
  var vocabulary = null;

  // -- text ----------------------------------------------------------------------------------

  var format = function (template, values) {
    return String(template || "").replace(/\{(\w+)\}/g, function (all, name) {
      return values[name] !== undefined ? values[name] : all;
    });
  };
  var plural = function (forms, n) { return format(forms[n === 1 ? 0 : 1], { n: n.toLocaleString() }); };
  var formatDate = function (iso) {
    var parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    if (!parts || !strings.months) { return iso || ""; }
    return format(strings.date_format, {
      year: parts[1], month: strings.months[parseInt(parts[2], 10) - 1], day: parseInt(parts[3], 10)
    });
  };
  var element = function (tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  };

  // -- the state: form <-> address -------------------------------------------------------------

  var readForm = function () {
    var state = { q: input.value.trim(), sort: sortSelect.value || "relevance", filters: {} };
    boxes.forEach(function (box) {
      if (box.checked) { (state.filters[box.name] = state.filters[box.name] || []).push(box.value); }
    });
    return state;
  };
  var readAddress = function () {
    var params = new URLSearchParams(window.location.search);
    var state = { q: (params.get("q") || "").trim(), sort: params.get("sort") || "relevance", filters: {} };
    GROUPS.forEach(function (group) {
      var values = params.getAll(group).filter(Boolean);
      if (values.length) { state.filters[group] = values; }
    });
    return state;
  };
  var writeForm = function (state) {
    input.value = state.q;
    sortSelect.value = state.sort;
    if (!sortSelect.value) { sortSelect.value = "relevance"; }
    boxes.forEach(function (box) {
      box.checked = (state.filters[box.name] || []).indexOf(box.value) !== -1;
    });
  };
  var address = function (state) {
    var params = new URLSearchParams();
    if (state.q) { params.set("q", state.q); }
    GROUPS.forEach(function (group) {
      (state.filters[group] || []).forEach(function (value) { params.append(group, value); });
    });
    if (state.sort && state.sort !== "relevance") { params.set("sort", state.sort); }
    var query = params.toString();
    return window.location.pathname + (query ? "?" + query : "");
  };
  var here = function () { return window.location.pathname + window.location.search; };
  // Typing replaces one history entry (made when typing starts); a submitted search, a filter
  // or an order is a step of its own, which Back returns from.
  var record = function (state, typing) {
    var target = address(state);
    if (typing) {
      if (!typingEntry && target !== here()) { history.pushState({ search: true }, "", target); typingEntry = true; }
      else { history.replaceState({ search: true }, "", target); }
      return;
    }
    if (typingEntry) { history.replaceState({ search: true }, "", target); }
    else if (target !== here()) { history.pushState({ search: true }, "", target); }
    typingEntry = false;
  };

  // -- Pagefind -------------------------------------------------------------------------------

  var boxName = function (box) { return box.getAttribute("data-filter"); };
  var pagefindFilters = function (state, without) {
    var filters = {};
    GROUPS.forEach(function (group) {
      if (group === without || !(state.filters[group] || []).length) { return; }
      var names = boxes.filter(function (box) {
        return box.name === group && state.filters[group].indexOf(box.value) !== -1;
      }).map(boxName);
      filters[group] = { any: names.length ? names : ["\u0000"] };  // an unknown value finds nothing
    });
    return filters;
  };
  var setCounts = function (counts, groups) {
    boxes.forEach(function (box) {
      if (groups && groups.indexOf(box.name) === -1) { return; }
      var values = counts[box.name] || {};
      var count = values[boxName(box)] || 0;
      var label = box.parentNode.querySelector(".search-filter__count");
      if (label) { label.textContent = "(" + count.toLocaleString() + ")"; }
    });
  };

  var start = function () {
    var options = { baseUrl: base, excerptLength: EXCERPT_WORDS };
    if (bundles.length > 1) { options.mergeFilter = { shard: "0" }; }
    return import(bundles[0] + "pagefind.js").then(function (module) {
      pagefind = module;
      return pagefind.options(options);
    }).then(function () {
      return Promise.all(bundles.slice(1).map(function (bundle, i) {
        return pagefind.mergeIndex(bundle, { baseUrl: base, mergeFilter: { shard: String(i + 1) } });
      }));
    }).then(function () {
      return pagefind.filters();  // every filter chunk of every shard, before any search
    }).then(function (counts) {
      totals = counts;
      setCounts(counts);
      form.setAttribute("data-search-ready", "true");
    });
  };

  // Results in relevance order: Pagefind's merged list.
  var listSource = function (results) {
    var next = 0;
    return {
      total: results.length,
      take: function (n) {
        var slice = results.slice(next, next + n);
        next += slice.length;
        return Promise.all(slice.map(function (result) { return result.data(); }));
      }
    };
  };
  // Results by date across shards: each shard's own sorted list, merged by each head's date.
  var mergedSource = function (lists, newest) {
    var heads = lists.map(function () { return 0; });
    var loaded = new Map();
    var data = function (result) {
      if (!loaded.has(result)) { loaded.set(result, result.data()); }
      return loaded.get(result);
    };
    var takeOne = function () {
      var live = lists.map(function (results, i) { return i; }).filter(function (i) { return heads[i] < lists[i].length; });
      if (!live.length) { return Promise.resolve(null); }
      return Promise.all(live.map(function (i) { return data(lists[i][heads[i]]); })).then(function (found) {
        var best = 0;
        for (var k = 1; k < found.length; k++) {
          var a = (found[k].meta || {}).date || "", b = (found[best].meta || {}).date || "";
          if (newest ? a > b : a < b) { best = k; }
        }
        heads[live[best]]++;
        return found[best];
      });
    };
    return {
      total: lists.reduce(function (sum, results) { return sum + results.length; }, 0),
      take: function (n) {
        var taken = [];
        // Fetch each shard's next n at once rather than one step of the merge at a time.
        lists.forEach(function (results, i) { results.slice(heads[i], heads[i] + n).forEach(data); });
        var step = function () {
          if (taken.length >= n) { return Promise.resolve(taken); }
          return takeOne().then(function (one) {
            if (!one) { return taken; }
            taken.push(one);
            return step();
          });
        };
        return step();
      }
    };
  };

  var totals = {};  // every value's count in the whole index, from pagefind.filters()
  var addCounts = function (into, counts) {
    Object.keys(counts || {}).forEach(function (group) {
      var values = into[group] = into[group] || {};
      Object.keys(counts[group]).forEach(function (value) { values[value] = (values[value] || 0) + counts[group][value]; });
    });
    return into;
  };
  var search = function (state) {
    var term = state.q || null;  // no words: every publication the filters allow
    var filters = pagefindFilters(state);
    var order = state.sort === "oldest" ? "asc" : state.sort === "newest" || !term ? "desc" : "";
    var sort = order ? { date: order } : {};
    var sharded = order && bundles.length > 1;
    // Sorted over several shards: each shard alone (their counts add up to the whole's);
    // otherwise one search of them all.
    var main = sharded ? Promise.all(bundles.map(function (bundle, i) {
      var own = {};
      Object.keys(filters).forEach(function (key) { own[key] = filters[key]; });
      own.shard = String(i);
      return pagefind.search(term, { filters: own, sort: sort });
    })).then(function (each) {
      return {
        counts: each.reduce(function (counts, found) { return addCounts(counts, found.filters); }, {}),
        source: mergedSource(each.map(function (found) { return found.results; }), order === "desc")
      };
    }) : pagefind.search(term, { filters: filters, sort: sort }).then(function (found) {
      return { counts: found.filters || {}, source: listSource(found.results) };
    });
    // Counts of a group with a choice in it: as if the group had none (a value adds to its group).
    var chosen = GROUPS.filter(function (group) { return (state.filters[group] || []).length; });
    var others = chosen.map(function (group) {
      var rest = pagefindFilters(state, group);
      if (!term && !Object.keys(rest).length) { return Promise.resolve({ filters: totals }); }
      return pagefind.search(term, { filters: rest });
    });
    return Promise.all([main, Promise.all(others)]).then(function (all) {
      var found = all[0];
      all[1].forEach(function (other, i) { found.counts[chosen[i]] = (other.filters || {})[chosen[i]] || {}; });
      return found;
    });
  };

  // -- rendering ------------------------------------------------------------------------------

  var excerpt = function (data) {
    // The text starts at the #text anchor (sitegen/search.py) and its documents at the first
    // attachment heading: a match before it is in the title, summary or names, which are shown anyway.
    var anchors = data.anchors || [];
    var text = anchors.filter(function (a) { return a.id === "text"; })[0];
    var documents = anchors.filter(function (a) { return /^attachment-\d+$/.test(a.id || ""); })[0];
    if (!text) { return null; }
    var words = String(data.content || "").split(/[\r\n\s]+/g);
    var end = documents ? documents.location : words.length;
    var hits = (data.locations || []).filter(function (l) { return l >= text.location && l < end; });
    if (!hits.length) { return null; }
    var from = Math.max(text.location, Math.min(hits[0] - 8, end - EXCERPT_WORDS));
    var to = Math.min(end, from + EXCERPT_WORDS);
    var marked = {};
    hits.forEach(function (l) { marked[l] = true; });
    var p = element("p", "search-result__excerpt");
    if (from > text.location) { p.appendChild(document.createTextNode("\u2026 ")); }
    for (var i = from; i < to; i++) {
      if (!words[i]) { continue; }
      if (marked[i]) { p.appendChild(element("mark", "", words[i])); }
      else { p.appendChild(document.createTextNode(words[i])); }
      if (i < to - 1) { p.appendChild(document.createTextNode(" ")); }
    }
    if (to < end) { p.appendChild(document.createTextNode(" \u2026")); }
    return p;
  };

  var renderResult = function (data) {
    var meta = data.meta || {};
    var item = element("li", "search-result");
    var heading = element("h3", "search-result__title");
    var link = element("a", "usa-link", meta.title || data.url);
    link.href = data.url;
    heading.appendChild(link);
    item.appendChild(heading);
    var line = element("p", "search-result__meta");
    if (meta.date) {
      var time = element("time", "", formatDate(meta.date));
      time.setAttribute("datetime", meta.date);
      line.appendChild(time);
    }
    [meta.component, meta.type, meta.retired ? S.retired : ""].filter(Boolean).forEach(function (part) {
      if (line.childNodes.length) { line.appendChild(document.createTextNode(" \u00b7 ")); }
      line.appendChild(document.createTextNode(part));
    });
    item.appendChild(line);
    item.appendChild(excerpt(data) || element("p", "search-result__summary", meta.summary || ""));
    // Attachments' text is indexed under a heading per document: a word found there is said to
    // be in that document, with a link to its entry on the page.
    var inDocuments = (data.sub_results || []).filter(function (sub) {
      return /#attachment-\d+$/.test(sub.url || "") && sub.locations && sub.locations.length;
    });
    if (inDocuments.length) {
      var found = element("p", "search-result__documents", (S.found_in || "Found in") + " ");
      inDocuments.forEach(function (sub, i) {
        var doc = element("a", "usa-link", sub.title);
        doc.href = sub.url;
        if (i) { found.appendChild(document.createTextNode(", ")); }
        found.appendChild(doc);
      });
      item.appendChild(found);
    }
    return item;
  };

  var describe = function (state, total) {
    var parts = [];
    GROUPS.forEach(function (group) {
      var names = boxes.filter(function (box) {
        return box.name === group && (state.filters[group] || []).indexOf(box.value) !== -1;
      }).map(boxName);
      if (names.length) { parts.push(S.groups[group] + ": " + names.join(" " + S.or + " ")); }
    });
    var count = plural(S.results, total);
    var head = state.q ? format(S["for"], { count: count, query: state.q }) : count;
    return [head].concat(parts).join(", ");
  };

  var showMore = function (moveFocus) {
    var mine = searchId;
    more.disabled = true;
    return source.take(PAGE).then(function (found) {
      if (mine !== searchId) { return; }
      var first = null;
      found.forEach(function (data) {
        var item = renderResult(data);
        first = first || item;
        list.appendChild(item);
      });
      var shown = list.children.length;
      showing.textContent = format(S.showing, { shown: shown.toLocaleString(), total: source.total.toLocaleString() });
      showing.hidden = shown === 0;
      more.hidden = shown >= source.total;
      more.disabled = false;
      if (moveFocus && first) { first.querySelector("a").focus(); }
    });
  };

  var reset = function () {
    list.textContent = "";
    list.hidden = true;
    showing.hidden = true;
    more.hidden = true;
    empty.hidden = true;
    suggestion.hidden = true;
  };

  var run = function (state) {
    var mine = ++searchId;
    var anyFilter = GROUPS.some(function (group) { return (state.filters[group] || []).length; });
    clear.hidden = !anyFilter;
    if (!state.q && !anyFilter) {  // nothing asked: the browse links, and every count
      reset();
      statusBox.textContent = "";
      browse.hidden = false;
      setCounts(totals);
      return Promise.resolve();
    }
    list.setAttribute("aria-busy", "true");
    return search(state).then(function (found) {
      if (mine !== searchId) { return; }
      reset();
      source = found.source;
      setCounts(found.counts);
      list.removeAttribute("aria-busy");
      if (!source.total) {
        statusBox.textContent = state.q ? format(S.none, { query: state.q }) : S.none_filtered;
        empty.hidden = false;
        browse.hidden = false;
        suggest(state, mine);
        return;
      }
      browse.hidden = true;
      list.hidden = false;
      return showMore(false).then(function () {
        if (mine === searchId) { statusBox.textContent = describe(state, source.total); }
      });
    });
  };

  // -- spelling suggestions from the index's own words (each shard's words.json) ---------------

  var loadVocabulary = function () {
    if (!vocabulary) {
      vocabulary = Promise.all(bundles.map(function (bundle) {
        return fetch(bundle + "words.json").then(function (r) { return r.ok ? r.json() : {}; }).catch(function () { return {}; });
      })).then(function (all) {
        var words = new Map();
        all.forEach(function (counts) {
          Object.keys(counts).forEach(function (word) { words.set(word, (words.get(word) || 0) + counts[word]); });
        });
        return words;
      });
    }
    return vocabulary;
  };
  var distance = function (a, b, limit) {  // Damerau-Levenshtein (optimal string alignment)
    if (Math.abs(a.length - b.length) > limit) { return limit + 1; }
    var rows = [];
    for (var i = 0; i <= a.length; i++) { rows.push([i]); }
    for (var j = 1; j <= b.length; j++) { rows[0][j] = j; }
    for (i = 1; i <= a.length; i++) {
      var low = limit + 1;
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var d = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) { d = Math.min(d, rows[i - 2][j - 2] + 1); }
        rows[i][j] = d;
        low = Math.min(low, d);
      }
      if (low > limit) { return limit + 1; }
    }
    return rows[a.length][b.length];
  };
  var suggest = function (state, mine) {
    if (!state.q) { return; }
    loadVocabulary().then(function (words) {
      if (mine !== searchId) { return; }
      var changed = false;
      var corrected = state.q.split(/\s+/).map(function (term) {
        var word = term.toLowerCase();
        if (!/^\p{L}{3,}$/u.test(word) || words.has(word)) { return term; }
        var limit = word.length <= 4 ? 1 : 2, best = null, bestDistance = limit + 1, bestCount = 0;
        words.forEach(function (count, candidate) {
          var d = distance(word, candidate, limit);
          if (d < bestDistance || (d === bestDistance && d <= limit && count > bestCount)) {
            best = candidate; bestDistance = d; bestCount = count;
          }
        });
        if (best && bestDistance <= limit) { changed = true; return best; }
        return term;
      });
      if (!changed) { return; }
      var fixed = { q: corrected.join(" "), sort: state.sort, filters: state.filters };
      suggestion.textContent = (S.did_you_mean || "Did you mean") + " ";
      var link = element("a", "usa-link", fixed.q);
      link.href = address(fixed);
      link.addEventListener("click", function (event) {
        event.preventDefault();
        writeForm(fixed);
        record(fixed, false);
        run(fixed);
        input.focus();
      });
      suggestion.appendChild(link);
      suggestion.appendChild(document.createTextNode("?"));
      suggestion.hidden = false;
    });
  };

  // -- wiring ---------------------------------------------------------------------------------

  var fail = function (error) {
    statusBox.textContent = S.unavailable || "";
    browse.hidden = false;
    if (window.console) { console.warn("search:", error); }
  };
  var go = function (typing) {
    if (!pagefind) { return; }
    var state = readForm();
    record(state, typing);
    run(state).catch(fail);
  };

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(typingTimer);
    go(false);
  });
  input.addEventListener("input", function () {
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () { go(true); }, 250);
  });
  form.addEventListener("change", function (event) {
    if (event.target !== input) { go(false); }
  });
  more.addEventListener("click", function () { showMore(true).catch(fail); });
  clear.addEventListener("click", function () {
    boxes.forEach(function (box) { box.checked = false; });
    go(false);
    input.focus();
  });
  window.addEventListener("popstate", function () {
    typingEntry = false;
    var state = readAddress();
    writeForm(state);
    if (pagefind) { run(state).catch(fail); }
  });

  // Phones: the filters start folded (unless the address chose some), so results come first.
  var initial = readAddress();
  var folded = window.matchMedia && window.matchMedia("(max-width: 63.99em)").matches;
  if (folded && !GROUPS.some(function (group) { return (initial.filters[group] || []).length; })) {
    var toggle = form.querySelector(".search-filters .usa-accordion__button");
    var panel = document.getElementById("search-filters");
    if (toggle && panel) { toggle.setAttribute("aria-expanded", "false"); panel.hidden = true; }
  }
  writeForm(initial);
  if (!bundles.length) { fail("no search index"); return; }
  start().then(function () {
    var state = readForm();  // the address, as the form understood it (unknown values dropped)
    history.replaceState({ search: true }, "", address(state));
    return run(state);
  }).catch(fail);
})();
