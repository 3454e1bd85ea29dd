// Draws a folium map in the page itself (a Streamlit v2 component: no iframe).
//
// Leaflet and its plugins are loaded once per browser tab and stay loaded across page switches;
// a map is built once per base script and kept on its element, so a rerun that changes only the
// layers or the view swaps those in place. The scripts are folium's own output, rendered on the
// server from escaped text (ecology/maps/leaflet.py, escape_for_map).

const loading = new Map(); // url -> Promise, shared by every map in the tab
const drawn = new WeakMap(); // parentElement -> {base, map, layers, layerScript, view, box, wanted, calls}

function loadScript(url) {
  if (!loading.has(url)) {
    loading.set(url, new Promise((resolve, reject) => {
      const tag = document.createElement("script");
      tag.src = url;
      tag.async = false;
      tag.onload = resolve;
      tag.onerror = () => { loading.delete(url); reject(new Error(`could not load ${url}`)); };
      document.head.appendChild(tag);
    }));
  }
  return loading.get(url);
}

function loadStyle(url) {
  if (!loading.has(url)) {
    loading.set(url, new Promise((resolve) => {
      const tag = document.createElement("link");
      tag.rel = "stylesheet";
      tag.href = url;
      tag.onload = resolve;
      tag.onerror = resolve; // a missing stylesheet leaves the map plain, not blank
      document.head.appendChild(tag);
    }));
  }
  return loading.get(url);
}

async function loadAssets(jsLinks, cssLinks) {
  const styles = Promise.all(cssLinks.map(loadStyle));
  for (const url of jsLinks) await loadScript(url); // in order: plugins need Leaflet first
  await styles;
}

// folium names the map "map_div" (streamlit-folium's convention); here it is built on the given
// element, and the script's names stay local to one call. The script fits the map to England; that
// fit is made without an animation, which would otherwise finish after (and undo) the view set next.
function buildBase(script, element) {
  const placed = script.replace(/L\.map\(\s*"map_div"/, "L.map(mapElement");
  const quiet = Object.create(window.L);
  quiet.map = (target, options) => {
    const map = window.L.map(target, options);
    map.fitBounds = (bounds, fit) => window.L.Map.prototype.fitBounds.call(map, bounds, {...fit, animate: false});
    return map;
  };
  const map = new Function("L", "mapElement", "window", `${placed}\n;return map_div;`)(quiet, element, {});
  delete map.fitBounds;
  return map;
}

function addLayers(map, script) {
  const scope = {feature_group: []};
  new Function("L", "map_div", "window", script)(window.L, map, scope);
  return scope.feature_group;
}

function forget(state) {
  if (state.resized) state.resized.disconnect();
  if (state.map) state.map.remove();
  state.box.remove();
}

function sameView(a, b) {
  return a && b && a.zoom === b.zoom && JSON.stringify(a.center) === JSON.stringify(b.center);
}

export default function draw({data, parentElement}) {
  let state = drawn.get(parentElement);
  if (state && state.base !== data.script) {
    forget(state);
    state = undefined;
  }
  if (!state) {
    const box = document.createElement("div");
    box.className = "eco-map";
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", data.label);
    box.style.height = `${data.height}px`;
    parentElement.appendChild(box);
    state = {base: data.script, map: null, layers: [], layerScript: null, view: null, box, calls: 0};
    drawn.set(parentElement, state);
    state.ready = loadAssets(data.js_links, data.css_links).then(() => {
      if (drawn.get(parentElement) !== state) return;
      // The app's shapes are already simplified for the screen, and a map of England shows most of
      // them whole: Leaflet's clipping to the view (every ring cut four times at each zoom) costs
      // more than drawing the few that run off it.
      window.L.Polyline.mergeOptions({noClip: true});
      state.map = buildBase(data.script, box);
      box.leafletMap = state.map; // for scripts and tests that need the map itself
      // Leaflet measures its element when built and on window resizes only; the page's layout
      // (a column, the sidebar opening) resizes the element without one.
      state.resized = new ResizeObserver(() => state.map.invalidateSize({pan: false}));
      state.resized.observe(box);
    });
  }
  state.wanted = data;
  const call = ++state.calls;
  state.ready.then(() => {
    if (drawn.get(parentElement) !== state || state.wanted !== data) return; // a newer rerun applies
    const map = state.map;
    const view = data.center ? {center: data.center, zoom: data.zoom} : null;
    const moving = view && !sameView(view, state.view);
    const glide = state.view !== null;
    // A map just built opens at its view before its layers are drawn, so they are drawn once (a
    // zoom after would project and clip every shape again); a later change of place glides there.
    if (moving && !glide) map.setView(view.center, view.zoom, {animate: false});
    if (data.layers !== state.layerScript) {
      state.layers.forEach((layer) => map.removeLayer(layer));
      state.layers = data.layers ? addLayers(map, data.layers) : [];
      state.layerScript = data.layers;
    }
    if (moving && glide) map.setView(view.center, view.zoom, {animate: true});
    if (moving) state.view = view;
  }).catch((error) => {
    state.box.textContent = `The map could not be drawn: ${error.message}`;
  });
  // Streamlit keeps the cleanup of the newest call and runs it when the element goes; an older
  // call's cleanup can also run late (its rerun was superseded), and must then leave the map.
  return () => {
    const current = drawn.get(parentElement);
    if (current === state && current.calls === call) {
      forget(current);
      drawn.delete(parentElement);
    }
  };
}
