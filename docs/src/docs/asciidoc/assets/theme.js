// Runs in <head>, before the page is painted, so a dark page never flashes
// light: the reader's choice (kept in localStorage) or else the system's.
(function () {
  var chosen = null;
  try { chosen = localStorage.getItem('safespawn-theme'); } catch (e) { /* storage may be off for file: pages */ }
  var dark = chosen ? chosen === 'dark' : window.matchMedia('(prefers-color-scheme: dark)').matches;
  document.documentElement.setAttribute('data-theme', dark ? 'dark' : 'light');
})();
