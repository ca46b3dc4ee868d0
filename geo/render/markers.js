// The map page's marker code (geo/render/markers.py embeds it in every page). The
// __NAMES__ below are filled in by Python (markers.markers_js), from the constants the
// Python side uses too. Only escaped HTML, integers, #rrggbb colours and the constant glyph
// SVGs of geo.render.legend reach innerHTML; names go in as textContent.
//
// Time playback (playback.js) calls geoMarkersWindow(map, {lo, hi}): each marker then stands
// for its rows whose day (record key "d", days since 1970-01-01) lies in [lo, hi] - its
// count, size, bubble number and glyph follow them - and is left out when it has none;
// geoMarkersWindow(map, null) draws every marker as recorded again.
(function () {
    "use strict";
    // Markers of geo.render.markers' MarkerLayers, and their clustering: at each zoom, markers of
    // one layer (a party, or the places) and one kind that lie within CLUSTER_PX screen
    // pixels of each other are drawn as one cluster in the layer's colour. Markers sharing
    // one spot (drawn a few pixels apart) count as one unit: they are never clustered alone.
    // Country- or region-level markers ("fixed") and kinds not in CLUSTER_KINDS never are.
    var CLUSTER_PX = __CLUSTER_PX__;
    var MIXED_OUTLINE = "__MIXED_OUTLINE__";
    var CLUSTER_KINDS = __CLUSTER_KINDS__;
    // geo.records.EVENT_TYPES (record key "e" indexes it) and each one's badge
    // (geo.render.legend.event_glyph_html), set by geo.render.markers before this code runs
    var EVENTS = window.geoEventGlyphs || {types: [], glyphs: {}};
    var EVENT_TYPES = EVENTS.types, EVENT_GLYPHS = EVENTS.glyphs;
    var HEX = /^#[0-9a-fA-F]{6}$/;

    function radiusFor(count) {  // geo.render.styles.radius_for_count: area proportional to count
        if (count === null || count === undefined) { return 6; }
        return Math.round(Math.min(4 + 1.6 * Math.sqrt(Math.max(count, 0)), 30) * 10) / 10;
    }
    function shift(layer, dx, dy) {  // drawn dx, dy screen pixels off its coordinates
        if (dx || dy) {
            var project = layer._project;
            layer._project = function () {
                project.call(this);
                this._point = this._point.add(L.point(dx, dy));
                this._updateBounds();
            };
        }
        return layer;
    }
    function tag(layer, attrs) {
        layer.on("add", function () {
            var el = layer.getElement && layer.getElement();
            if (el) { Object.keys(attrs).forEach(function (k) { el.setAttribute(k, attrs[k]); }); }
        });
        return layer;
    }
    function textBlock(lines) {  // plain text only: never innerHTML
        var div = document.createElement("div");
        lines.forEach(function (line, k) {
            var p = document.createElement(k ? "div" : "b");
            p.textContent = line;
            div.appendChild(p);
        });
        return div;
    }
    function fmt(n) { return Number(n).toLocaleString("en-US"); }

    // --- what a marker stands for: all its rows, or those in the playback window ---------
    function commonest(m, rows) {  // the event type most of the rows have (EVENT_TYPES order)
        if (!m.e) { return null; }
        var counts = {}, best = null;
        rows.forEach(function (j) {
            var t = m.e[j];
            if (t === null || t === undefined || !EVENT_TYPES[t]) { return; }
            counts[t] = (counts[t] || 0) + 1;
            if (best === null || counts[t] > counts[best] || (counts[t] === counts[best] && t < best)) {
                best = t;
            }
        });
        return best === null ? null : EVENT_TYPES[best];
    }
    function allRows(m) {
        var rows = [];
        for (var j = 0; j < m.n; j++) { rows.push(j); }
        return rows;
    }
    function baseView(m) {  // the marker as recorded (no playback)
        return {n: m.n, c: m.c, radius: m.radius, all: true, vague: null,
                event: commonest(m, allRows(m))};
    }
    function windowView(m, win) {  // its rows in [win.lo, win.hi]; null when none is
        var rows = [];
        (m.d || []).forEach(function (day, j) {
            if (day !== null && day >= win.lo && day <= win.hi) { rows.push(j); }
        });
        if (!rows.length) { return null; }
        if (rows.length === m.n) { return baseView(m); }
        var view = {n: rows.length, c: m.c, radius: m.radius, all: false, vague: null,
                    event: commonest(m, rows)};
        if (m.k) {  // a casualty marker: geo.render.styles.aggregate_casualty_style
            var counts = rows.map(function (j) { return m.k[j]; })
                .filter(function (c) { return c !== null && c !== undefined; });
            view.c = counts.length ? counts.reduce(function (a, c) { return a + Math.max(c, 0); }, 0) : null;
            view.vague = rows.every(function (j) { return m.v && m.v[j]; });
            view.radius = rows.length === 1 && m.v && m.v[rows[0]] ? 6 : radiusFor(view.c);
        }
        return view;
    }
    function viewsOf(entry, win) {
        return entry.data.markers.map(function (m) { return win ? windowView(m, win) : baseView(m); });
    }

    function bubbleOf(m, n) {  // geo.render.styles.bubble_html, in the bubble's own colour
        var found = /background:(#[0-9a-fA-F]{6})/.exec(m.bubble);
        var color = found ? found[1] : "#555555";
        return n > 1
            ? '<div class="geo-bubble geo-bubble-n" style="background:' + color + '">' + n + "</div>"
            : '<div class="geo-bubble" style="background:' + color + '">\u201d</div>';
    }
    function glyphIcon(m, view) {  // the event type's badge at the circle's top right
        var r = view.radius * 0.72, size = 15;
        return L.divIcon({html: EVENT_GLYPHS[view.event], className: "geo-glyph-icon",
                          iconSize: [size, size],
                          iconAnchor: [size / 2 - (m.dx || 0) - r, size / 2 - (m.dy || 0) + r]});
    }
    function setItems(layer, n) {
        layer._geoItems = String(n);
        var el = layer.getElement && layer.getElement();
        if (el) { el.setAttribute("data-items", layer._geoItems); }
    }
    function applyView(made, data, m, view) {  // the marker drawn for ``view``
        var key = [view.n, view.radius, view.vague, view.all, view.event].join("|");
        var first = made.key === undefined;
        made.view = view;
        if (made.key === key) { return; }
        made.key = key;
        var marker = made.marker;
        if (!first || !view.all) {  // as made: nothing to change
            if (m.bubble) {
                var icon = marker.options.icon;
                icon.options.html = bubbleOf(m, view.n);
                if (marker._map) { marker.setIcon(icon); }
            } else if (marker.setRadius) {
                marker.setRadius(view.radius);
                if (m.k && !m.fixed) {  // dashed and pale only when every figure shown is vague
                    var base = data.styles[m.style];
                    var vague = view.all ? !!base.dashArray : view.vague;
                    marker.setStyle({dashArray: vague ? "3 3" : null,
                                     fillOpacity: view.all ? base.fillOpacity : (vague ? 0.3 : 0.65)});
                }
            }
            setItems(marker, view.n);
            if (m.tooltip) {  // escaped in Python; what playback adds is numbers only
                marker.setTooltipContent(view.all ? m.tooltip : m.tooltip + "<br><i>" + view.n
                    + " of " + m.n + " in the period shown</i>");
            }
        }
        if (view.event && EVENT_GLYPHS[view.event]) {
            if (made.glyph) { made.glyph.setIcon(glyphIcon(m, view)); } else {
                made.glyph = L.marker([m.lat, m.lon], {interactive: false, keyboard: false,
                                                       icon: glyphIcon(m, view)});
            }
        } else {
            made.glyph = null;
        }
    }
    function playbackNote(map, m, view) {  // the popup lists every row: say which are shown
        var win = map._geoWindow;
        if (!win || !view || view.all) { return ""; }
        return view.n + " of " + m.n + (m.n === 1 ? " item" : " items") + " fall in "
               + (win.label || "the period shown") + "; the list covers every date.";
    }

    function makeMarker(entry, i) {  // one marker as before clustering
        var data = entry.data, m = data.markers[i], marker;
        if (m.bubble) {  // a claim: the bubble's tail on the spot, shifted by dx, dy
            marker = L.marker([m.lat, m.lon], {icon: L.divIcon({
                html: m.bubble, iconSize: [19, 17], iconAnchor: [1 - m.dx, 17 - m.dy],
                popupAnchor: [8 + m.dx, -16 + m.dy], className: m.className})});
        } else {
            marker = shift(L.circleMarker([m.lat, m.lon], Object.assign(
                {radius: m.radius, className: m.className}, data.styles[m.style])), m.dx, m.dy);
        }
        var div = null, note = null, body = null;  // built on the first opening, then kept
        marker.bindPopup(function () {
            if (div) {
                note.textContent = playbackNote(entry.map, m, made.view);
                return div;
            }
            div = document.createElement("div");
            div.className = "geo-popup";
            note = div.appendChild(document.createElement("div"));
            note.className = "geo-playback-note";
            note.textContent = playbackNote(entry.map, m, made.view);
            body = div.appendChild(document.createElement("div"));
            if (m.popup !== undefined) {
                body.innerHTML = m.popup;  // escaped in Python
            } else {  // popups fetched apart (ExternalPopups), after the first paint
                body.textContent = "Loading\u2026";
                window.geoPopups.then(function (all) {
                    body.innerHTML = all[m.popupIndex];
                    var popup = marker.getPopup();
                    // update() asks for the content again: it gets this same div
                    if (popup && popup.isOpen()) { popup.update(); }
                }, function () { body.textContent = "Popup unavailable: reload the page"; });
            }
            return div;
        }, {maxWidth: 360, maxHeight: 360});
        if (m.tooltip) { marker.bindTooltip(m.tooltip, {sticky: true}); }
        marker._geoItems = String(m.n);
        marker.on("add", function () {
            var el = marker.getElement && marker.getElement();
            if (el) { el.setAttribute("data-items", marker._geoItems); }
        });
        var made = {marker: marker, glyph: null, view: null};
        return made;
    }

    function zoomTo(map, bounds) {  // a cluster clicked: zoom in until it splits
        var max = map.getMaxZoom();
        var zoom = Math.min(map.getBoundsZoom(bounds, false, L.point(120, 120)), max);
        if (zoom <= map.getZoom()) { zoom = Math.min(map.getZoom() + 1, max); }
        map.setView(bounds.getCenter(), zoom);
    }

    function makeCluster(entry, kind, units) {
        var data = entry.data, info = data.layer, map = entry.map;
        var first = data.markers[units[0].idx[0]];  // the heaviest unit's: the cluster's spot
        var dx = first.dx || 0, dy = first.dy || 0;
        var color = HEX.test(info.color) ? info.color : "#555555";
        var nMarkers = 0, nItems = 0, sum = null, outline = null, mixed = false, totals = {};
        var bounds = L.latLngBounds([]);
        units.forEach(function (u) {
            bounds.extend([u.lat, u.lon]);
            u.idx.forEach(function (i) {
                var m = data.markers[i], view = entry.views[i];
                nMarkers += 1;
                nItems += view.n;
                if (kind !== "casualty") { return; }
                var line = data.styles[m.style].color;
                if (outline === null) { outline = line; } else if (outline !== line) { mixed = true; }
                if (view.c !== null && view.c !== undefined) {
                    sum = (sum || 0) + view.c;
                    totals[m.o] = (totals[m.o] || 0) + view.c;
                }
            });
        });
        var cls = "geo-cluster geo-cluster-" + kind + (info.slug ? " party-" + info.slug : "");
        var lines, layers = [], marker;
        if (kind === "casualty") {
            var parts = Object.keys(totals).sort(function (a, b) {
                return (b === "killed") - (a === "killed") || totals[b] - totals[a]; })
                .map(function (o) { return fmt(totals[o]) + " " + o; });
            lines = [info.name + " (victims' side): " + fmt(nMarkers) + " markers grouped",
                     fmt(nItems) + " figure" + (nItems === 1 ? "" : "s") + ": "
                     + (parts.join(", ") || "no numbers given")];
        } else if (kind === "claim") {
            lines = ["Claims by " + info.name + ": " + fmt(nMarkers) + " markers grouped",
                     fmt(nItems) + " claim" + (nItems === 1 ? "" : "s")];
        } else {
            lines = [fmt(nMarkers) + " places grouped",
                     fmt(nItems) + " mention" + (nItems === 1 ? "" : "s")];
        }
        lines.push("Click to zoom in");
        if (kind === "claim") {
            var width = 13 + 6 * String(nMarkers).length;
            marker = L.marker([first.lat, first.lon], {icon: L.divIcon({
                html: '<div class="geo-bubble geo-bubble-n geo-bubble-cluster" style="background:'
                      + color + '">' + nMarkers + "</div>",
                iconSize: [width, 19], iconAnchor: [1 - dx, 19 - dy], className: cls})});
        } else {
            var style = kind === "casualty"
                ? {radius: radiusFor(sum), color: mixed ? MIXED_OUTLINE : outline, weight: 2.5,
                   fillColor: color, fillOpacity: sum === null ? 0.3 : 0.65,
                   dashArray: sum === null ? "3 3" : null}
                : {radius: Math.min(5 + 1.2 * Math.sqrt(nMarkers), 12), color: "#ffffff",
                   weight: 1.5, fillColor: color, fillOpacity: 0.9};
            marker = shift(L.circleMarker([first.lat, first.lon],
                                          Object.assign({className: cls}, style)), dx, dy);
            var w = 6 + 7 * String(nMarkers).length;
            layers.push(L.marker([first.lat, first.lon], {interactive: false, keyboard: false,
                icon: L.divIcon({className: "geo-cluster-label", html: String(nMarkers),
                                 iconSize: [w, 14], iconAnchor: [w / 2 - dx, 7 - dy]})}));
        }
        marker.bindTooltip(textBlock(lines), {sticky: true});
        marker.on("click", function (e) {
            if (e.originalEvent) { L.DomEvent.stop(e.originalEvent); }
            zoomTo(map, bounds);
        });
        tag(marker, {"data-items": String(nItems), "data-markers": String(nMarkers)});
        layers.unshift(marker);  // the label after its circle
        return layers;
    }

    // A cluster already made for the same markers, standing for the same rows, is reused:
    // a playback step then adds and removes only the clusters it changes (adding thousands
    // of layers to a map is what costs)
    function clusterOf(entry, kind, units, zoom) {
        var sig = [zoom, kind];
        units.forEach(function (u) {
            u.idx.forEach(function (i) {
                var v = entry.views[i];
                sig.push(i + ":" + v.n + ":" + v.c);
            });
        });
        sig = sig.join(",");
        var cache = entry.clusters || (entry.clusters = {size: 0, made: {}});
        if (!cache.made[sig]) {
            if (cache.size > 20000) { cache.size = 0; cache.made = {}; }
            cache.made[sig] = makeCluster(entry, kind, units);
            cache.size += 1;
        }
        return cache.made[sig];
    }

    function layersAt(entry, zoom) {  // what the layer draws at this zoom
        var map = entry.map, cells = {}, centres = [], out = [];
        entry.units.forEach(function (u) {  // heaviest first: they become the centres
            if (u.fixed) { centres.push({units: [u]}); return; }
            var p = map.project([u.lat, u.lon], zoom);
            var cx = Math.floor(p.x / CLUSTER_PX), cy = Math.floor(p.y / CLUSTER_PX);
            var best = null, bestD = CLUSTER_PX * CLUSTER_PX;
            for (var i = -1; i <= 1; i++) {
                for (var j = -1; j <= 1; j++) {
                    (cells[u.kind + ":" + (cx + i) + ":" + (cy + j)] || []).forEach(function (c) {
                        var d = c.p.distanceTo(p);
                        if (d * d <= bestD) { best = c; bestD = d * d; }
                    });
                }
            }
            if (best) { best.units.push(u); return; }
            var c = {p: p, kind: u.kind, units: [u]};
            var key = u.kind + ":" + cx + ":" + cy;
            (cells[key] = cells[key] || []).push(c);
            centres.push(c);
        });
        centres.forEach(function (c) {
            if (c.units.length > 1) {
                out.push.apply(out, clusterOf(entry, c.units[0].kind, c.units, zoom));
            } else {
                c.units[0].idx.forEach(function (i) {
                    var made = entry.made[i] = entry.made[i] || makeMarker(entry, i);
                    applyView(made, entry.data, entry.data.markers[i], entry.views[i]);
                    out.push(made.marker);
                    if (made.glyph) { out.push(made.glyph); }
                });
            }
        });
        // biggest circles first: smaller ones are drawn over them
        return out.map(function (l, k) { return [l, k]; }).sort(function (a, b) {
            return ((b[0].options.radius || 0) - (a[0].options.radius || 0)) || a[1] - b[1];
        }).map(function (lk) { return lk[0]; });
    }

    function show(entry, zoom) {
        var next = entry.byZoom[zoom] || (entry.byZoom[zoom] = layersAt(entry, zoom));
        var keep = {};
        next.forEach(function (l) { keep[L.stamp(l)] = true; });
        entry.shown.forEach(function (l) { if (!keep[L.stamp(l)]) { entry.group.removeLayer(l); } });
        next.forEach(function (l) { if (!entry.group.hasLayer(l)) { entry.group.addLayer(l); } });
        entry.shown = next;
    }

    function render(map) {
        var zoom = map.getZoom(), circles = [];
        map._geoLayers.forEach(function (entry) { show(entry, zoom); });
        // across layers too: a big figure never hides a small one of another party
        map._geoLayers.forEach(function (entry) {
            entry.shown.forEach(function (l) { if (l.getRadius && l._map) { circles.push(l); } });
        });
        if (map._geoLayers.length > 1 || map._geoRendered) {  // one layer: already in order
            circles.sort(function (a, b) { return b.getRadius() - a.getRadius(); })
                .forEach(function (l) { l.bringToFront(); });
        }
        map._geoRendered = true;
        map.fire("geoclustered", {zoom: zoom});
    }

    // A layer's markers shown for ``win`` (null: all), grouped into units (one spot, one kind)
    function unitsOf(entry, win) {
        var data = entry.data, units = [], bySpot = {};
        entry.views = viewsOf(entry, win);
        data.markers.forEach(function (m, i) {
            var view = entry.views[i];
            if (!view) { return; }
            var kind = m.bubble ? "claim" : (data.layer.places ? "place" : "casualty");
            var id = kind + (m.spot !== undefined ? ":s" + m.spot : ":i" + i);
            var u = bySpot[id];
            if (!u) {
                u = bySpot[id] = {kind: kind, lat: m.lat, lon: m.lon, idx: [], n: 0, c: 0,
                                  fixed: false};
                units.push(u);
            }
            u.idx.push(i);
            u.n += view.n;
            u.c += view.c || 0;
            u.fixed = u.fixed || !!m.fixed || CLUSTER_KINDS.indexOf(kind) < 0;
        });
        units.forEach(function (u, k) { u.order = k; u.w = u.kind === "casualty" ? u.c : u.n; });
        units.sort(function (a, b) { return b.w - a.w || b.n - a.n || a.order - b.order; });
        return units;
    }

    // Called by each MarkerLayer
    window.geoMarkerLayer = function (map, group, key) {
        var data = JSON.parse(window.geoMarkerData[key]);
        var entry = {map: map, group: group, data: data, made: [], shown: [], byZoom: {}};
        entry.units = unitsOf(entry, null);
        (map._geoLayers = map._geoLayers || []).push(entry);
        if (!map._geoPending) {  // in case no geoMarkersStart follows
            map._geoPending = true;
            setTimeout(function () { window.geoMarkersStart(map); }, 0);
        }
        return entry;
    };
    // Once the layers are made and the view is set: draw, and again after every zoom
    window.geoMarkersStart = function (map) {
        if (map._geoStarted) { return; }
        map._geoStarted = true;
        render(map);
        map.on("zoomend", function () { render(map); });
    };
    // Time playback: show only the rows dated lo..hi (days since 1970-01-01; ``label`` is
    // what popups call the period), or every marker as recorded (null). Returns how many
    // rows are shown.
    window.geoMarkersWindow = function (map, win) {
        var shown = 0;
        map._geoWindow = win || null;
        (map._geoLayers || []).forEach(function (entry) {
            entry.units = unitsOf(entry, map._geoWindow);
            entry.byZoom = {};

            entry.views.forEach(function (v) { if (v) { shown += v.n; } });
        });
        if (map._geoStarted) {
            render(map);
            if (!map._geoWindow) {  // markers and labels stacked as first drawn (circles are)
                map._geoLayers.forEach(function (entry) {
                    entry.shown.forEach(function (l) {
                        if (l._icon && l._icon.parentNode) { l._icon.parentNode.appendChild(l._icon); }
                    });
                });
            }
        }
        map.fire("geowindow", {window: map._geoWindow, shown: shown});
        return shown;
    };
    // The days the map's rows carry: {first, last, dated, undated} (first/last null when
    // none is dated), for the playback control
    window.geoMarkersDays = function (map) {
        var out = {first: null, last: null, dated: 0, undated: 0};
        (map._geoLayers || []).forEach(function (entry) {
            entry.data.markers.forEach(function (m) {
                for (var j = 0; j < m.n; j++) {
                    var day = m.d ? m.d[j] : null;
                    if (day === null || day === undefined) { out.undated += 1; continue; }
                    out.dated += 1;
                    if (out.first === null || day < out.first) { out.first = day; }
                    if (out.last === null || day > out.last) { out.last = day; }
                }
            });
        });
        return out;
    };
})();
