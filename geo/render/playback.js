// Time playback on the map (geo/render/playback.py adds it to the page): a control that
// steps the markers through days, weeks or months - everything up to the current period
// (cumulative) or the current period alone - with play/pause, a step back and forward, a
// slider and a date label. It only asks markers.js to show the rows of a period
// (geoMarkersWindow); reset draws the map as it was. Built with DOM calls and
// addEventListener: no inline handler, no HTML from the data (dates are numbers).
(function () {
    "use strict";
    var DAY_MS = 86400000;
    var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                  "Dec"];
    var SPEEDS = [["2000", "slow"], ["1000", "normal"], ["400", "fast"]];

    function utc(day) { return new Date(day * DAY_MS); }
    function dayOf(date) { return Math.round(date.getTime() / DAY_MS); }
    function human(day, withYear) {
        var d = utc(day);
        return d.getUTCDate() + " " + MONTHS[d.getUTCMonth()]
               + (withYear === false ? "" : " " + d.getUTCFullYear());
    }
    function span(lo, hi) {  // "12 - 18 Oct 2020", "28 Sep - 4 Oct 2020", "Oct 2020"
        if (lo === hi) { return human(lo); }
        var a = utc(lo), b = utc(hi);
        if (a.getUTCDate() === 1 && dayOf(new Date(Date.UTC(b.getUTCFullYear(),
                b.getUTCMonth() + 1, 1))) === hi + 1 && a.getUTCMonth() === b.getUTCMonth()) {
            return MONTHS[a.getUTCMonth()] + " " + a.getUTCFullYear();
        }
        var sameYear = a.getUTCFullYear() === b.getUTCFullYear();
        var head = sameYear && a.getUTCMonth() === b.getUTCMonth()
            ? String(a.getUTCDate()) : human(lo, !sameYear);
        return head + " \u2013 " + human(hi);
    }

    // The periods [lo, hi] (days since 1970-01-01) from first to last: days, weeks from
    // Monday, or calendar months
    function periods(first, last, step) {
        var out = [], lo;
        if (step === "month") {
            var d = utc(first), y = d.getUTCFullYear(), m = d.getUTCMonth();
            for (lo = dayOf(new Date(Date.UTC(y, m, 1))); lo <= last;) {
                m += 1;
                var next = dayOf(new Date(Date.UTC(y, m, 1)));
                out.push([lo, next - 1]);
                lo = next;
            }
            return out;
        }
        var length = step === "week" ? 7 : 1;
        // 1 Jan 1970 was a Thursday: (day + 3) % 7 is 0 on Mondays
        lo = step === "week" ? first - ((first + 3) % 7 + 7) % 7 : first;
        for (; lo <= last; lo += length) { out.push([lo, lo + length - 1]); }
        return out;
    }

    function el(tag, cls, parent, text) {
        var node = document.createElement(tag);
        if (cls) { node.className = cls; }
        if (text !== undefined) { node.textContent = text; }
        if (parent) { parent.appendChild(node); }
        return node;
    }
    function button(parent, cls, text, title) {
        var b = el("button", "geo-pb-button " + cls, parent, text);
        b.type = "button";
        b.title = title;
        b.setAttribute("aria-label", title);
        return b;
    }
    function select(parent, cls, label, options, value) {
        var wrap = el("label", "geo-pb-field", parent, label + " ");
        var s = el("select", cls, wrap);
        options.forEach(function (o) {
            var opt = el("option", "", s, o[1]);
            opt.value = o[0];
        });
        s.value = value;
        return s;
    }

    window.geoPlayback = function (map, options) {
        var days = window.geoMarkersDays ? window.geoMarkersDays(map) : {first: null};
        if (days.first === null) { return null; }  // nothing dated: nothing to play
        var state = {step: options.step || "day", mode: options.mode || "cumulative",
                     ms: options.ms || 1000, index: -1, timer: null, list: []};
        var ui = {};
        var control = L.control({position: options.position || "bottomleft"});

        function setState(name) {
            ui.box.setAttribute("data-state", name);
            ui.play.textContent = name === "playing" ? "\u275a\u275a Pause" : "\u25b6 Play";
            ui.play.setAttribute("aria-label", name === "playing" ? "Pause" : "Play");
            ui.play.title = ui.play.getAttribute("aria-label");
        }
        function windowOf(index) {
            var p = state.list[index];
            var lo = state.mode === "cumulative" ? -Infinity : p[0];
            var label = state.mode === "cumulative" ? "everything up to " + human(p[1])
                                                    : span(p[0], p[1]);
            return {lo: lo, hi: p[1], label: label};
        }
        function show() {  // the map and the label for state.index (-1: playback off)
            ui.scrub.max = String(Math.max(state.list.length - 1, 0));
            // the provinces' shading (areas.py) sums every date: faded while playing
            var areas = !!map.getPane("geo-areas");
            L.DomUtil[state.index < 0 ? "removeClass" : "addClass"](map.getContainer(),
                                                                     "geo-playback-on");
            ui.areas.textContent = areas && state.index >= 0
                ? "province shading: all dates, faded during playback" : "";
            if (state.index < 0) {
                if (map._geoWindow) { window.geoMarkersWindow(map, null); }
                ui.scrub.value = ui.scrub.max;
                ui.label.textContent = "All dates: " + span(days.first, days.last);
                ui.count.textContent = "playback off: press play or drag the slider";
                ui.box.setAttribute("data-index", "-1");
                return;
            }
            var win = windowOf(state.index);
            var shown = window.geoMarkersWindow(map, win);
            ui.scrub.value = String(state.index);
            ui.label.textContent = state.mode === "cumulative"
                ? "Up to " + human(win.hi) : span(state.list[state.index][0], win.hi);
            var p = state.list[state.index];
            ui.count.textContent = "step " + (state.index + 1) + " of " + state.list.length
                + (state.mode === "cumulative" && p[0] !== p[1] ? " (" + span(p[0], p[1]) + ")" : "")
                + " \u00b7 " + shown + (shown === 1 ? " item" : " items") + " shown";
            ui.box.setAttribute("data-index", String(state.index));
        }
        function pause() {
            if (state.timer !== null) { clearInterval(state.timer); state.timer = null; }
            setState(state.index < 0 ? "off" : "paused");
        }
        function go(index) {
            state.index = Math.max(0, Math.min(index, state.list.length - 1));
            show();
        }
        function tick() {
            if (state.index >= state.list.length - 1) { pause(); return; }
            go(state.index + 1);
            if (state.index >= state.list.length - 1) { pause(); }
        }
        function play() {
            if (state.index < 0 || state.index >= state.list.length - 1) { go(0); }
            setState("playing");
            state.timer = setInterval(tick, state.ms);
        }
        function relist(keep) {  // the periods for the step chosen, at the same date
            var at = state.index >= 0 ? state.list[state.index][1] : null;
            state.list = periods(days.first, days.last, state.step);
            if (keep && at !== null) {
                var k = 0;
                while (k < state.list.length - 1 && state.list[k][1] < at) { k += 1; }
                state.index = k;
            }
        }

        control.onAdd = function () {
            var box = ui.box = el("div", "geo-playback");
            box.setAttribute("role", "group");
            box.setAttribute("aria-label", "Time playback");
            var head = el("div", "geo-pb-row", box);
            el("b", "geo-pb-title", head, "Time playback");
            var row = el("div", "geo-pb-row", box);
            ui.play = button(row, "geo-play", "\u25b6 Play", "Play");
            ui.back = button(row, "geo-back", "\u2039", "Step back");
            ui.forward = button(row, "geo-forward", "\u203a", "Step forward");
            ui.reset = button(row, "geo-reset", "\u21ba", "Stop and show all dates");
            ui.step = select(row, "geo-step", "by", [["day", "day"], ["week", "week"],
                                                     ["month", "month"]], state.step);
            ui.scrub = el("input", "geo-scrub", box);
            ui.scrub.type = "range";
            ui.scrub.min = "0";
            ui.scrub.step = "1";
            ui.scrub.setAttribute("aria-label", "Period shown");
            ui.label = el("div", "geo-playback-label", box);
            ui.label.setAttribute("aria-live", "polite");
            ui.count = el("div", "geo-pb-count", box);
            var opts = el("div", "geo-pb-row", box);
            ui.mode = select(opts, "geo-mode", "show", [["cumulative", "all up to date"],
                                                       ["period", "this period only"]],
                             state.mode);
            ui.speed = select(opts, "geo-speed", "speed", SPEEDS, String(state.ms));
            if (ui.speed.value !== String(state.ms)) { ui.speed.value = "1000"; }
            ui.areas = el("div", "geo-pb-areas", box);
            if (days.undated) {
                el("div", "geo-playback-undated", box, days.undated + " item"
                   + (days.undated === 1 ? "" : "s") + " without a date not shown during playback");
            }

            ui.play.addEventListener("click", function () {
                if (state.timer !== null) { pause(); } else { play(); }
            });
            ui.back.addEventListener("click", function () {
                pause(); go(state.index < 0 ? state.list.length - 1 : state.index - 1); pause();
            });
            ui.forward.addEventListener("click", function () {
                pause(); go(state.index + 1); pause();
            });
            ui.reset.addEventListener("click", function () {
                state.index = -1; pause(); show();
            });
            ui.scrub.addEventListener("input", function () {
                pause(); go(parseInt(ui.scrub.value, 10) || 0); pause();
            });
            ui.step.addEventListener("change", function () {
                state.step = ui.step.value;
                relist(true);
                show();
            });
            ui.mode.addEventListener("change", function () {
                state.mode = ui.mode.value;
                if (state.index >= 0) { show(); }
            });
            ui.speed.addEventListener("change", function () {
                state.ms = parseInt(ui.speed.value, 10) || 1000;
                if (state.timer !== null) { pause(); play(); }
            });
            L.DomEvent.disableClickPropagation(box);
            L.DomEvent.disableScrollPropagation(box);
            relist(false);
            setState("off");
            show();
            return box;
        };
        control.onRemove = function () { pause(); };
        control.addTo(map);
        return control;
    };
})();
