// Place labels under the markers (geo/render/labels.py decides which label shows at which
// zoom; the __NAMES__ below are filled in from its constants). Each row is
// [lat, lon, name, kind, mask]: shown when bit floor(zoom) of mask is set and it lies near
// the view. Names go in as textContent, never as HTML; the labels take no pointer events.
(function () {
    "use strict";
    var KINDS = __KINDS__;
    var MAX_ZOOM = __MAX_ZOOM__;
    window.geoLabelData = window.geoLabelData || {};
    window.geoLabels = function (map, sources, credit) {
        var pane = map.getPane("geo-labels") || map.createPane("geo-labels");
        pane.style.zIndex = __PANE_Z__;
        pane.style.pointerEvents = "none";
        var rows = [], shown = [], layer = L.layerGroup().addTo(map);

        function label(row) {
            var text = document.createElement("span");
            text.className = "geo-label-text";
            text.textContent = String(row[2]);
            return L.marker([row[0], row[1]], {
                pane: "geo-labels", interactive: false, keyboard: false,
                icon: L.divIcon({className: "geo-label geo-label-" + KINDS[row[3]],
                                 html: text, iconSize: null})});
        }
        function refresh() {
            var z = Math.min(MAX_ZOOM, Math.floor(map.getZoom() + 1e-6));
            var view = map.getBounds().pad(0.3);
            for (var i = 0; i < rows.length; i++) {
                var row = rows[i];
                var want = z >= 0 && ((row[4] >> z) & 1) === 1 &&
                    view.contains([row[0], row[1]]);
                if (want && !shown[i]) {
                    shown[i] = label(row);
                    layer.addLayer(shown[i]);
                } else if (!want && shown[i]) {
                    layer.removeLayer(shown[i]);
                    shown[i] = null;
                }
            }
            map.getContainer().setAttribute("data-labels-shown", layer.getLayers().length);
        }
        function add(more) {
            if (Array.isArray(more)) { rows = rows.concat(more); refresh(); }
        }
        map.on("zoomend moveend", refresh);
        if (credit && map.attributionControl) { map.attributionControl.addAttribution(credit); }
        (sources || []).forEach(function (source) {
            if (source.key) {
                add(window.geoLabelData[source.key]);
            } else if (source.url) {  // the dashboard's world layer, a static file
                fetch(source.url).then(function (r) { return r.ok ? r.json() : []; })
                    .then(add).catch(function () { /* no labels: the map still works */ });
            }
        });
    };
})();
