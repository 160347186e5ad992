// The search's one configuration, read twice: by the build, which runs
// lunr (in Rhino) to make the index the site ships, and by site.js, which
// queries that index in the browser. Both must split text the same way.
var SAFESPAWN_SEARCH_CONFIG = {
  // Code words such as passFd or SpawnException.Stage stay whole tokens.
  separator: /[\s\-,;:()\[\]{}<>"'`=/]+/,

  // The index of the sections the build extracted: entry i is document "i".
  build: function (entries) {
    lunr.tokenizer.separator = this.separator;
    return lunr(function () {
      this.ref('i');
      this.field('section', { boost: 10 });
      this.field('page', { boost: 3 });
      this.field('text');
      entries.forEach(function (e, i) {
        this.add({ i: String(i), section: e.section, page: e.page, text: e.text });
      }, this);
    });
  }
};
