/* A large store's page (geo/map/chunks.py, payload `ch`): the claims' quotes, sources, cues and citations are
 * in chunk scripts beside the page, loaded when the ledger shows a claim of theirs (a place or an unlocated
 * name is selected); the slider, markers, counts, news and summaries need only what the page holds.  A chunk
 * script calls GeoClaims.chunk(...), so the page opens from disk (file://) as well as from a server.  Added to
 * the page only when its payload has chunks.  All text reaches the DOM through textContent. */
(function () {
  'use strict';
  var GC = window.GeoClaims, App = GC.App, claim = App.prototype.claim, start = App.prototype.start;

  function upper(a, x) {
    var lo = 0, hi = a.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (a[mid] <= x) { lo = mid + 1; } else { hi = mid; } }
    return lo;
  }

  GC.chunk = function (obj) { if (GC.chunkApp) { GC.chunkApp.takeChunk(obj); } };

  App.prototype.chunkInit = function () {
    var ch = this.data.ch;
    this.chunkStarts = ch.map(function (c) { return c[1]; });
    this.chunkData = new Array(ch.length);
    this.chunkAsked = new Array(ch.length);
    GC.chunkApp = this;
  };
  App.prototype.takeChunk = function (obj) {
    var k = upper(this.chunkStarts, obj.o) - 1;
    if (k < 0 || this.chunkStarts[k] !== obj.o || this.chunkData[k]) { return; }
    this.chunkData[k] = obj;
    this.emit('select');   /* the ledger draws the selection again, now with its quotes */
  };
  /* ask for the chunks holding these claims (a selection's claims are one run, seldom two chunks) */
  App.prototype.askChunks = function (list) {
    var self = this, ch = this.data.ch, last = -1;
    for (var i = 0; i < list.length; i++) {
      var k = upper(this.chunkStarts, list[i]) - 1;
      if (k === last || k < 0) { continue; }
      last = k;
      if (this.chunkData[k] || this.chunkAsked[k]) { continue; }
      this.chunkAsked[k] = true;
      (function (k) {
        var s = document.createElement('script');
        s.src = ch[k][0];
        s.onerror = function () {
          self.chunkAsked[k] = false;
          self.notify(['The quotes and sources of some claims could not be loaded: keep the folder ' +
                       ch[k][0].split('/')[0] + ' beside this page.']);
        };
        document.head.appendChild(s);
      })(k);
    }
  };
  App.prototype.claim = function (ci) {
    if (!this.data.ch) { return claim.call(this, ci); }
    var c = this.data.c, S = this.S, k = upper(this.chunkStarts, ci) - 1, d = k >= 0 ? this.chunkData[k] : null;
    var out = {
      index: ci,
      place: this.cPlace[ci] < 0 ? null : this.cPlace[ci],
      day: this.cDay[ci] < 0 ? null : this.cDay[ci],
      status: c.x[ci] >> 2, side: c.x[ci] & 3, group: GC.group(c.x[ci] & 3),
      claimant: S[c.w[ci]], publisher: '', cue: '', gloss: '', lang: 'en', article: '', url: null, title: '',
      published: '', file: '', evidence: 'loading the quote\u2026', hl: null, citations: 0, loading: true
    };
    if (!d) { return out; }
    var i = ci - d.o, dc = d.c, e = dc.e[i], art = d.a[dc.a[i]], h = dc.h[2 * i];
    if (typeof e === 'number') { e = dc.e[e]; }
    out.loading = false;
    out.publisher = S[dc.b[i]]; out.cue = S[dc.q[i]];
    out.gloss = dc.g ? S[dc.g[i]] : ''; out.lang = dc.l ? S[dc.l[i]] : 'en';
    out.article = art[0]; out.url = art[1] ? S[art[1]] + art[2] : null; out.title = art[3] || '';
    out.published = art[4] || ''; out.file = art[5] || ''; out.evidence = e;
    out.hl = h < 0 ? null : [h, h + dc.h[2 * i + 1]];
    out.citations = dc.r[i];
    return out;
  };
  App.prototype.start = function () {
    if (this.data.ch) {
      var self = this;
      this.chunkInit();
      this.on(function (what) {
        var sel = self.selected;
        if (what !== 'select' || !sel || sel.kind === 'town') { return; }
        self.askChunks(sel.kind === 'place' ? self.byPlace[sel.i] : self.data.u[sel.i][1]);
      });
    }
    start.call(this);
  };
})();
