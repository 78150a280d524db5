// The site's location on a Leaflet map (vendored Leaflet). Without Leaflet or without tiles, the page still works:
// the coordinates are also written out in text below the map.
//
// The tiles come from the server named by data-tile-url (settings.MAP_TILE_URL; none when empty). Each tile the
// browser loads tells that server which area is being looked at, so a sensitive site whose exact location the viewer
// may not see arrives here as its public point (data-approximate="true"): the map then shows the 0.1-degree cell
// around it, at a zoom that says no more.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var element = document.getElementById("site-map");
  if (!element || typeof window.L === "undefined") {
    return;
  }
  var point = [parseFloat(element.dataset.latitude), parseFloat(element.dataset.longitude)];
  var approximate = element.dataset.approximate === "true";
  var map = window.L.map(element);
  if (element.dataset.tileUrl) {
    window.L.tileLayer(element.dataset.tileUrl, {
      maxZoom: approximate ? 10 : 19,
      attribution: element.dataset.attribution,
    }).addTo(map);
  }
  if (approximate) {
    var half = 0.05;
    var cell = window.L.rectangle(
      [
        [point[0] - half, point[1] - half],
        [point[0] + half, point[1] + half],
      ],
      { weight: 1 }
    ).addTo(map);
    map.fitBounds(cell.getBounds());
    map.setMaxZoom(10);
  } else {
    map.setView(point, 13);
    window.L.marker(point, { title: element.dataset.name }).addTo(map);
  }
});
