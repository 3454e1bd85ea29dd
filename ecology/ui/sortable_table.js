// A table whose headers sort its rows (a Streamlit v2 component, in the page itself).
//
// The markup is made on the server by ecology/reports/html_table.py (table_html with sortable),
// every text in it escaped there. Each header is a button; a cell of a number, date or yes/no
// column carries its sort key in data-sort, other columns sort by the text shown. Missing values
// stay last whichever way a column is ordered. The chosen order is kept across reruns, and put
// back on new rows when they have a column of the same name.

// The table's key (from Python) -> {label, direction} the reader chose: kept here rather than on
// the element, as Streamlit mounts the component afresh when the page's layout above it changes.
const chosen = new Map();
const drawn = new WeakMap(); // the table's box -> the markup in it

function keyOf(row, column, keyed) {
  const cell = row.cells[column];
  if (!cell || cell.classList.contains("missing")) return null;
  const key = keyed ? cell.dataset.sort : cell.textContent.trim();
  return key === "" || key === undefined ? null : key;
}

function compare(a, b) {
  const x = Number(a), y = Number(b);
  if (!Number.isNaN(x) && !Number.isNaN(y)) return x - y;
  return a.localeCompare(b, undefined, {numeric: true, sensitivity: "base"});
}

function order(box, column, direction) {
  const table = box.querySelector("table");
  const header = table && table.tHead && table.tHead.rows[0] && table.tHead.rows[0].cells[column];
  if (!header) return false;
  const keyed = header.hasAttribute("data-keyed");
  const body = table.tBodies[0];
  const rows = Array.from(body.rows).map((row, at) => ({row, at, key: keyOf(row, column, keyed)}));
  const sign = direction === "descending" ? -1 : 1;
  rows.sort((p, q) => {
    if (p.key === null || q.key === null) return (p.key === null) - (q.key === null) || p.at - q.at;
    return sign * compare(p.key, q.key) || p.at - q.at;
  });
  const ordered = document.createDocumentFragment();
  rows.forEach(({row}) => ordered.appendChild(row));
  body.appendChild(ordered);
  for (const other of table.tHead.rows[0].cells) other.setAttribute("aria-sort", "none");
  header.setAttribute("aria-sort", direction);
  return true;
}

export default function draw({data, parentElement}) {
  if (!chosen.has(data.key)) chosen.set(data.key, {label: null, direction: null});
  const state = chosen.get(data.key);
  let box = parentElement.querySelector(":scope > div.eco-sortable");
  if (!box) {
    box = document.createElement("div");
    box.className = "eco-sortable";
    parentElement.appendChild(box);
    box.addEventListener("click", (event) => {
      const button = event.target.closest("button.eco-sort");
      if (!button || !box.contains(button)) return;
      const header = button.closest("th");
      const column = header.cellIndex;
      const label = header.textContent;
      // Numbers, dates and yes/no open largest, newest or yes first (a ranking); text opens A to Z.
      const first = header.hasAttribute("data-keyed") ? "descending" : "ascending";
      const direction = state.label === label ? (state.direction === "ascending" ? "descending" : "ascending") : first;
      if (order(box, column, direction)) Object.assign(state, {label, direction});
    });
  }
  if (drawn.get(box) !== data.html) {
    box.innerHTML = data.html;
    drawn.set(box, data.html);
    const headers = Array.from(box.querySelectorAll("thead th"));
    const column = headers.findIndex((header) => header.textContent === state.label);
    if (state.label !== null && !(column >= 0 && order(box, column, state.direction))) {
      Object.assign(state, {label: null, direction: null});
    }
  }
}
