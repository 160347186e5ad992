// Site navigation, theme switch and search. Plain DOM, no framework: the
// pages are static files that must also work opened straight from disk.
(function () {
  'use strict';

  var page = location.pathname.split('/').pop() || 'index.html';

  // Mark the current page in the contents; keep the contents open where
  // there is room for them beside the page (they fold away on a phone).
  var nav = document.getElementById('site-nav');
  nav.querySelectorAll('a').forEach(function (a) {
    if (a.getAttribute('href') === page) {
      a.setAttribute('aria-current', 'page');
    }
  });
  var wide = window.matchMedia('(min-width: 64em)');
  function placeNav() { nav.open = wide.matches; }
  placeNav();
  wide.addEventListener('change', placeNav);

  document.getElementById('site-theme').addEventListener('click', function () {
    var next = document.documentElement.getAttribute('data-theme') === 'dark' ? 'light' : 'dark';
    document.documentElement.setAttribute('data-theme', next);
    try { localStorage.setItem('safespawn-theme', next); } catch (e) { /* not kept: fine */ }
  });

  // Search: lunr over the sections listed in search-index.js, with the index
  // the build made from them (search-config.js says how); loaded on first use.
  var input = document.getElementById('site-search-input');
  var list = document.getElementById('site-search-results');
  var shipped = window.SAFESPAWN_SEARCH || { entries: [], index: null };
  var entries = shipped.entries;
  var index = null;

  function loadIndex() {
    lunr.tokenizer.separator = SAFESPAWN_SEARCH_CONFIG.separator;
    return lunr.Index.load(shipped.index);
  }

  function search(text) {
    index = index || loadIndex();
    var terms = lunr.tokenizer(text).map(function (t) { return t.toString(); })
      .filter(function (t) { return t.length > 0; });
    if (terms.length === 0) {
      return [];
    }
    return index.query(function (q) {
      terms.forEach(function (t) {
        q.term(t, { boost: 10, presence: lunr.Query.presence.OPTIONAL });
        q.term(t, { wildcard: lunr.Query.wildcard.TRAILING, usePipeline: false });
      });
    });
  }

  function snippet(text, terms) {
    var lower = text.toLowerCase();
    var at = -1;
    terms.some(function (t) { at = lower.indexOf(t); return at >= 0; });
    var from = Math.max(0, at - 60);
    return (from > 0 ? '… ' : '') + text.substr(from, 160) + (text.length > from + 160 ? ' …' : '');
  }

  function show() {
    var text = input.value.trim();
    list.textContent = '';
    if (text.length < 2) {
      list.hidden = true;
      return;
    }
    var terms = text.toLowerCase().split(/\s+/);
    var hits = search(text).slice(0, 12);
    if (hits.length === 0) {
      var none = document.createElement('li');
      none.className = 'site-search-none';
      none.textContent = 'Nothing found for “' + text + '”';
      list.appendChild(none);
    }
    hits.forEach(function (hit) {
      var e = entries[Number(hit.ref)];
      var li = document.createElement('li');
      var a = document.createElement('a');
      a.href = e.url;
      var title = document.createElement('span');
      title.className = 'site-search-title';
      title.textContent = e.section === e.page ? e.page : e.page + ' › ' + e.section;
      var text = document.createElement('span');
      text.className = 'site-search-text';
      text.textContent = snippet(e.text, terms);
      a.appendChild(title);
      a.appendChild(text);
      li.appendChild(a);
      list.appendChild(li);
    });
    list.hidden = false;
  }

  input.addEventListener('input', show);
  input.addEventListener('keydown', function (ev) {
    if (ev.key === 'Escape') {
      input.value = '';
      show();
    } else if (ev.key === 'Enter') {
      var first = list.querySelector('a');
      if (first) {
        location.href = first.href;
      }
    }
  });
  document.addEventListener('keydown', function (ev) {
    if (ev.key === '/' && document.activeElement !== input) {
      ev.preventDefault();
      input.focus();
    }
  });
})();
