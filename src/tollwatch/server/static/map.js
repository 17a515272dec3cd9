// tollwatch: the facility map. Leaflet and Leaflet.markercluster are vendored (static/vendor);
// the data comes from /api/facilities.geojson and the Natural Earth layer from /static/basemap.
// Without this script the page still has the filters (server-side) and the table.
"use strict";

document.addEventListener("DOMContentLoaded", async () => {
  const el = document.getElementById("map");
  if (!el || !window.L) return;
  document.documentElement.classList.add("has-map-js");
  const [x0, y0, x1, y1] = el.dataset.bbox.split(",").map(Number);
  const bounds = L.latLngBounds([y0, x0], [y1, x1]);
  const map = L.map(el, { maxBounds: bounds.pad(0.5), minZoom: 5, maxZoom: 15, zoomSnap: 0.5,
    attributionControl: true, keyboard: true });
  map.attributionControl.setPrefix(false);
  map.fitBounds(bounds);
  window.tollwatchMap = map; // for the browser tests and the console

  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { attribution: "tiles as configured by the operator" }).addTo(map);
  }
  const get = async (url) => (await fetch(url, { credentials: "same-origin" })).json();
  const [base, data, places] = await Promise.all([get(el.dataset.basemap), get(el.dataset.geojson), get(el.dataset.places)]);
  L.geoJSON(base, {
    interactive: false,
    style: (f) => ({ color: f.properties.iso_a3 === "PRK" ? "#6d6554" : "#9c9686", weight: f.properties.iso_a3 === "PRK" ? 1.4 : 0.8,
      fillColor: f.properties.iso_a3 === "PRK" ? "#efe6d2" : "#f3f0e6", fillOpacity: 1 }),
  }).addTo(map);
  map.attributionControl.addAttribution("Natural Earth (public domain)");

  // Place names (Natural Earth populated places): the larger ones at country scale, all when zoomed in.
  const placeLabels = places.features.map((f) => {
    const [lon, lat] = f.geometry.coordinates;
    const label = L.marker([lat, lon], { interactive: false, keyboard: false, pane: "overlayPane",
      icon: L.divIcon({ className: `tw-place${f.properties.iso_a2 === "KP" ? " kp" : ""}`, iconSize: null,
        html: `<span class="dot"></span>${f.properties.name.replace(/[&<>"']/g, "")}` }) });
    label.rank = f.properties.rank;
    return label;
  });
  const places_ = L.layerGroup().addTo(map);
  const showPlaces = () => {
    const z = map.getZoom(), limit = z < 7 ? 8 : z < 8 ? 20 : z < 9 ? 40 : Infinity;
    places_.clearLayers();
    placeLabels.filter((m) => m.rank <= limit).forEach((m) => places_.addLayer(m));
  };
  map.on("zoomend", showPlaces);
  showPlaces();

  const clusters = L.markerClusterGroup({ maxClusterRadius: 36, showCoverageOnHover: false, spiderfyOnMaxZoom: true,
    iconCreateFunction: (c) => L.divIcon({ html: `<span>${c.getChildCount()}</span>`, className: "tw-cluster",
      iconSize: [34, 34] }) });
  const spreads = L.layerGroup();
  const byFacility = new Map();
  const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

  for (const f of data.features) {
    const p = f.properties;
    const entry = byFacility.get(p.id) || { markers: [], lines: [], props: p };
    byFacility.set(p.id, entry);
    const [lon, lat] = f.geometry.coordinates;
    if (p.role === "spread") {
      entry.lines.push(L.polyline(f.geometry.coordinates.map(([a, b]) => [b, a]),
        { className: "tw-spread", weight: 1.5, dashArray: "4 4", color: "#333", interactive: false }));
      continue;
    }
    const level = p.level.replace(" ", "-");
    const title = `${p.caption} — ${p.type}, ${p.status}; point ${p.primary ? "1" : "2+"} of ${p.points}` +
      `${p.source ? `, from ${p.source}` : ""}; confidence: ${p.confidence || "not stated"}`;
    const m = L.marker([lat, lon], {
      title, alt: title, keyboard: true, riseOnHover: true,
      icon: L.divIcon({ className: `tw-point type-${p.type} conf-${level}${p.primary ? "" : " alternate"}`,
        iconSize: p.primary ? [16, 16] : [12, 12], html: "" }),
    });
    m.facilityId = p.id;
    m.bindPopup(`<strong><a href="${esc(p.url)}">${esc(p.caption)}</a></strong><br>${esc(p.type)} · ${esc(p.status)}` +
      `<br>Point from ${esc(p.source || "an uncited source")}<br>Confidence: ${esc(p.confidence || "not stated")}`,
      { maxWidth: Math.min(300, el.clientWidth - 70), autoPanPadding: [40, 40] });
    m.bindTooltip(esc(p.caption), { direction: "right", offset: [8, 0] });
    entry.markers.push(m);
  }
  spreads.addTo(map);
  clusters.addTo(map);

  // Filters apply in place: markers, table rows and the count change; the page stays, focus stays.
  const form = document.getElementById("map-filters");
  const count = document.querySelector("#map-count [data-shown]");
  const apply = () => {
    const type = form.elements.type.value, status = form.elements.status.value;
    const keep = (t, s) => (!type || t === type) && (!status || s === status);
    clusters.clearLayers();
    spreads.clearLayers();
    for (const { markers, lines, props } of byFacility.values()) {
      if (!keep(props.type, props.status)) continue;
      clusters.addLayers(markers);
      lines.forEach((l) => spreads.addLayer(l));
    }
    let shown = 0;
    document.querySelectorAll("#facility-rows tbody tr, #unlocated li").forEach((row) => {
      row.hidden = !keep(row.dataset.type, row.dataset.status);
      if (!row.hidden && row.tagName === "TR") shown += 1;
    });
    if (count) count.textContent = String(shown);
    const q = new URLSearchParams(location.search);
    type ? q.set("type", type) : q.delete("type");
    status ? q.set("status", status) : q.delete("status");
    history.replaceState(null, "", `${location.pathname}${q.toString() ? `?${q}` : ""}${location.hash}`);
  };
  form.querySelectorAll("select").forEach((s) => s.addEventListener("change", apply));
  form.addEventListener("submit", (ev) => { ev.preventDefault(); apply(); });
  apply();

  // /map?focus=ID (the entity page's "Show on map"): centre on the facility and highlight it.
  const focus = el.dataset.focus && byFacility.get(el.dataset.focus);
  if (focus && focus.markers.length) {
    const first = focus.markers[0];
    const fit = L.latLngBounds(focus.markers.map((m) => m.getLatLng()));
    const done = () => {
      focus.markers.forEach((m) => m.getElement() && m.getElement().classList.add("highlight"));
      if (first.getElement()) first.getElement().focus({ preventScroll: true });
      first.closeTooltip();
      // Open once the cluster's zoom has settled, so the popup can pan itself into view.
      setTimeout(() => { first.openPopup(); el.dataset.focused = el.dataset.focus; }, 60);
    };
    map.setView(fit.getCenter(), Math.max(map.getZoom(), 9), { animate: false });
    clusters.zoomToShowLayer(first, done);
  } else if (el.dataset.focus) {
    el.dataset.focused = "";
  }
  el.dataset.ready = "1";
});
