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
  GC.SIDE_LABEL = ['Russian claims', 'Ukrainian claims', 'Third-party reports'];
  GC.SIDE_SHORT = ['Russian side', 'Ukrainian side', 'third party'];
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

  /* ---- the app ---- */
  function App(map, data) {
    this.map = map;
    this.data = data;
    this.S = data.s;                 /* interned strings */
    this.nDays = data.n;
    this.first = GC.parseISO(data.first);
    this.stale = data.stale;
    this.day = 0;
    this.visible = [true, true, true];
    this.selected = null;            /* {kind:'place'|'unlocated', i} */
    this.listeners = [];
    var np = data.p.length;
    this.state = new Int8Array(np).fill(-1);   /* -1: not yet computed */
    this.markers = new Array(np);
    this.dots = new Array(np);
    this.slugIndex = new Map();
    for (var p = 0; p < np; p++) { this.slugIndex.set(data.p[p][9], p); }
    /* claims per place, sorted (dated by day then index; undated last) */
    this.byPlace = new Array(np);
    for (p = 0; p < np; p++) { this.byPlace[p] = []; }
    var c = data.c;
    for (var i = 0; i < c.length; i++) { if (c[i][0] !== null) { this.byPlace[c[i][0]].push(i); } }
    var cmp = function (a, b) {
      var da = c[a][1], db = c[b][1];
      if (da === null && db === null) { return a - b; }
      if (da === null) { return 1; }
      if (db === null) { return -1; }
      return da - db || a - b;
    };
    for (p = 0; p < np; p++) { this.byPlace[p].sort(cmp); }
    this.counts = [0, 0, 0, 0];
    this._hashTimer = null;
  }
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
    var iv = this.data.iv[p], day = this.day, mask = 0, fresh = false;
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
    var c = this.data.c, day = this.day, out = [];
    for (var i = 0; i < list.length; i++) {
      var d = c[list[i]][1];
      if (d === null || d <= day) { out.push(list[i]); }
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
      if (b.getNorthEast().equals(b.getSouthWest())) { this.map.setView(b.getCenter(), 10); }
      else { this.map.fitBounds(b.pad(0.1)); }
    } else {
      this.map.setView([49.0, 32.0], 5);
    }
  };

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

  App.prototype.start = function () {
    var self = this;
    this.drawBase();
    this.buildMarkers();
    this.fit();
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
