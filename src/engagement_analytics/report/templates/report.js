// Sort a table by clicking a column header. A cell's data-sort value (the unrounded
// number behind "32%" or "1.32") is its key; otherwise a cell that is wholly a number
// (thousands commas allowed) sorts numerically and any other as text, so "2024-17" is
// text, not 2024. Numbers come before text; empty cells ("–") always come last.
(function () {
  function key(row, column) {
    var cell = row.cells[column];
    if (!cell) { return null; }
    var given = cell.getAttribute("data-sort");
    if (given !== null && given !== "") { return Number(given); }
    var text = cell.textContent.trim();
    if (text === "" || text === "\u2013") { return null; }
    var number = Number(text.replace(/,/g, ""));
    return isFinite(number) ? number : text;
  }
  function compare(x, y) {
    if (x === null || y === null) { return x === y ? 0 : (x === null ? 1 : -1); }
    if (typeof x !== typeof y) { return typeof x === "number" ? -1 : 1; }
    return x < y ? -1 : x > y ? 1 : 0;
  }
  document.querySelectorAll("table.dataframe, table.ea-sortable").forEach(function (table) {
    var body = table.tBodies[0];
    if (!body || !table.tHead) { return; }
    var headers = table.tHead.rows[table.tHead.rows.length - 1].cells;
    Array.prototype.forEach.call(headers, function (th, column) {
      th.setAttribute("tabindex", "0");
      th.setAttribute("title", (th.getAttribute("title") ? th.getAttribute("title") + " \u2014 " : "") +
                      "click to sort");
      function sort() {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = key(a, column), y = key(b, column);
          if (x === null || y === null) { return compare(x, y); }
          return compare(x, y) * (ascending ? 1 : -1);
        });
        rows.forEach(function (row) { body.appendChild(row); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sort(); }
      });
    });
  });
})();
