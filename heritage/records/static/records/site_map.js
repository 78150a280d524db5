// The site's location on a Leaflet map (vendored Leaflet). Without Leaflet or without tiles, the page still works:
// the coordinates are also written out in text below the map.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var element = document.getElementById("site-map");
  if (!element || typeof window.L === "undefined") {
    return;
  }
  var point = [parseFloat(element.dataset.latitude), parseFloat(element.dataset.longitude)];
  var map = window.L.map(element).setView(point, 13);
  window.L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 19,
    attribution: "&copy; OpenStreetMap contributors",
  }).addTo(map);
  window.L.marker(point, { title: element.dataset.name }).addTo(map);
});
