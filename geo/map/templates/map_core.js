/* geo-claims map: the shared engine of the map controls (geo/map/controls.py, one template per control).
 *
 * Rules kept here on purpose:
 *  - dates are "YYYY-MM-DD" strings or integer day indexes, never Date objects, so
 *    nothing depends on the browser time zone;
 *  - all data text reaches the DOM through textContent / createTextNode only;
 *  - a slider step costs one binary search per visible side per place and restyles
 *    only the markers whose state changed;
 *  - the layout is one CSS grid over the map (GC.layout): controls are docked into its
 *    areas, so panels never overlap each other, the slider or the ledger.
 */
(function () {
  'use strict';
  var GC = window.GeoClaims = window.GeoClaims || {};
  var STATUS = GC.STATUS = ['russia', 'ukraine', 'contested'];
  /* claimant sides as stored; the page shows third party and "side not stated" under one toggle (group 2) */
  GC.SIDES = ['russia', 'ukraine', 'third_party'];
  GC.SIDE_LABEL = ['Claimed by the Russian side', 'Claimed by the Ukrainian side', 'Claimed by third parties or a side not stated'];
  GC.SIDE_SHORT = ['Russian side', 'Ukrainian side', 'third party', 'side not stated'];
  GC.GROUP_SHORT = ['Russian side', 'Ukrainian side', 'Third parties / side not stated'];
  GC.HASH_SIDES = ['russia', 'ukraine', 'other'];
  GC.STATUS_LABEL = ['Russian control', 'Ukrainian control', 'contested'];
  GC.STATUS_CLAIMED = ['Russian control claimed', 'Ukrainian control claimed', 'Fighting reported (contested)'];
  var COLOR = GC.COLOR = ['#d7191c', '#2166c4', '#f08c00'];
  GC.SIDE_COLOR = ['#7a0b0d', '#0d3a78', '#555555'];
  GC.controls = GC.controls || {};
  function group(side) { return side > 2 ? 2 : side; }
  GC.group = group;

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
    /* absolute http(s) only: a relative link would break once the page is shared */
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
  GC.swatch = function (cls, color) {
    var s = GC.el('span', cls);
    if (color) { s.style.borderColor = color; s.style.background = color; }
    s.setAttribute('aria-hidden', 'true');
    return s;
  };
  GC.phone = function () { return !!(window.matchMedia && window.matchMedia('(max-width: 640px)').matches); };

  /* ---- name matching: the same as the CLI's (geo/normalize.py fold_name and skeleton, difflib's ratio) ---- */
  var APOS = "'\u2019\u2018\u02bc\u02b9`\u00b4\u2032\u02bb", DASH = '-\u2010\u2011\u2012\u2013\u2014\u2212';
  var INVIS = '\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u00ad';
  var foldCache = new Map();
  function foldStep(ch) {
    if (APOS.indexOf(ch) >= 0) { return "'"; }
    if (DASH.indexOf(ch) >= 0 || '\u00a0\t\n\r\u2009\u202f'.indexOf(ch) >= 0) { return ' '; }
    if (INVIS.indexOf(ch) >= 0) { return ''; }
    var low = ch.toLowerCase();
    if (low.length !== 1) { low = ch; }
    if (low === '\u0451') { return '\u0435'; }
    if (low === '\u0439' || low === '\u0457') { return low; }
    var base = low.normalize('NFKD');
    base = base ? base.charAt(0) : low;
    return base.length === 1 ? base : low;
  }
  function foldChar(ch) {
    var out = foldCache.get(ch);
    if (out !== undefined) { return out; }
    out = foldStep(ch);
    for (var i = 0; i < 4 && out.length === 1; i++) { var nxt = foldStep(out); if (nxt === out) { break; } out = nxt; }
    foldCache.set(ch, out);
    return out;
  }
  GC.fold = function (s) {
    var out = '';
    for (var ch of String(s)) { out += ch.length === 1 ? foldChar(ch) : ch; }
    return out.replace(/\s+/g, ' ').trim();
  };
  var SKELETON = [
    [/[oe](?=[ \-])/g, 'e'], [/[' \-]/g, ''], [/shch|sch|shtsh/g, 'sc'], [/kh|h|g/g, 'h'], [/zh|dj|j(?=[aeiou])/g, 'z'],
    [/ts|tz|c(?!h)/g, 'c'], [/ch|tch/g, 'c'], [/sh/g, 's'], [/y|j/g, 'i'], [/i([aeou])/g, '$1'], [/(o|e|i)vk(a|i|e)$/g, 'vka'],
    [/(o|e|i)v(o|e)$/g, 'v'], [/(skoe|skoie|ske|skie|skii|ski|sky|skiy)$/g, 'sk'], [/(oe|e|ii|i|ie)$/g, ''], [/ii+/g, 'i'],
    [/(.)\1/g, '$1']
  ];
  GC.skeleton = function (name) {
    var s = GC.fold(name);
    if (/[\u0430-\u044f\u0456\u0457\u0454\u0491]/.test(s)) { return ''; }
    for (var i = 0; i < SKELETON.length; i++) { s = s.replace(SKELETON[i][0], SKELETON[i][1]); }
    return s;
  };
  /* difflib.SequenceMatcher(None, a, b).ratio() for short strings (no junk, no autojunk under 200 chars) */
  GC.ratio = function (a, b) {
    var la = a.length, lb = b.length;
    if (!la && !lb) { return 1; }
    var b2j = new Map();
    for (var j = 0; j < lb; j++) { var l = b2j.get(b[j]); if (!l) { b2j.set(b[j], l = []); } l.push(j); }
    function longest(alo, ahi, blo, bhi) {
      var bi = alo, bj = blo, bk = 0, j2len = new Map();
      for (var i = alo; i < ahi; i++) {
        var next = new Map(), js = b2j.get(a[i]) || [];
        for (var n = 0; n < js.length; n++) {
          var jj = js[n];
          if (jj < blo) { continue; }
          if (jj >= bhi) { break; }
          var k = (j2len.get(jj - 1) || 0) + 1;
          next.set(jj, k);
          if (k > bk) { bi = i - k + 1; bj = jj - k + 1; bk = k; }
        }
        j2len = next;
      }
      while (bi > alo && bj > blo && a[bi - 1] === b[bj - 1]) { bi--; bj--; bk++; }
      while (bi + bk < ahi && bj + bk < bhi && a[bi + bk] === b[bj + bk]) { bk++; }
      return [bi, bj, bk];
    }
    var queue = [[0, la, 0, lb]], m = 0;
    while (queue.length) {
      var q = queue.pop(), x = longest(q[0], q[1], q[2], q[3]);
      if (x[2]) {
        m += x[2];
        if (q[0] < x[0] && q[2] < x[1]) { queue.push([q[0], x[0], q[2], x[1]]); }
        if (x[0] + x[2] < q[1] && x[1] + x[2] < q[3]) { queue.push([x[0] + x[2], q[1], x[1] + x[2], q[3]]); }
      }
    }
    return 2 * m / (la + lb);
  };
  /* difflib.get_close_matches(word, possibilities, n, cutoff): best first, ties by the larger string */
  GC.closeMatches = function (word, possibilities, n, cutoff) {
    var out = [];
    for (var i = 0; i < possibilities.length; i++) {
      var x = possibilities[i];
      if (2 * Math.min(x.length, word.length) / (x.length + word.length) < cutoff) { continue; }
      var r = GC.ratio(x, word);
      if (r >= cutoff) { out.push([r, x]); }
    }
    out.sort(function (p, q) { return q[0] - p[0] || (q[1] < p[1] ? -1 : q[1] > p[1] ? 1 : 0); });
    return out.slice(0, n).map(function (p) { return p[1]; });
  };

  /* ---- upper bound: first index with a[i] > x ---- */
  function upper(a, x) {
    var lo = 0, hi = a.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (a[mid] <= x) { lo = mid + 1; } else { hi = mid; } }
    return lo;
  }
  GC.upper = upper;

  /* ---- layout: one grid over the map; each control docks into an area ----
   * areas: 'left', 'right' (docks of panels), 'sheet' (the ledger), 'bottom' (slider, scale, attribution),
   * 'notice' (messages about the link).  Grid cells never overlap; a dock scrolls inside its cell. */
  GC.layout = function (map) {
    var box = map.getContainer();
    if (box._gcLayout) { return box._gcLayout; }
    var root = GC.el('div', 'gc-layout');
    root.id = 'gc-layout';
    var areas = {};
    ['notice', 'left', 'right', 'sheet', 'bottom'].forEach(function (a) {
      var d = GC.el('div', 'gc-area gc-area-' + a);
      d.id = 'gc-area-' + a;
      areas[a] = d;
      root.appendChild(d);
    });
    box.appendChild(root);
    box._gcLayout = areas;
    return areas;
  };
  GC.dock = function (map, el, area, order) {
    var areas = GC.layout(map), target = areas[area];
    el.setAttribute('data-order', String(order || 0));
    var kids = target.children, before = null;
    for (var i = 0; i < kids.length; i++) { if (+kids[i].getAttribute('data-order') > (order || 0)) { before = kids[i]; break; } }
    target.insertBefore(el, before);
    el.classList.add('gc-docked');
  };
  /* a foldable panel: header button + body; folded by default on a phone */
  GC.panel = function (id, title, opts) {
    opts = opts || {};
    var div = GC.el('section', 'gc-panel gc-fold ' + (opts.cls || ''));
    div.id = id;
    var head = GC.el('button', 'gc-fold-head');
    head.type = 'button';
    head.id = id + '-head';
    var label = GC.el('span', 'gc-fold-title', title);
    head.appendChild(label);
    head.appendChild(GC.el('span', 'gc-fold-mark'));
    var body = GC.el('div', 'gc-fold-body');
    body.id = id + '-body';
    head.setAttribute('aria-controls', body.id);
    div.appendChild(head);
    div.appendChild(body);
    function setOpen(on, quiet) {
      div.classList.toggle('open', !!on);
      head.setAttribute('aria-expanded', on ? 'true' : 'false');
      body.hidden = !on;
      if (on && !quiet && GC.phone()) {
        /* on a phone one panel at a time, so an open one gets the room */
        var others = document.querySelectorAll('.gc-fold.open');
        for (var i = 0; i < others.length; i++) { if (others[i] !== div && others[i]._gcSetOpen) { others[i]._gcSetOpen(false, true); } }
      }
      if (opts.onToggle) { opts.onToggle(!!on); }
    }
    div._gcSetOpen = setOpen;
    head.addEventListener('click', function () { setOpen(!div.classList.contains('open')); });
    setOpen(GC.phone() ? false : opts.open !== false, true);
    return { root: div, body: body, title: label, setOpen: setOpen, isOpen: function () { return div.classList.contains('open'); } };
  };

  /* ---- the app ----
   * data (geo/map/payload.py, payload v3): s strings, p places, c claims column-wise sorted by
   * (place, day), a articles, u unlocated, t towns, b base layers.  Decoded once here into
   *   cPlace / cDay (Int32Array, -1 = unlocated / undated), byPlace (claim index lists),
   *   iv[p] = [days_group0, values_group0, days_group1, ...] (the status intervals; a value is
   *   status | 4 when that group's sources disagreed that day), undatedMask[p] (groups with
   *   undated claims), byDay (dated claims per day) and claimDays.
   */
  function App(map, data) {
    this.map = map;
    this.data = data;
    var S = this.S = data.s;          /* interned strings */
    this.nDays = data.n;
    this.first = GC.parseISO(data.first);
    this.stale = data.stale;
    this.day = Math.max(0, data.n - 1);   /* opens on the latest day */
    this.visible = [true, true, true];
    this.onlyDisputed = false;
    this.selected = null;            /* {kind:'place'|'unlocated'|'town', i} */
    this.listeners = [];
    this.notices = [];
    var P = data.p, np = P.length, p, k;
    this.state = new Int8Array(np).fill(-1);   /* -1: not yet computed */
    this.markers = new Array(np);
    this.dots = new Array(np);
    this.offset = new Array(np);
    this.slugIndex = new Map();
    for (p = 0; p < np; p++) {
      var r = P[p];
      r[6] = S[r[6]]; r[7] = S[r[7]]; r[8] = S[r[8]];   /* note, oblast, raion: now strings */
      this.slugIndex.set(r[9], p);
    }
    var T = this.towns = data.t || [];
    for (k = 0; k < T.length; k++) { T[k][6] = S[T[k][6]]; T[k][7] = S[T[k][7]]; }
    this.spread();
    /* claims: sorted by place then day (undated last), so a place owns a contiguous range that is
       already in ledger order; the status intervals follow in the same pass */
    var c = data.c, nc = c.x.length, nd = this.nDays;
    this.nClaims = nc;
    var cPlace = this.cPlace = new Int32Array(nc).fill(-1);
    var cDay = this.cDay = new Int32Array(nc).fill(-1);
    var dayCount = new Int32Array(nd + 1);
    this.byPlace = new Array(np);
    this.iv = new Array(np);
    this.undatedMask = new Uint8Array(np);
    var at = 0;
    for (p = 0; p < np; p++) {
      var list = this.byPlace[p] = [], iv = this.iv[p] = [[], [], [], [], [], []], prev = 0, seen = [0, 0, 0];
      for (k = c.k[p]; k > 0; k--, at++) {
        cPlace[at] = p;
        list.push(at);
        var g = group(c.x[at] & 3), st = c.x[at] >> 2;
        if (c.d[at] < 0) { this.undatedMask[p] |= 1 << g; continue; }
        var day = cDay[at] = prev + c.d[at];
        prev = day;
        if (day >= 0 && day < nd) { dayCount[day + 1]++; }
        var ds = iv[2 * g], ss = iv[2 * g + 1];
        if (ds.length && ds[ds.length - 1] === day) {
          /* one group's sources on one day: the strongest stands (control beats fighting; both controls:
             contested) and the day is marked a conflict (geo/timeline.py day_status) */
          seen[g] |= 1 << st;
          var m = seen[g], ctl = m & 3;
          if (m & (m - 1)) { ss[ss.length - 1] = (ctl === 1 ? 0 : ctl === 2 ? 1 : 2) | 4; }
        } else {
          ds.push(day); ss.push(st); seen[g] = 1 << st;
        }
      }
    }
    for (; at < nc; at++) { cDay[at] = c.d[at]; }
    /* dated claims per day (counting sort; within a day in claim order) and the days that have any */
    for (k = 0; k < nd; k++) { dayCount[k + 1] += dayCount[k]; }
    this.dayStart = dayCount.slice();
    var fill = dayCount.slice(0, nd), byDay = this.byDay = new Int32Array(dayCount[nd]), days = [];
    for (k = 0; k < nc; k++) {
      var dd = cDay[k];
      if (cPlace[k] >= 0 && dd >= 0 && dd < nd) { byDay[fill[dd]++] = k; }
    }
    for (k = 0; k < nd; k++) { if (this.dayStart[k + 1] > this.dayStart[k]) { days.push(k); } }
    this.claimDays = days;
    this.counts = [0, 0, 0, 0, 0];
    this._hashTimer = null;
  }
  GC.App = App;

  /* places that share a point (area precision at a raion's point, homonyms a few metres apart) are spread
     around it on a sunflower spiral, in place order, at a fixed distance in pixels at every zoom */
  App.prototype.spread = function () {
    var P = this.data.p, groups = new Map(), p;
    for (p = 0; p < P.length; p++) {
      var key = (+P[p][3]).toFixed(3) + ',' + (+P[p][4]).toFixed(3), g = groups.get(key);
      if (!g) { groups.set(key, g = []); }
      g.push(p);
    }
    this.hubs = [];
    var self = this;
    groups.forEach(function (g) {
      if (g.length < 2) { self.offset[g[0]] = [0, 0]; return; }
      for (var k = 0; k < g.length; k++) {
        var r = 14 * Math.sqrt(k + 0.6), t = k * 2.399963;
        self.offset[g[k]] = [Math.round(r * Math.cos(t)), Math.round(r * Math.sin(t))];
      }
      self.hubs.push(g);
    });
  };

  /* one claim as an object; text fields are plain strings for textContent */
  App.prototype.claim = function (ci) {
    var c = this.data.c, S = this.S, e = c.e[ci], art = this.data.a[c.a[ci]], h = c.h[2 * ci];
    if (typeof e === 'number') { e = c.e[e]; }
    return {
      index: ci,
      place: this.cPlace[ci] < 0 ? null : this.cPlace[ci],
      day: this.cDay[ci] < 0 ? null : this.cDay[ci],
      status: c.x[ci] >> 2, side: c.x[ci] & 3, group: group(c.x[ci] & 3),
      claimant: S[c.w[ci]], publisher: S[c.b[ci]], cue: S[c.q[ci]],
      gloss: c.g ? S[c.g[ci]] : '', lang: c.l ? S[c.l[ci]] : 'en',
      article: art[0], url: art[1] ? S[art[1]] + art[2] : null, title: art[3] || '', published: art[4] || '',
      file: art[5] || '', evidence: e,
      hl: h < 0 ? null : [h, h + c.h[2 * ci + 1]],
      citations: c.r[ci]
    };
  };

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
  App.prototype.placeLabel = function (p) {
    var r = this.data.p[p];
    return r[0] + (r[8] ? ' (' + r[8] + (r[7] ? ', ' + r[7].replace(/ Oblast$/, '') : '') + ')' : '');
  };

  /* the latest status of one side group for a place as of `day`: {day, status, conflict, stale} or null */
  App.prototype.sideStatus = function (p, g, day) {
    var iv = this.iv[p], ds = iv[2 * g];
    if (day === undefined) { day = this.day; }
    var i = upper(ds, day) - 1;
    if (i < 0) { return null; }
    var v = iv[2 * g + 1][i];
    return { day: ds[i], status: v & 3, conflict: !!(v & 4), stale: day - ds[i] > this.stale };
  };

  /* state code: bits 0..2 = statuses present among visible groups, bit 3 = all stale, bit 4 = a visible group's
     sources disagree (as of its latest day), bit 5 = only undated claims (of visible groups) */
  App.prototype.computeState = function (p, day) {
    var iv = this.iv[p], mask = 0, fresh = false, conflict = 0;
    if (day === undefined) { day = this.day; }
    for (var k = 0; k < 3; k++) {
      if (!this.visible[k]) { continue; }
      var ds = iv[2 * k];
      if (!ds.length) { continue; }
      var i = upper(ds, day) - 1;
      if (i < 0) { continue; }
      var v = iv[2 * k + 1][i];
      mask |= 1 << (v & 3);
      if (v & 4) { conflict = 16; }
      if (day - ds[i] <= this.stale) { fresh = true; }
    }
    if (mask === 0) {
      var u = this.undatedMask[p];
      return (u & 1 && this.visible[0]) || (u & 2 && this.visible[1]) || (u & 4 && this.visible[2]) ? 32 : 0;
    }
    return mask | (fresh ? 0 : 8) | conflict;
  };
  function kindOf(code) {
    var m = code & 7;
    if (m === 0) { return code & 32 ? 'undated' : 'none'; }
    if (m === 1) { return 'russia'; }
    if (m === 2) { return 'ukraine'; }
    if (m === 4) { return 'contested'; }
    return 'disputed';
  }
  GC.kindOf = kindOf;
  GC.KIND_LABEL = { russia: 'Russian control claimed', ukraine: 'Ukrainian control claimed', contested: 'contested',
                    disputed: 'sides disagree', undated: 'undated claims only', none: 'no claim yet' };

  App.prototype.tooltip = function (p) {
    var r = this.data.p[p], box = GC.el('div', 'gc-tip');
    box.appendChild(GC.el('b', null, r[0]));
    if (r[1] || r[2]) { box.appendChild(GC.el('div', 'gc-tip-alt', [r[1], r[2]].filter(Boolean).join(' / '))); }
    if (r[6]) { box.appendChild(GC.el('div', 'gc-tip-note', r[6])); }
    for (var g = 0; g < 3; g++) {
      if (!this.visible[g]) { continue; }
      var s = this.sideStatus(p, g), line = GC.el('div', 'gc-tip-side');
      line.appendChild(GC.swatch('gc-sw gc-sw-side', GC.SIDE_COLOR[g]));
      line.appendChild(document.createTextNode(GC.GROUP_SHORT[g] + ': '));
      if (s) {
        line.appendChild(GC.el('b', 'gc-st-t ' + STATUS[s.status], GC.STATUS_CLAIMED[s.status]));
        line.appendChild(document.createTextNode(' (' + this.dateOf(s.day) + (s.conflict ? '; its sources disagree' : '') + ')'));
      } else {
        line.appendChild(document.createTextNode(this.undatedMask[p] & (1 << g) ? 'undated claims only' : 'no claim yet'));
      }
      box.appendChild(line);
    }
    return box;
  };

  /* Markers placed by a 2D translate, not Leaflet's translate3d: a 3D transform makes each of thousands of markers
     its own compositing layer, and the first frame of 5,000 places took five seconds to draw (0.3 s in 2D). */
  function flatMarkers() {
    L.Marker.prototype._setPos = function (pos) {
      var icon = this._icon;
      if (icon) { icon._leaflet_pos = pos; icon.style.transform = 'translate(' + pos.x + 'px,' + pos.y + 'px)'; }
      if (this._shadow) { L.DomUtil.setPosition(this._shadow, pos); }
      this._zIndex = pos.y + this.options.zIndexOffset;
      this._resetZIndex();
    };
  }

  App.prototype.buildMarkers = function () {
    var self = this, P = this.data.p;
    flatMarkers();
    var layer = this.markerLayer = L.layerGroup().addTo(this.map);
    for (var h = 0; h < this.hubs.length; h++) {
      var hp = this.hubs[h][0];
      L.circleMarker([P[hp][3], P[hp][4]], { radius: 3, color: '#333', weight: 1, fillColor: '#fff', fillOpacity: 1,
        interactive: false }).addTo(layer);
    }
    for (var p = 0; p < P.length; p++) {
      var rec = P[p], off = this.offset[p];
      var icon = L.divIcon({ className: 'gc-icon', html: '<span class="gm"></span>', iconSize: [16, 16],
        iconAnchor: [8 - off[0], 8 - off[1]], tooltipAnchor: [off[0], off[1]] });
      /* points above approximate above area markers, so a town's own dot is never under a raion's spread */
      var mk = L.marker([rec[3], rec[4]], { icon: icon, keyboard: false, riseOnHover: true,
        zIndexOffset: rec[5] === 0 ? 200 : rec[5] === 1 ? 100 : 0 });
      (function (pp, m) {
        m.bindTooltip(function () { return self.tooltip(pp); }, { direction: 'top', offset: [0, -9] });
        m.on('click', function () { m.closeTooltip(); self.select({ kind: 'place', i: pp }); });
        /* the selected place's ledger is open: its tooltip would only cover the map */
        m.on('tooltipopen', function () { if (self.selected && self.selected.kind === 'place' && self.selected.i === pp) { m.closeTooltip(); } });
      })(p, mk);
      mk.addTo(layer);
      var outer = mk.getElement();
      outer.setAttribute('data-slug', rec[9]);
      outer.setAttribute('data-state', 'none');
      outer.setAttribute('role', 'button');
      outer.setAttribute('aria-label', rec[0]);
      outer.style.visibility = 'hidden';
      this.markers[p] = mk;
      this.dots[p] = outer.firstChild;
    }
  };

  App.prototype.styleMarker = function (p, code) {
    var outer = this.markers[p].getElement(), dot = this.dots[p];
    if (!outer) { return; }
    var kind = kindOf(code), prec = this.data.p[p][5], sel = this.selected && this.selected.kind === 'place' && this.selected.i === p;
    outer.setAttribute('data-state', kind);
    if (sel || outer._gcSel) { outer.classList.toggle('gc-sel', !!sel); outer._gcSel = !!sel; }
    var hidden = kind === 'none' || (this.onlyDisputed && kind !== 'disputed' && !(code & 16));
    /* visibility, not display: a marker shown or hidden by a slider step then costs no layout (1,700 a step at
       a million claims) */
    if (hidden && !sel) { outer.style.visibility = 'hidden'; return; }
    outer.style.visibility = '';
    var cls = 'gm gm-' + kind + (prec === 1 ? ' gm-approx' : prec === 2 ? ' gm-area' : '') + ((code & 8) ? ' gm-stale' : '') +
      ((code & 16) ? ' gm-conflict' : '');
    dot.className = cls;
    if (kind === 'disputed') {
      var cols = [];
      for (var s = 0; s < 3; s++) { if (code & (1 << s)) { cols.push(COLOR[s]); } }
      dot.style.background = GC.splitBackground(cols);
    } else {
      dot.style.background = '';
    }
  };
  GC.splitBackground = function (cols) {
    return cols.length === 2
      ? 'linear-gradient(90deg,' + cols[0] + ' 50%,' + cols[1] + ' 50%)'
      : 'conic-gradient(' + cols[0] + ' 0 120deg,' + cols[1] + ' 120deg 240deg,' + cols[2] + ' 240deg)';
  };

  /* restyle: only markers whose state code changed; counts recomputed from codes */
  App.prototype.restyle = function (all) {
    var n = this.state.length, counts = [0, 0, 0, 0, 0], changed = 0;
    if (all) { this.state.fill(-1); }
    for (var p = 0; p < n; p++) {
      var code = this.computeState(p);
      if (code !== this.state[p]) { this.state[p] = code; this.styleMarker(p, code); changed++; }
      var m = code & 7;
      if (m) { counts[m === 1 ? 0 : m === 2 ? 1 : m === 4 ? 2 : 3]++; } else if (code & 32) { counts[4]++; }
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
    this.scheduleHash();
  };
  App.prototype.setOnlyDisputed = function (on) {
    this.onlyDisputed = !!on;
    this.restyle(true);
    this.emit('visible');
    this.scheduleHash();
  };
  App.prototype.select = function (sel, opts) {
    var old = this.selected;
    this.selected = sel;
    if (old && old.kind === 'place' && this.markers[old.i]) {
      this.markers[old.i].setZIndexOffset(this.data.p[old.i][5] === 0 ? 200 : this.data.p[old.i][5] === 1 ? 100 : 0);
      this.styleMarker(old.i, this.state[old.i]);
    }
    if (sel && sel.kind === 'place' && this.markers[sel.i]) {
      this.markers[sel.i].setZIndexOffset(10000);
      this.markers[sel.i].closeTooltip();
      this.styleMarker(sel.i, this.state[sel.i]);
    }
    this.emit('select');   /* the ledger opens first: the free part of the map depends on it */
    if (sel && opts && opts.zoom) {
      var ll = sel.kind === 'place' ? [this.data.p[sel.i][3], this.data.p[sel.i][4]]
        : sel.kind === 'town' ? [this.towns[sel.i][3], this.towns[sel.i][4]] : null;
      if (ll) { this.map.setView(ll, Math.max(this.map.getZoom(), 11), { animate: false }); this.reveal(sel); }
    } else if (sel && sel.kind !== 'unlocated' && !(opts && opts.keepView)) {
      this.reveal(sel, true);
    }
    this.scheduleHash();
  };
  /* the part of the map no panel covers, in container pixels: [x0, y0, x1, y1] */
  App.prototype.freeRect = function () {
    var box = this.map.getContainer().getBoundingClientRect(), x0 = 0, y0 = 0, x1 = box.width, y1 = box.height;
    function rect(id) {
      var e = document.getElementById(id);
      if (!e || !e.children.length || getComputedStyle(e).display === 'none') { return null; }
      var r = e.getBoundingClientRect();
      return r.width && r.height ? { l: r.left - box.left, r: r.right - box.left, t: r.top - box.top, b: r.bottom - box.top } : null;
    }
    var left = rect('gc-area-left'), right = rect('gc-area-right'), sheet = rect('gc-area-sheet'), bottom = rect('gc-area-bottom');
    if (GC.phone()) {
      y0 = Math.max(left ? left.b : 0, right ? right.b : 0);
      y1 = sheet ? sheet.t : bottom ? bottom.t : y1;
    } else {
      x0 = left ? left.r : 0;
      x1 = Math.min(right ? right.l : x1, sheet ? sheet.l : x1);
      y1 = bottom ? bottom.t : y1;
    }
    if (x1 - x0 < 40 || y1 - y0 < 40) { return [0, 0, box.width, box.height]; }
    return [x0, y0, x1, y1];
  };
  /* bring the selection into the free part of the map (only when it is outside it, if `ifHidden`) */
  App.prototype.reveal = function (sel, ifHidden) {
    var rec = sel.kind === 'place' ? this.data.p[sel.i] : sel.kind === 'town' ? this.towns[sel.i] : null;
    if (!rec || !this.map._loaded) { return; }
    var f = this.freeRect(), off = sel.kind === 'place' ? this.offset[sel.i] : [0, 0];
    var pt = this.map.latLngToContainerPoint([rec[3], rec[4]]), x = pt.x + off[0], y = pt.y + off[1];
    if (ifHidden && x > f[0] + 12 && x < f[2] - 12 && y > f[1] + 12 && y < f[3] - 12) { return; }
    this.map.panBy([x - (f[0] + f[2]) / 2, y - (f[1] + f[3]) / 2], { animate: false });
  };

  /* claims of the selection visible at the slider date: [dated <= day..., undated...] */
  App.prototype.selectedClaims = function () {
    var sel = this.selected;
    if (!sel || sel.kind === 'town') { return []; }
    var list = sel.kind === 'place' ? this.byPlace[sel.i] : this.data.u[sel.i][1];
    var cDay = this.cDay, day = this.day, out = [];
    for (var i = 0; i < list.length; i++) {
      var d = cDay[list[i]];
      if (d < 0 || d <= day) { out.push(list[i]); }
    }
    return out;
  };

  /* ---- the day's news: claims dated on `day` (visible groups) and the settlements whose drawn state
     changed since the previous day with a claim ---- */
  App.prototype.prevClaimDay = function (day) {
    var i = upper(this.claimDays, day - 1) - 1;
    return i >= 0 ? this.claimDays[i] : null;
  };
  App.prototype.nextClaimDay = function (day) {
    var i = upper(this.claimDays, day);
    return i < this.claimDays.length ? this.claimDays[i] : null;
  };
  App.prototype.news = function (day, limit) {
    var out = { claims: [], nClaims: 0, prev: this.prevClaimDay(day), changes: [], nChanges: 0 };
    var x = this.data.c.x;
    for (var k = this.dayStart[day]; k < this.dayStart[day + 1]; k++) {
      var ci = this.byDay[k];
      if (!this.visible[group(x[ci] & 3)]) { continue; }
      out.nClaims++;
      if (out.claims.length < limit) { out.claims.push(ci); }
    }
    /* only a place with a claim on `day` can have changed since the previous claim day (nothing is dated in
       between), so the changes cost the day's claims, not every place */
    var prev = out.prev === null ? -1 : out.prev, done = new Set();
    for (k = this.dayStart[day]; k < this.dayStart[day + 1]; k++) {
      var p = this.cPlace[this.byDay[k]];
      if (done.has(p)) { continue; }
      done.add(p);
      var now = day === this.day ? this.state[p] : this.computeState(p, day);
      var was = prev < 0 ? 0 : this.computeState(p, prev);
      if ((now & 23) !== (was & 23)) {
        out.nChanges++;
        if (out.changes.length < limit) { out.changes.push([p, was, now]); }
      }
    }
    return out;
  };

  /* ---- search: exact spelling, then prefix and substring, then the romanisation skeleton, then close
     spellings (ratio >= 0.75), as `geo resolve` looks names up; over the claimed places' spellings and the
     names of the gazetteer's other places ("no claims yet") ---- */
  App.prototype.searchIndex = function () {
    if (this.Q) { return this.Q; }
    var Q = [], P = this.data.p, T = this.towns, p, k;
    function add(kind, i, names) {
      var seen = new Set();
      for (var n = 0; n < names.length; n++) {
        if (!names[n]) { continue; }
        var key = GC.fold(names[n]);
        if (key && !seen.has(key)) { seen.add(key); Q.push([key, kind, i, names[n]]); }
      }
    }
    for (p = 0; p < P.length; p++) { add(0, p, [P[p][0], P[p][1], P[p][2]].concat(P[p][10] || [])); }
    for (k = 0; k < T.length; k++) { add(1, k, [T[k][0], T[k][1], T[k][2]]); }
    Q.sort(function (x, y) { return x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : x[1] - y[1] || x[2] - y[2]; });
    this.Q = Q;
    this.skel = null;
    return Q;
  };
  App.prototype.search = function (q, limit) {
    var Q = this.searchIndex(), n = GC.fold(q), seen = new Set(), out = [];
    limit = limit || 12;
    if (!n) { return out; }
    function push(e, how) {
      var id = e[1] + ':' + e[2];
      if (seen.has(id) || out.length >= limit) { return; }
      seen.add(id);
      out.push({ kind: e[1] ? 'town' : 'place', i: e[2], spelling: e[3], how: how });
    }
    var i, pass;
    for (pass = 0; pass < 3; pass++) {
      var tier = [];
      for (i = 0; i < Q.length; i++) {
        var at = Q[i][0].indexOf(n);
        if ((pass === 0 && Q[i][0] === n) || (pass === 1 && at === 0) || (pass === 2 && at > 0)) { tier.push(Q[i]); }
      }
      /* places with claims before the gazetteer's others within a tier */
      tier.sort(function (x, y) { return x[1] - y[1]; });
      tier.forEach(function (e) { push(e, pass === 0 ? 'spelling' : 'prefix'); });
    }
    if (out.length < limit) {
      if (!this.skel) {
        this.skel = new Map();
        for (i = 0; i < Q.length; i++) {
          var key = GC.skeleton(Q[i][0]);
          if (key.length >= 3) { var l = this.skel.get(key); if (!l) { this.skel.set(key, l = []); } l.push(Q[i]); }
        }
        this.keys = Array.from(new Set(Q.map(function (e) { return e[0]; })));
        this.byKey = new Map();
        for (i = 0; i < Q.length; i++) { var b = this.byKey.get(Q[i][0]); if (!b) { this.byKey.set(Q[i][0], b = []); } b.push(Q[i]); }
      }
      (this.skel.get(GC.skeleton(n)) || []).forEach(function (e) { push(e, 'skeleton'); });
    }
    if (out.length < limit && n.length >= 3) {
      var self = this;
      GC.closeMatches(n, this.keys, 20, 0.75).forEach(function (k) { (self.byKey.get(k) || []).forEach(function (e) { push(e, 'close'); }); });
    }
    return out;
  };

  /* ---- URL hash: the whole view ----
   * #date=2025-03-13&place=sudzha&zoom=11&at=51.1917,35.2708[&sides=russia,ukraine][&only=disputed]
   * (the older #2025-03-13/sudzha is read too).  A value the page cannot use is reported, never
   * silently replaced.  Online tiles are left out on purpose: a shared link makes no request by itself. */
  App.prototype.hashString = function () {
    var parts = ['date=' + this.currentDate()];
    if (this.selected && this.selected.kind === 'place') { parts.push('place=' + encodeURIComponent(this.slugOf(this.selected.i))); }
    if (this.map && this.map._loaded) {
      var c = this.map.getCenter();
      parts.push('zoom=' + this.map.getZoom(), 'at=' + c.lat.toFixed(4) + ',' + c.lng.toFixed(4));
    }
    if (!(this.visible[0] && this.visible[1] && this.visible[2])) {
      var on = GC.HASH_SIDES.filter(function (s, k) { return this.visible[k]; }, this);
      parts.push('sides=' + (on.length ? on.join(',') : 'none'));
    }
    if (this.onlyDisputed) { parts.push('only=disputed'); }
    return '#' + parts.join('&');
  };
  App.prototype.scheduleHash = function () {
    if (!this._started) { return; }
    var self = this;
    if (this._hashTimer !== null) { return; }
    this._hashTimer = setTimeout(function () {
      self._hashTimer = null;
      var h = self.hashString();
      if (location.hash !== h) {
        try { history.replaceState(null, '', h); } catch (e) { location.hash = h; }
      }
    }, 60);
  };
  GC.parseHash = function (hash) {
    var raw = String(hash || '').replace(/^#/, ''), out = { errors: [] };
    if (!raw) { return out; }
    var legacy = /^(\d{4}-\d{2}-\d{2}|[^=&]*)(\/([^&=]*))?$/.exec(raw);
    var pairs = legacy && raw.indexOf('=') < 0 ? [['date', legacy[1]], ['place', legacy[3] || '']] : raw.split('&').map(function (kv) {
      var i = kv.indexOf('=');
      return i < 0 ? [kv, null] : [kv.slice(0, i), kv.slice(i + 1)];
    });
    pairs.forEach(function (kv) {
      var key = kv[0], val = kv[1];
      if (val !== null) { try { val = decodeURIComponent(val); } catch (e) { out.errors.push('"' + key + '" in the link is not readable; it was ignored'); return; } }
      if (key === '' && val === null) { return; }
      if (['date', 'place', 'zoom', 'at', 'sides', 'only'].indexOf(key) < 0 || val === null) {
        out.errors.push('"' + kv.join(val === null ? '' : '=') + '" in the link is not something this page knows; it was ignored');
        return;
      }
      out[key] = val;
    });
    return out;
  };
  App.prototype.notify = function (messages) {
    this.notices = messages.slice();
    this.emit('notice');
  };
  App.prototype.applyHash = function (hash) {
    var h = GC.parseHash(hash), errors = h.errors, self = this, map = this.map;
    if (h.sides !== undefined) {
      var want = [false, false, false], bad = [];
      if (h.sides !== 'none') {
        h.sides.split(',').forEach(function (s) {
          var k = GC.HASH_SIDES.indexOf(s.trim());
          if (k < 0) { bad.push(s); } else { want[k] = true; }
        });
      }
      if (bad.length) { errors.push('sides=' + h.sides + ': "' + bad.join(', ') + '" is not a side (russia, ukraine, other); all sides shown'); }
      else { this.visible = want; }
    }
    if (h.only !== undefined) {
      if (h.only === 'disputed') { this.onlyDisputed = true; }
      else { errors.push('only=' + h.only + ': the only filter is "disputed"; all settlements shown'); }
    }
    if (h.date !== undefined && h.date !== '') {
      var d = this.dayOf(h.date), last = this.nDays - 1;
      if (d === null) { errors.push('date=' + h.date + ' is not a day (YYYY-MM-DD); showing the latest day, ' + this.dateOf(last)); d = last; }
      else if (d < 0) { errors.push(h.date + ' is before the first day of the data (' + this.dateOf(0) + '); showing ' + this.dateOf(0)); d = 0; }
      else if (d > last) { errors.push(h.date + ' is after the last day of the data (' + this.dateOf(last) + '); showing ' + this.dateOf(last)); d = last; }
      this.day = d;
    }
    var view = null;
    if (h.zoom !== undefined || h.at !== undefined) {
      var z = h.zoom === undefined ? map.getZoom() : +h.zoom, m = /^(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)$/.exec(h.at || '');
      var zmax = Math.min(map.getMaxZoom(), 19), zmin = Math.max(map.getMinZoom(), 0);
      if (h.zoom !== undefined && !(/^\d+$/.test(h.zoom) && z >= zmin && z <= zmax)) {
        errors.push('zoom=' + h.zoom + ' is not a zoom level (' + zmin + '-' + zmax + '); zoom kept');
        z = map.getZoom();
      }
      var at = map.getCenter();
      if (h.at !== undefined) {
        if (!m || Math.abs(+m[1]) > 90 || Math.abs(+m[2]) > 180) { errors.push('at=' + h.at + ' is not latitude,longitude; centre kept'); }
        else { at = L.latLng(+m[1], +m[2]); }
      }
      view = [at, z];
    }
    this.restyle(true);
    if (view) { map.setView(view[0], view[1], { animate: false }); }
    var sel = null;
    if (h.place) {
      var p = this.slugIndex.get(h.place.toLowerCase());
      if (p === undefined) { errors.push('place=' + h.place + ': no settlement by that name on this map'); }
      else { sel = { kind: 'place', i: p }; }
    }
    this.select(sel, view ? { keepView: true } : { zoom: true });
    this.emit('day');
    this.emit('visible');
    this.notify(errors);
    return !!(h.date || h.place || view);
  };

  App.prototype.fit = function () {
    var P = this.data.p, b = null;
    for (var p = 0; p < P.length; p++) {
      var ll = L.latLng(P[p][3], P[p][4]);
      if (b) { b.extend(ll); } else { b = L.latLngBounds(ll, ll); }
    }
    if (!b && this.baseBounds && this.baseBounds.isValid()) { b = this.baseBounds; }
    if (b) {
      /* no animation: the first view is final when the page says it is ready */
      /* into the part of the map the panels leave free */
      var f = this.freeRect(), size = this.map.getSize();
      var pad = { paddingTopLeft: [f[0], f[1]], paddingBottomRight: [size.x - f[2], size.y - f[3]], animate: false };
      if (b.getNorthEast().equals(b.getSouthWest())) { this.map.setView(b.getCenter(), 10, { animate: false }); this.reveal({ kind: 'place', i: 0 }); }
      else { this.map.fitBounds(b.pad(0.05), pad); }
    } else {
      this.map.setView([49.0, 32.0], 5, { animate: false });
    }
  };

  /* Base layer from gazetteer/: raion outlines (thin, dashed), oblast outlines, the RU-UA state border (heavy,
     on top: gazetteer/orientation.py) and the main rivers (blue). */
  GC.BASE_STYLE = {
    rivers: { color: '#6fa7d8', weight: 1.6, opacity: 0.9, interactive: false },
    raions: { color: '#9a9a9a', weight: 0.7, opacity: 0.8, fill: false, dashArray: '3 3', interactive: false },
    oblasts: { color: '#6b6b6b', weight: 1.3, opacity: 0.9, fill: false, interactive: false },
    border: { color: '#222', weight: 3.2, opacity: 0.85, interactive: false, dashArray: '9 3 2 3' }
  };
  App.prototype.drawBase = function () {
    var base = this.data.b || {}, bounds = L.latLngBounds([]), map = this.map;
    this.base = {};
    ['rivers', 'raions', 'oblasts', 'border'].forEach(function (k) {
      var v = base[k];
      if (!v) { return; }
      var fc = v.type === 'FeatureCollection' ? v : { type: 'Feature', properties: {}, geometry: v };
      if (v.type === 'FeatureCollection' && !(v.features && v.features.length)) { return; }
      if (v.type === 'MultiLineString' && !(v.coordinates && v.coordinates.length)) { return; }
      var lyr = L.geoJSON(fc, { style: GC.BASE_STYLE[k], interactive: false });
      lyr.addTo(map);
      this.base[k] = lyr;
      if (k === 'oblasts' || k === 'raions') { bounds.extend(lyr.getBounds()); }
    }, this);
    this.baseBounds = bounds;
  };

  /* ---- labels: the gazetteer's towns by size at every zoom, and the places with claims ----
   * Candidates in order: the selection, towns of 100k+, places with claims, then towns by population; a zoom
   * threshold per size class; a label overlapping one already placed is skipped (so the choice is
   * deterministic), at most LABELS.max at once.  Recomputed on moveend only: a slider step never touches them. */
  var LABELS = GC.LABELS = { max: 300 };
  function sizeClass(pop) { return pop >= 100000 ? 0 : pop >= 10000 ? 1 : pop >= 1000 ? 2 : 3; }
  GC.TOWN_MINZOOM = [0, 7, 9, 11];  /* per size class: city, town, large village, village or unknown */
  App.prototype.updateLabels = function () {
    var map = this.map, P = this.data.p, T = this.towns, zoom = map.getZoom();
    var view = map.getBounds().pad(0.05), cands = [], k, p;
    var sel = this.selected;
    if (sel && sel.kind === 'place') { cands.push([0, sel.i]); }
    if (sel && sel.kind === 'town') { cands.push([1, sel.i]); }
    for (k = 0; k < T.length && T[k][5] >= 100000; k++) { cands.push([1, k]); }
    var placeZoom = P.length > 300 ? 10 : 0;
    if (zoom >= placeZoom) { for (p = 0; p < P.length; p++) { cands.push([0, p]); } }
    for (; k < T.length; k++) { if (zoom >= GC.TOWN_MINZOOM[sizeClass(T[k][5])]) { cands.push([1, k]); } }
    var want = [], boxes = [], seen = new Set();
    for (var j = 0; j < cands.length && want.length < LABELS.max; j++) {
      var kind = cands[j][0], i = cands[j][1], id = kind + ':' + i;
      if (seen.has(id)) { continue; }
      seen.add(id);
      var rec = kind ? T[i] : P[i], ll = [rec[3], rec[4]];
      if (!view.contains(ll)) { continue; }
      var pt = map.latLngToContainerPoint(ll), off = kind ? [0, 0] : this.offset[i];
      var cls = kind ? sizeClass(rec[5]) : 2, fs = [14, 12.5, 11.5, 10.5][cls];
      var x0 = pt.x + off[0] + 7, y0 = pt.y + off[1] - fs * 0.8, x1 = x0 + 6 + fs * 0.6 * rec[0].length, y1 = pt.y + off[1] + fs * 0.8;
      var hit = false;
      for (var b = 0; b < boxes.length && !hit; b += 4) {
        hit = x0 < boxes[b + 2] && boxes[b] < x1 && y0 < boxes[b + 3] && boxes[b + 1] < y1;
      }
      if (!hit) { want.push([kind, i, cls, off]); boxes.push(x0, y0, x1, y1); }
    }
    var keep = new Set(want.map(function (w) { return w[0] + ':' + w[1]; })), labels = this.labels, layer = this.labelLayer;
    labels.forEach(function (mk, id) { if (!keep.has(id)) { layer.removeLayer(mk); labels.delete(id); } });
    for (var w = 0; w < want.length; w++) {
      var wk = want[w], wid = wk[0] + ':' + wk[1];
      if (labels.has(wid)) { continue; }
      var r = wk[0] ? T[wk[1]] : P[wk[1]];
      var span = GC.el('span', 'gc-lab-' + (wk[0] ? 'town' : 'claimed') + ' gc-size-' + wk[2], r[0]);
      var mk = L.marker([r[3], r[4]], {
        icon: L.divIcon({ className: 'gc-label' + (wk[0] ? ' gc-label-town' : ''), html: span, iconSize: null,
          iconAnchor: [(wk[0] ? -5 : -10) - wk[3][0], 8 - wk[3][1]] }),
        pane: 'gcLabels', interactive: false, keyboard: false
      });
      mk.addTo(layer);
      mk.getElement().setAttribute(wk[0] ? 'data-town' : 'data-slug', wk[0] ? r[0] : r[9]);
      labels.set(wid, mk);
    }
    this.map.getContainer().setAttribute('data-gc-labels', String(labels.size));
  };
  App.prototype.buildLabels = function () {
    var self = this;
    this.map.createPane('gcLabels').style.zIndex = 550;   /* above the outlines, under the markers */
    this.labelLayer = L.layerGroup().addTo(this.map);
    this.labels = new Map();
    this.map.on('moveend', function () { self.updateLabels(); self.scheduleHash(); });
  };

  App.prototype.start = function () {
    var self = this, map = this.map;
    /* Leaflet's own controls join the layout: zoom at the top left, scale and attribution at the bottom */
    if (map.zoomControl) { GC.dock(map, map.zoomControl.getContainer(), 'left', 0); }
    var corners = map._controlContainer ? map._controlContainer.querySelectorAll('.leaflet-control-scale, .leaflet-control-attribution') : [];
    for (var i = 0; i < corners.length; i++) { GC.dock(map, corners[i], 'bottom', 90 + i); }
    this.drawBase();
    this.buildLabels();
    this.buildMarkers();
    this.fit();
    this.restyle(true);
    this._started = true;
    this.applyHash(location.hash);
    this.updateLabels();
    window.addEventListener('hashchange', function () {
      if (location.hash !== self.hashString()) { self.applyHash(location.hash); }
    });
    document.documentElement.setAttribute('data-gc-ready', '1');
  };
})();
