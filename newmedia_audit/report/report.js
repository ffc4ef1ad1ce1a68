// Client-side filter and sort for every table of report.html. No network.
(function () {
  "use strict";
  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) { return ""; }
    var key = cell.getAttribute("data-sort");
    return key !== null ? key : cell.textContent.trim();
  }
  function compare(a, b) {
    var x = parseFloat(a), y = parseFloat(b);
    var xNum = a !== "" && !isNaN(x) && isFinite(a.replace("%", "")),
        yNum = b !== "" && !isNaN(y) && isFinite(b.replace("%", ""));
    if (xNum && yNum) { return x - y; }
    if (xNum !== yNum) { return xNum ? -1 : 1; }
    return a.localeCompare(b, "zh-CN");
  }
  document.querySelectorAll("table.data").forEach(function (table) {
    var body = table.tBodies[0];
    var headRow = table.tHead.rows[table.tHead.rows.length - 1];
    Array.prototype.forEach.call(headRow.cells, function (th) {
      var index = parseInt(th.getAttribute("data-col"), 10);
      if (isNaN(index)) { return; }
      th.classList.add("sortable");
      th.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("th[aria-sort]").forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (r1, r2) {
          var result = compare(cellValue(r1, index), cellValue(r2, index));
          return ascending ? result : -result;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
    var input = document.querySelector('input[data-filter="' + table.id + '"]');
    var counter = document.querySelector('span[data-count="' + table.id + '"]');
    function refresh() {
      var query = input ? input.value.trim().toLowerCase() : "";
      var shown = 0;
      Array.prototype.forEach.call(body.rows, function (row) {
        var visible = query === "" || row.textContent.toLowerCase().indexOf(query) !== -1;
        row.hidden = !visible;
        if (visible) { shown += 1; }
      });
      if (counter) { counter.textContent = "显示 " + shown + " / " + body.rows.length + " 行"; }
    }
    if (input) { input.addEventListener("input", refresh); }
    refresh();
  });
})();
