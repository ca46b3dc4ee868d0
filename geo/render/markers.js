// The map page's marker code (geo/render/markers.py embeds it in every page). The three
// __NAMES__ below are filled in by Python (markers.markers_js), from the constants the
// Python side uses too. Only escaped HTML, integers and #rrggbb colours reach innerHTML;
// names go in as textContent.
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

    function makeMarker(data, m) {  // one marker as before clustering
        var marker;
        if (m.bubble) {  // a claim: the bubble's tail on the spot, shifted by dx, dy
            marker = L.marker([m.lat, m.lon], {icon: L.divIcon({
                html: m.bubble, iconSize: [19, 17], iconAnchor: [1 - m.dx, 17 - m.dy],
                popupAnchor: [8 + m.dx, -16 + m.dy], className: m.className})});
        } else {
            marker = shift(L.circleMarker([m.lat, m.lon], Object.assign(
                {radius: m.radius, className: m.className}, data.styles[m.style])), m.dx, m.dy);
        }
        var div = null;  // built on the first opening, then kept
        marker.bindPopup(function () {
            if (div) { return div; }
            div = document.createElement("div");
            div.className = "geo-popup";
            if (m.popup !== undefined) {
                div.innerHTML = m.popup;  // escaped in Python
            } else {  // popups fetched apart (ExternalPopups), after the first paint
                div.textContent = "Loading\u2026";
                window.geoPopups.then(function (all) {
                    div.innerHTML = all[m.popupIndex];
                    var popup = marker.getPopup();
                    // update() asks for the content again: it gets this same div
                    if (popup && popup.isOpen()) { popup.update(); }
                }, function () { div.textContent = "Popup unavailable: reload the page"; });
            }
            return div;
        }, {maxWidth: 360, maxHeight: 360});
        if (m.tooltip) { marker.bindTooltip(m.tooltip, {sticky: true}); }
        return tag(marker, {"data-items": String(m.n)});
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
                var m = data.markers[i];
                nMarkers += 1;
                nItems += m.n;
                if (kind !== "casualty") { return; }
                var line = data.styles[m.style].color;
                if (outline === null) { outline = line; } else if (outline !== line) { mixed = true; }
                if (m.c !== null && m.c !== undefined) {
                    sum = (sum || 0) + m.c;
                    totals[m.o] = (totals[m.o] || 0) + m.c;
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
                out.push.apply(out, makeCluster(entry, c.units[0].kind, c.units));
            } else {
                c.units[0].idx.forEach(function (i) {
                    entry.made[i] = entry.made[i] || makeMarker(entry.data, entry.data.markers[i]);
                    out.push(entry.made[i]);
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

    // Called by each MarkerLayer: its markers, grouped into units (one spot, one kind)
    window.geoMarkerLayer = function (map, group, key) {
        var data = JSON.parse(window.geoMarkerData[key]);
        var units = [], bySpot = {};
        data.markers.forEach(function (m, i) {
            var kind = m.bubble ? "claim" : (data.layer.places ? "place" : "casualty");
            var id = kind + (m.spot !== undefined ? ":s" + m.spot : ":i" + i);
            var u = bySpot[id];
            if (!u) {
                u = bySpot[id] = {kind: kind, lat: m.lat, lon: m.lon, idx: [], n: 0, c: 0,
                                  fixed: false};
                units.push(u);
            }
            u.idx.push(i);
            u.n += m.n;
            u.c += m.c || 0;
            u.fixed = u.fixed || !!m.fixed || CLUSTER_KINDS.indexOf(kind) < 0;
        });
        units.forEach(function (u, k) { u.order = k; u.w = u.kind === "casualty" ? u.c : u.n; });
        units.sort(function (a, b) { return b.w - a.w || b.n - a.n || a.order - b.order; });
        var entry = {map: map, group: group, data: data, units: units, made: [], shown: [],
                     byZoom: {}};
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
})();
