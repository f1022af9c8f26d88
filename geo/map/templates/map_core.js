/* geo-claims map: shared state engine for the map controls (geo/map_controls.py).
 *
 * Rules kept here on purpose:
 *  - dates are "YYYY-MM-DD" strings or integer day indexes, never Date objects, so
 *    nothing depends on the browser time zone;
 *  - all data text reaches the DOM through textContent / createTextNode only;
 *  - a slider step costs one binary search per visible side per place and restyles
 *    only the markers whose state changed.
 */
(function () {
  'use strict';
  var GC = window.GeoClaims = window.GeoClaims || {};
  var STATUS = GC.STATUS = ['russia', 'ukraine', 'contested'];
  GC.SIDES = ['russia', 'ukraine', 'third_party'];
  GC.SIDE_LABEL = ['Russian claims', 'Ukrainian claims', 'Third-party and unknown sources'];
  GC.SIDE_SHORT = ['Russian side', 'Ukrainian side', 'third party or side not stated'];
  GC.STATUS_LABEL = ['Russian control', 'Ukrainian control', 'contested'];
  var COLOR = GC.COLOR = ['#d7191c', '#2166c4', '#f08c00'];
  GC.controls = GC.controls || {};

  /* ---- calendar arithmetic (proleptic Gregorian, UTC-free integers) ---- */
  function fdiv(a, b) { return Math.floor(a / b); }
  function daysFromCivil(y, m, d) {
    if (m <= 2) { y -= 1; }
    var era = fdiv(y, 400), yoe = y - era * 400;
    var doy = fdiv(153 * (m + (m > 2 ? -3 : 9)) + 2, 5) + d - 1;
    var doe = yoe * 365 + fdiv(yoe, 4) - fdiv(yoe, 100) + doy;
    return era * 146097 + doe - 719468;
  }
  function civilFromDays(z) {
    z += 719468;
    var era = fdiv(z, 146097), doe = z - era * 146097;
    var yoe = fdiv(doe - fdiv(doe, 1460) + fdiv(doe, 36524) - fdiv(doe, 146096), 365);
    var y = yoe + era * 400;
    var doy = doe - (365 * yoe + fdiv(yoe, 4) - fdiv(yoe, 100));
    var mp = fdiv(5 * doy + 2, 153);
    var d = doy - fdiv(153 * mp + 2, 5) + 1;
    var m = mp + (mp < 10 ? 3 : -9);
    return [m <= 2 ? y + 1 : y, m, d];
  }
  function pad(n, w) { var s = String(n); while (s.length < w) { s = '0' + s; } return s; }
  GC.parseISO = function (s) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(s));
    if (!m) { return null; }
    var y = +m[1], mo = +m[2], d = +m[3];
    var z = daysFromCivil(y, mo, d), back = civilFromDays(z);
    if (back[0] !== y || back[1] !== mo || back[2] !== d) { return null; }
    return z;
  };
  GC.formatISO = function (z) {
    var c = civilFromDays(z);
    return pad(c[0], 4) + '-' + pad(c[1], 2) + '-' + pad(c[2], 2);
  };

  /* ---- DOM helpers: text only ---- */
  GC.el = function (tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  };
  GC.clear = function (e) { while (e.firstChild) { e.removeChild(e.firstChild); } };
  GC.safeUrl = function (u) {
    /* a local article file relative to the page: path characters only, so no scheme can hide in it */
    if (typeof u === 'string' && /^(\.\.\/)*([A-Za-z0-9_%~-][A-Za-z0-9_.%~-]*\/)*[A-Za-z0-9_%~-][A-Za-z0-9_.%~-]*$/.test(u)) { return u; }
    if (typeof u !== 'string' || !/^https?:\/\/[^\s]+$/i.test(u)) { return null; }
    var a = document.createElement('a');
    a.href = u;
    if (a.protocol !== 'http:' && a.protocol !== 'https:') { return null; }
    return a.href;
  };
  GC.norm = function (s) {
    return String(s).normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
      .replace(/['\u2019\u02bc`\u2018]/g, '').replace(/[\s\-\u2010-\u2015_.,]+/g, ' ').trim();
  };
  GC.stopMap = function (div) {
    if (window.L && L.DomEvent) {
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
    }
  };

  /* ---- upper bound: first index with a[i] > x ---- */
  function upper(a, x) {
    var lo = 0, hi = a.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (a[mid] <= x) { lo = mid + 1; } else { hi = mid; } }
    return lo;
  }
  GC.upper = upper;

  /* ---- the app ----
   * data (geo/mapview.py, payload v2): s strings, p places, c claims column-wise sorted by
   * (place, day), a articles, u unlocated, b base layers.  Decoded once here into
   *   cPlace / cDay (Int32Array, -1 = unlocated / undated), byPlace (claim index lists),
   *   iv[p] = [days_side0, statuses_side0, days_side1, ...] (the status intervals),
   *   Q (search index: [normalised spelling, place, spelling] sorted).
   */
  function App(map, data) {
    this.map = map;
    this.data = data;
    var S = this.S = data.s;          /* interned strings */
    this.nDays = data.n;
    this.first = GC.parseISO(data.first);
    this.stale = data.stale;
    this.day = 0;
    this.visible = [true, true, true];
    this.selected = null;            /* {kind:'place'|'unlocated', i} */
    this.listeners = [];
    var P = data.p, np = P.length, p, k, i;
    this.state = new Int8Array(np).fill(-1);   /* -1: not yet computed */
    this.markers = new Array(np);
    this.dots = new Array(np);
    this.slugIndex = new Map();
    var Q = [];
    for (p = 0; p < np; p++) {
      var r = P[p];
      r[6] = S[r[6]]; r[7] = S[r[7]]; r[8] = S[r[8]];   /* note, oblast, raion: now strings */
      this.slugIndex.set(r[9], p);
      var seen = new Set(), names = [r[0], r[1], r[2]].concat(r[10] || []);
      for (k = 0; k < names.length; k++) {
        if (!names[k]) { continue; }
        var key = GC.norm(names[k]);
        if (key && !seen.has(key)) { seen.add(key); Q.push([key, p, names[k]]); }
      }
    }
    Q.sort(function (x, y) {
      return x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : x[1] - y[1] || (x[2] < y[2] ? -1 : x[2] > y[2] ? 1 : 0);
    });
    this.Q = Q;
    /* claims: sorted by place then day (undated last), so a place owns a contiguous range that is
       already in ledger order; the status intervals follow in the same pass */
    var c = data.c, nc = c.x.length;
    this.nClaims = nc;
    var cPlace = this.cPlace = new Int32Array(nc).fill(-1);
    var cDay = this.cDay = new Int32Array(nc).fill(-1);
    this.byPlace = new Array(np);
    this.iv = new Array(np);
    var at = 0;
    for (p = 0; p < np; p++) {
      var list = this.byPlace[p] = [], iv = this.iv[p] = [[], [], [], [], [], []], prev = 0;
      for (k = c.k[p]; k > 0; k--, at++) {
        cPlace[at] = p;
        list.push(at);
        if (c.d[at] < 0) { continue; }
        var day = cDay[at] = prev + c.d[at];
        prev = day;
        var side = c.x[at] % 3, st = (c.x[at] - side) / 3, ds = iv[2 * side], ss = iv[2 * side + 1];
        if (ds.length && ds[ds.length - 1] === day) {
          if (ss[ss.length - 1] !== st) { ss[ss.length - 1] = 2; }   /* two statuses on one day: contested */
        } else {
          ds.push(day); ss.push(st);
        }
      }
    }
    for (; at < nc; at++) { cDay[at] = c.d[at]; }
    this.counts = [0, 0, 0, 0];
    this._hashTimer = null;
  }
  /* one claim as an object; text fields are plain strings for textContent */
  App.prototype.claim = function (ci) {
    var c = this.data.c, S = this.S, e = c.e[ci], art = this.data.a[c.a[ci]], h = c.h[2 * ci];
    if (typeof e === 'number') { e = c.e[e]; }
    return {
      place: this.cPlace[ci] < 0 ? null : this.cPlace[ci],
      day: this.cDay[ci] < 0 ? null : this.cDay[ci],
      status: (c.x[ci] - c.x[ci] % 3) / 3, side: c.x[ci] % 3,
      claimant: S[c.w[ci]], publisher: S[c.b[ci]], cue: S[c.q[ci]],
      gloss: c.g ? S[c.g[ci]] : '', lang: c.l ? S[c.l[ci]] : 'en',
      article: art[0], url: art[1] ? S[art[1]] + art[2] : (art[2] || null), evidence: e,
      hl: h < 0 ? null : [h, h + c.h[2 * ci + 1]],
      citations: c.r[ci]
    };
  };
  GC.App = App;

  App.prototype.on = function (fn) { this.listeners.push(fn); };
  App.prototype.emit = function (what) {
    for (var i = 0; i < this.listeners.length; i++) { this.listeners[i](what, this); }
  };
  App.prototype.dateOf = function (day) { return GC.formatISO(this.first + day); };
  App.prototype.dayOf = function (iso) {
    var z = GC.parseISO(iso);
    return z === null ? null : z - this.first;
  };
  App.prototype.currentDate = function () { return this.dateOf(this.day); };
  App.prototype.slugOf = function (p) { return this.data.p[p][9]; };

  /* state code: bits 0..2 = statuses present among visible sides, bit 3 = all stale */
  App.prototype.computeState = function (p) {
    var iv = this.iv[p], day = this.day, mask = 0, fresh = false;
    for (var k = 0; k < 3; k++) {
      if (!this.visible[k]) { continue; }
      var ds = iv[2 * k];
      if (!ds.length) { continue; }
      var i = upper(ds, day) - 1;
      if (i < 0) { continue; }
      mask |= 1 << iv[2 * k + 1][i];
      if (day - ds[i] <= this.stale) { fresh = true; }
    }
    if (mask === 0) { return 0; }
    return mask | (fresh ? 0 : 8);
  };
  function kindOf(code) {
    var m = code & 7;
    if (m === 0) { return 'none'; }
    if (m === 1) { return 'russia'; }
    if (m === 2) { return 'ukraine'; }
    if (m === 4) { return 'contested'; }
    return 'disputed';
  }
  GC.kindOf = kindOf;
  var KIND_INDEX = { russia: 0, ukraine: 1, contested: 2, disputed: 3 };

  App.prototype.buildMarkers = function () {
    var self = this, P = this.data.p, S = this.S;
    var layer = this.markerLayer = L.layerGroup().addTo(this.map);
    for (var p = 0; p < P.length; p++) {
      var rec = P[p];
      var icon = L.divIcon({ className: 'gc-icon', html: '<span class="gm"></span>', iconSize: [16, 16] });
      var mk = L.marker([rec[3], rec[4]], { icon: icon, keyboard: false, riseOnHover: true });
      (function (pp) {
        mk.bindTooltip(function () {
          var r = P[pp], box = GC.el('div', 'gc-tip');
          box.appendChild(GC.el('b', null, r[0]));
          if (r[1] || r[2]) { box.appendChild(GC.el('div', 'gc-tip-alt', [r[1], r[2]].filter(Boolean).join(' / '))); }
          if (r[6]) { box.appendChild(GC.el('div', 'gc-tip-note', r[6])); }
          return box;
        }, { direction: 'top', offset: [0, -8] });
        mk.on('click', function () { self.select({ kind: 'place', i: pp }); });
      })(p);
      mk.addTo(layer);
      var outer = mk.getElement();
      outer.setAttribute('data-slug', rec[9]);
      outer.setAttribute('data-state', 'none');
      outer.style.display = 'none';
      this.markers[p] = mk;
      this.dots[p] = outer.firstChild;
    }
  };

  App.prototype.styleMarker = function (p, code) {
    var outer = this.markers[p].getElement(), dot = this.dots[p];
    if (!outer) { return; }
    var kind = kindOf(code), prec = this.data.p[p][5];
    outer.setAttribute('data-state', kind);
    if (kind === 'none') { outer.style.display = 'none'; return; }
    outer.style.display = '';
    var cls = 'gm gm-' + kind + (prec === 1 ? ' gm-approx' : prec === 2 ? ' gm-area' : '') + ((code & 8) ? ' gm-stale' : '');
    dot.className = cls;
    if (kind === 'disputed') {
      var cols = [];
      for (var s = 0; s < 3; s++) { if (code & (1 << s)) { cols.push(COLOR[s]); } }
      var bg = cols.length === 2
        ? 'linear-gradient(90deg,' + cols[0] + ' 50%,' + cols[1] + ' 50%)'
        : 'conic-gradient(' + cols[0] + ' 0 120deg,' + cols[1] + ' 120deg 240deg,' + cols[2] + ' 240deg)';
      dot.style.background = bg;
    } else {
      dot.style.background = '';
    }
  };

  /* restyle: only markers whose state code changed; counts recomputed from codes */
  App.prototype.restyle = function () {
    var n = this.state.length, counts = [0, 0, 0, 0], changed = 0;
    for (var p = 0; p < n; p++) {
      var code = this.computeState(p);
      if (code !== this.state[p]) { this.state[p] = code; this.styleMarker(p, code); changed++; }
      var m = code & 7;
      if (m) { counts[m === 1 ? 0 : m === 2 ? 1 : m === 4 ? 2 : 3]++; }
    }
    this.counts = counts;
    return changed;
  };

  App.prototype.setDay = function (day) {
    day = Math.max(0, Math.min(this.nDays - 1, Math.round(+day) || 0));
    if (day === this.day && this._started) { return; }
    this.day = day;
    this.restyle();
    this.emit('day');
    this.scheduleHash();
  };
  App.prototype.setDate = function (iso) {
    var d = this.dayOf(iso);
    if (d !== null) { this.setDay(d); }
  };
  App.prototype.setVisible = function (k, on) {
    this.visible[k] = !!on;
    this.restyle();
    this.emit('visible');
  };
  App.prototype.select = function (sel, opts) {
    this.selected = sel;
    if (sel && sel.kind === 'place' && opts && opts.zoom) {
      var r = this.data.p[sel.i];
      this.map.setView([r[3], r[4]], Math.max(this.map.getZoom(), 10));
    }
    this.emit('select');
    this.scheduleHash();
  };

  /* claims of the selection visible at the slider date: [dated <= day..., undated...] */
  App.prototype.selectedClaims = function () {
    var sel = this.selected;
    if (!sel) { return []; }
    var list = sel.kind === 'place' ? this.byPlace[sel.i] : this.data.u[sel.i][1];
    var cDay = this.cDay, day = this.day, out = [];
    for (var i = 0; i < list.length; i++) {
      var d = cDay[list[i]];
      if (d < 0 || d <= day) { out.push(list[i]); }
    }
    return out;
  };

  /* ---- URL hash: #YYYY-MM-DD/slug ---- */
  App.prototype.hashString = function () {
    var h = '#' + this.currentDate();
    if (this.selected && this.selected.kind === 'place') { h += '/' + this.slugOf(this.selected.i); }
    return h;
  };
  App.prototype.scheduleHash = function () {
    if (!this._started) { return; }
    var self = this;
    if (this._hashTimer !== null) { return; }
    this._hashTimer = setTimeout(function () {
      self._hashTimer = null;
      var h = self.hashString();
      if (location.hash !== h) {
        try { history.replaceState(null, '', h); } catch (e) { self._ownHash = h; location.hash = h; }
      }
    }, 60);
  };
  App.prototype.applyHash = function (hash) {
    var raw = String(hash || '').replace(/^#/, '');
    try { raw = decodeURIComponent(raw); } catch (e) { return false; }
    if (!raw) { return false; }
    var parts = raw.split('/');
    var d = this.dayOf(parts[0]);
    if (d !== null) { this.setDay(d); }
    if (parts.length > 1 && parts[1]) {
      var p = this.slugIndex.get(parts[1].toLowerCase());
      if (p !== undefined) { this.select({ kind: 'place', i: p }, { zoom: true }); }
    }
    return true;
  };

  App.prototype.fit = function () {
    var P = this.data.p, b = null;
    for (var p = 0; p < P.length; p++) {
      var ll = L.latLng(P[p][3], P[p][4]);
      if (b) { b.extend(ll); } else { b = L.latLngBounds(ll, ll); }
    }
    if (!b && this.baseBounds && this.baseBounds.isValid()) { b = this.baseBounds; }
    if (b) {
      /* no animation: the first view is final when the page says it is ready (a zoom animation
         still running would swallow the next setView, e.g. the one for a #date/slug hash) */
      if (b.getNorthEast().equals(b.getSouthWest())) { this.map.setView(b.getCenter(), 10, { animate: false }); }
      else { this.map.fitBounds(b.pad(0.1), { animate: false }); }
    } else {
      this.map.setView([49.0, 32.0], 5, { animate: false });
    }
  };

  /* Base layer from gazetteer/: raion outlines (thin, dashed) under oblast outlines (heavy).
     There is no separate border file: the RU-UA state border is the shared edge of Russian and
     Ukrainian oblast polygons, so it is drawn as part of the heavy oblast outlines. */
  App.prototype.drawBase = function () {
    var base = this.data.b || {}, bounds = L.latLngBounds([]);
    var styles = {
      raions: { color: '#8a8a8a', weight: 0.8, opacity: 0.8, fill: false, dashArray: '3 3', interactive: false },
      oblasts: { color: '#444', weight: 1.8, opacity: 0.9, fill: false, interactive: false }
    };
    ['raions', 'oblasts'].forEach(function (k) {
      var fc = base[k];
      if (!fc || !fc.features || !fc.features.length) { return; }
      var lyr = L.geoJSON(fc, { style: styles[k], interactive: false });
      lyr.addTo(this.map);
      bounds.extend(lyr.getBounds());
    }, this);
    this.baseBounds = bounds;
  };

  /* ---- settlement labels (part of the always-on base layer) ----
   * name_en of the places in view, shown when the map is zoomed in to at least LABELS.zoom or
   * when at most LABELS.few places are in view; never more than LABELS.max at once, and a label
   * that would overlap one already placed is skipped (lowest place index first, so the choice
   * is deterministic).  Recomputed on moveend only: a slider
   * step never touches them.  Text goes in through textContent (GC.el). */
  var LABELS = GC.LABELS = { zoom: 10, few: 30, max: 300 };
  App.prototype.updateLabels = function () {
    var map = this.map, P = this.data.p, zoom = map.getZoom();
    var view = map.getBounds().pad(0.05), inView = [], many = zoom < LABELS.zoom;
    for (var p = 0; p < P.length; p++) {
      if (view.contains([P[p][3], P[p][4]])) {
        inView.push(p);
        if (many && inView.length > LABELS.few) { inView = []; break; }
      }
    }
    /* greedy, in place order: skip a label whose (estimated) box overlaps one already placed */
    var want = [], boxes = [];
    for (var j = 0; j < inView.length && want.length < LABELS.max; j++) {
      var pt = map.latLngToContainerPoint([P[inView[j]][3], P[inView[j]][4]]);
      var x0 = pt.x + 8, y0 = pt.y - 9, x1 = x0 + 4 + 7 * P[inView[j]][0].length, y1 = pt.y + 8, hit = false;
      for (var b = 0; b < boxes.length && !hit; b += 4) {
        hit = x0 < boxes[b + 2] && boxes[b] < x1 && y0 < boxes[b + 3] && boxes[b + 1] < y1;
      }
      if (!hit) { want.push(inView[j]); boxes.push(x0, y0, x1, y1); }
    }
    var keep = new Set(want), labels = this.labels, layer = this.labelLayer;
    labels.forEach(function (mk, q) { if (!keep.has(q)) { layer.removeLayer(mk); labels.delete(q); } });
    for (var i = 0; i < want.length; i++) {
      var q = want[i];
      if (labels.has(q)) { continue; }
      var mk = L.marker([P[q][3], P[q][4]], {
        icon: L.divIcon({ className: 'gc-label', html: GC.el('span', null, P[q][0]), iconSize: null, iconAnchor: [-10, 8] }),
        pane: 'gcLabels', interactive: false, keyboard: false
      });
      mk.addTo(layer);
      mk.getElement().setAttribute('data-slug', P[q][9]);
      labels.set(q, mk);
    }
    this.map.getContainer().setAttribute('data-gc-labels', String(labels.size));
  };
  App.prototype.buildLabels = function () {
    var self = this;
    this.map.createPane('gcLabels').style.zIndex = 550;   /* above the outlines, under the markers */
    this.labelLayer = L.layerGroup().addTo(this.map);
    this.labels = new Map();
    this.map.on('moveend', function () { self.updateLabels(); });
  };

  App.prototype.start = function () {
    var self = this;
    this.drawBase();
    this.buildLabels();
    this.buildMarkers();
    this.fit();
    this.updateLabels();
    this.day = 0;
    this.restyle();
    this._started = true;
    var hadHash = this.applyHash(location.hash);
    this.emit('day');
    if (!hadHash) { this.emit('select'); }
    window.addEventListener('hashchange', function () {
      if (location.hash !== self.hashString()) { self.applyHash(location.hash); }
    });
    document.documentElement.setAttribute('data-gc-ready', '1');
  };
})();
