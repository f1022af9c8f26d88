/* Reference layers (geo/map/reference.py, payload `r`): each layer's snapshot of the slider day drawn under the
 * markers (the last snapshot on or before the day; a toggle and the snapshot's age per layer), the layer's
 * state in the ledger and the tooltip, and a mark on each marker whose claimed state (of the sides shown)
 * differs from a shown layer's state there that day.  Added to the page only when a layer is registered.
 * All names reach the DOM through textContent. */
(function () {
  'use strict';
  var GC = window.GeoClaims, App = GC.App;
  var WORD = ['Russian-held', 'Ukrainian-held', 'contested'];
  var STROKE = ['#b3161a', '#1c58a8', '#c87400'];
  var FILL = GC.COLOR;
  var DIFFERS = 64;   /* a state-code bit of its own: counts and kinds read bits 0..5 */

  function upper(a, x) {
    var lo = 0, hi = a.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (a[mid] <= x) { lo = mid + 1; } else { hi = mid; } }
    return lo;
  }
  function ring(flat) {
    var out = [], x = 0, y = 0;
    for (var i = 0; i + 1 < flat.length; i += 2) { x += flat[i]; y += flat[i + 1]; out.push([y / 1e4, x / 1e4]); }
    return out;
  }

  App.prototype.refInit = function () {
    var self = this, R = this.data.r || [];
    this.map.createPane('gcRef').style.zIndex = 350;   /* above the tiles, under the outlines and markers */
    this.refs = R.map(function (r) {
      return { name: r.n, iso: r.d, days: r.d.map(function (d) { return self.dayOf(d); }), sets: r.k, parts: r.q,
               of: r.g, runs: r.s, shown: true, layer: L.layerGroup(), drawn: -2, polys: {} };
    });
  };
  /* the index of the snapshot in force on `day` (-1: none yet) */
  App.prototype.refSnapshot = function (ref, day) { return upper(ref.days, day === undefined ? this.day : day) - 1; };
  /* the layer's state at place p on `day`: 0 russia, 1 ukraine, 2 contested, -1 none */
  App.prototype.refState = function (ref, p, day) {
    var i = this.refSnapshot(ref, day), run = ref.runs[p] || [], st = -1;
    if (i < 0) { return -1; }
    for (var k = 0; k < run.length && run[k] <= i; k += 2) { st = run[k + 1]; }
    return st;
  };
  App.prototype.refDraw = function (ref) {
    var i = ref.shown ? this.refSnapshot(ref) : -1, set = i < 0 ? -1 : ref.of[i];
    if (set === ref.drawn) { return; }
    ref.drawn = set;
    ref.layer.clearLayers();
    if (set < 0) { return; }
    var parts = ref.sets[set];
    for (var k = 0; k < parts.length; k++) {
      var q = parts[k], poly = ref.polys[q];
      if (!poly) {
        var part = ref.parts[q], c = part[0];
        /* polygons shared by several snapshots are built once */
        poly = ref.polys[q] = L.polygon(part.slice(1).map(ring), { pane: 'gcRef', interactive: false, weight: 1,
          color: STROKE[c], fillColor: FILL[c], fillOpacity: 0.22, className: 'gc-ref gc-ref-' + GC.STATUS[c] });
      }
      ref.layer.addLayer(poly);
    }
  };

  var compute = App.prototype.computeState;
  App.prototype.computeState = function (p, day) {
    var code = compute.call(this, p, day), mask = code & 7;
    if (!mask || !this.refs) { return code; }
    for (var k = 0; k < this.refs.length; k++) {
      if (!this.refs[k].shown) { continue; }
      var st = this.refState(this.refs[k], p, day);
      if (st >= 0 && (mask & ~(1 << st))) { return code | DIFFERS; }
    }
    return code;
  };
  var style = App.prototype.styleMarker;
  App.prototype.styleMarker = function (p, code) {
    style.call(this, p, code);
    var outer = this.markers[p].getElement();
    if (!outer) { return; }
    this.dots[p].classList.toggle('gm-refdiff', !!(code & DIFFERS));
    outer.setAttribute('data-ref', code & DIFFERS ? 'differs' : '');
  };
  App.prototype.refLine = function (ref, p, cls) {
    var i = this.refSnapshot(ref), st = this.refState(ref, p), line = GC.el('div', cls);
    line.appendChild(document.createTextNode(ref.name + ' on this day: '));
    if (i < 0) { line.appendChild(document.createTextNode('no snapshot yet')); return line; }
    line.appendChild(GC.el('b', null, st < 0 ? 'not drawn here' : WORD[st]));
    line.appendChild(document.createTextNode(' (snapshot of ' + ref.iso[i] + ')'));
    return line;
  };
  var tooltip = App.prototype.tooltip;
  App.prototype.tooltip = function (p) {
    var box = tooltip.call(this, p);
    for (var k = 0; k < (this.refs || []).length; k++) {
      if (this.refs[k].shown) { box.appendChild(this.refLine(this.refs[k], p, 'gc-tip-ref')); }
    }
    return box;
  };

  App.prototype.refPanel = function () {
    var self = this, map = this.map;
    var panel = GC.panel('gc-refs', 'Reference maps', { cls: 'gc-refs' });
    var ages = [];
    this.refs.forEach(function (ref, k) {
      var lab = GC.el('label', 'gc-check'), cb = GC.el('input');
      cb.type = 'checkbox';
      cb.checked = ref.shown;
      cb.id = 'gc-ref-' + k;
      cb.addEventListener('change', function () { self.refShow(k, cb.checked); });
      lab.appendChild(cb);
      lab.appendChild(document.createTextNode(ref.name));
      panel.body.appendChild(lab);
      var age = GC.el('div', 'gc-ref-age');
      age.id = 'gc-ref-age-' + k;
      ages.push(age);
      panel.body.appendChild(age);
    });
    var key = GC.el('div', 'gc-hint');
    [0, 1, 2].forEach(function (c) {
      var sw = GC.el('span', 'gc-ref-sw');
      sw.style.background = FILL[c] + '38';
      sw.style.borderColor = STROKE[c];
      key.appendChild(sw);
      key.appendChild(document.createTextNode(WORD[c] + '  '));
    });
    panel.body.appendChild(key);
    var mark = GC.el('div', 'gc-hint');
    mark.appendChild(GC.el('span', 'gc-ref-mark'));
    mark.appendChild(document.createTextNode('the claims shown differ from a shown reference map at the settlement on this day'));
    panel.body.appendChild(mark);
    this.refAges = function () {
      self.refs.forEach(function (ref, k) {
        var i = self.refSnapshot(ref), el = ages[k];
        el.classList.toggle('gc-ref-none', i < 0);
        el.textContent = i < 0 ? 'no snapshot on or before this day'
          : 'snapshot of ' + ref.iso[i] + ' (' + (self.day - ref.days[i]) + ' day' + (self.day - ref.days[i] === 1 ? '' : 's') + ' old)';
      });
    };
    GC.stopMap(panel.root);
    GC.dock(map, panel.root, 'right', 20);
  };
  App.prototype.refSet = function (k, on) {
    var ref = this.refs[k];
    ref.shown = !!on;
    if (on) { ref.layer.addTo(this.map); } else { this.map.removeLayer(ref.layer); }
    var cb = document.getElementById('gc-ref-' + k);
    if (cb) { cb.checked = ref.shown; }
  };
  App.prototype.refShow = function (k, on) {
    this.refSet(k, on);
    this.refDraw(this.refs[k]);
    this.restyle();
    this.emit('visible');
    this.scheduleHash();
  };

  /* the permalink names the layers shown when not all are: &refs=NAME,NAME or &refs=none */
  var hashString = App.prototype.hashString;
  App.prototype.hashString = function () {
    var h = hashString.call(this), refs = this.refs || [];
    if (refs.every(function (r) { return r.shown; })) { return h; }
    var on = refs.filter(function (r) { return r.shown; }).map(function (r) { return encodeURIComponent(r.name); });
    return h + '&refs=' + (on.length ? on.join(',') : 'none');
  };
  var applyHash = App.prototype.applyHash;
  App.prototype.applyHash = function (hash) {
    var self = this, kept = [], want = null, errors = [];
    String(hash || '').replace(/^#/, '').split('&').forEach(function (part) {
      if (part.indexOf('refs=') === 0) { want = part.slice(5); } else if (part) { kept.push(part); }
    });
    if (want !== null && this.refs) {
      var names = [], bad = [];
      try { names = want === 'none' ? [] : decodeURIComponent(want).split(','); } catch (e) { bad = [want]; }
      names.forEach(function (n) { if (!self.refs.some(function (r) { return r.name === n; })) { bad.push(n); } });
      if (bad.length) {
        errors.push('refs=' + want + ': "' + bad.join(', ') + '" is not a reference map of this page; all shown');
        names = this.refs.map(function (r) { return r.name; });
      }
      this.refs.forEach(function (r, k) { self.refSet(k, names.indexOf(r.name) >= 0); });
    }
    var out = applyHash.call(this, kept.length ? '#' + kept.join('&') : '');
    if (errors.length) { this.notify(this.notices.concat(errors)); }
    return out || want !== null;
  };
  App.prototype.refUpdate = function () {
    for (var k = 0; k < this.refs.length; k++) { this.refDraw(this.refs[k]); }
    this.refAges();
    var sel = this.selected, ledger = document.getElementById('gc-ledger');
    if (!ledger || !sel || sel.kind !== 'place') { return; }
    var old = ledger.querySelectorAll('.gc-ref-ledger');
    for (var i = 0; i < old.length; i++) { old[i].parentNode.removeChild(old[i]); }
    var metas = ledger.querySelectorAll(':scope > .gc-meta'), at = metas.length ? metas[metas.length - 1] : null;
    var code = this.computeState(sel.i);
    for (k = 0; k < this.refs.length; k++) {
      var line = this.refLine(this.refs[k], sel.i, 'gc-ref-ledger' + (code & DIFFERS && this.refs[k].shown ? ' gc-ref-differs' : ''));
      ledger.insertBefore(line, at);
    }
  };

  var start = App.prototype.start;
  App.prototype.start = function () {
    var self = this;
    this.refInit();
    this.refPanel();
    this.refs.forEach(function (ref) { ref.layer.addTo(self.map); });
    /* after every control's listener (the ledger renders first, then gets its reference lines) */
    this.on(function (what) { if (what === 'day' || what === 'select' || what === 'visible') { self.refUpdate(); } });
    start.call(this);
    this.refUpdate();
  };
})();
