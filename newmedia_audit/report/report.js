// Filter, sort and paging for every table of report.html. No network.
// The detail tables come as JSON (#table-data) and are rendered a page at a
// time; the small server-rendered tables (汇总, 趋势) take the same path with
// their own rows. Filter and sort work over all rows, not only the shown page.
(function () {
  "use strict";
  var source = document.getElementById("table-data");
  var data = source ? JSON.parse(source.textContent) : { page: 200, verdicts: {}, tables: {} };
  var collator = new Intl.Collator("zh-CN");

  function isNumber(text) {
    return text !== "" && !isNaN(parseFloat(text)) && isFinite(text.replace("%", ""));
  }
  // Numbers (and rates) first, in numeric order; then text in Chinese collation.
  function sortKey(text) {
    return { number: isNumber(text), value: parseFloat(text), text: text };
  }
  function compare(a, b) {
    if (a.number && b.number) { return a.value - b.value; }
    if (a.number !== b.number) { return a.number ? -1 : 1; }
    return collator.compare(a.text, b.text);
  }
  function hexEscape(ch) { return "%" + ch.charCodeAt(0).toString(16).toUpperCase(); }
  // A relative link to an evidence folder, or null for an absolute or parent path.
  // Every ":" is percent-encoded, so no data can form a scheme (javascript:, file:).
  function evidenceHref(path) {
    var parts = path.replace(/\\/g, "/").split("/");
    if (path === "" || path.charAt(0) === "/" || path.charAt(0) === "\\" || parts.indexOf("..") !== -1) {
      return null;
    }
    try {
      return parts.map(function (part) {
        return encodeURIComponent(part).replace(/[!'()*]/g, hexEscape);
      }).join("/");
    } catch (e) {
      return null; // a lone surrogate
    }
  }
  var LONG_TOKEN = /^[\x21-\x7e]{25,}$/; // one printable ASCII word of 25 characters or more
  function text(value) { return value === null || value === undefined ? "" : String(value); }

  // Rows of a table from the embedded data: cells rendered as text, never as markup.
  function dataRows(table) {
    var rows = table.rows, links = {};
    table.links.forEach(function (col) { links[col] = true; });
    return {
      length: rows.length,
      key: function (i, col) { return text(rows[i][col]).trim(); },
      text: function (i) { return rows[i].map(text).join("\n"); },
      render: function (i) {
        var tr = document.createElement("tr");
        rows[i].forEach(function (value, col) {
          var td = document.createElement("td");
          var shown = text(value);
          var href = links[col] && typeof value === "string" ? evidenceHref(value) : null;
          if (typeof value === "number") {
            td.className = "num";
            td.textContent = shown;
          } else if (href !== null) {
            // A short link: the folder's path (in the tooltip, verdicts.csv and report.xlsx)
            // wrapped over several lines and made every row tall.
            var a = document.createElement("a");
            a.setAttribute("href", href);
            a.setAttribute("title", shown);
            a.textContent = "查看";
            td.appendChild(a);
          } else {
            td.textContent = shown;
            if (Object.prototype.hasOwnProperty.call(data.verdicts, shown)) {
              td.className = data.verdicts[shown];
            } else if (LONG_TOKEN.test(shown)) {
              // A long id (a Douyin sec_uid) on one line, cut with an ellipsis; whole in the tooltip.
              td.className = "token";
              td.setAttribute("title", shown);
            }
          }
          tr.appendChild(td);
        });
        return tr;
      }
    };
  }
  // Rows already in the page (汇总, 趋势).
  function pageRows(body) {
    var rows = Array.prototype.slice.call(body.rows);
    return {
      length: rows.length,
      key: function (i, col) {
        var cell = rows[i].cells[col];
        if (!cell) { return ""; }
        var sortKey = cell.getAttribute("data-sort");
        return sortKey !== null ? sortKey : cell.textContent.trim();
      },
      text: function (i) {
        return Array.prototype.map.call(rows[i].cells, function (cell) { return cell.textContent; }).join("\n");
      },
      render: function (i) { return rows[i]; }
    };
  }

  function button(label, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.addEventListener("click", onClick);
    return b;
  }

  document.querySelectorAll("table.data").forEach(function (table) {
    var body = table.tBodies[0];
    var id = table.getAttribute("data-rows");
    var rows = id && data.tables[id] ? dataRows(data.tables[id]) : pageRows(body);
    var pageSize = data.page;
    var order = [], i;
    for (i = 0; i < rows.length; i += 1) { order.push(i); }
    var texts = null; // lower-case text of each row, made at the first filter
    var shown = order, page = 0;
    var input = document.querySelector('input[data-filter="' + table.id + '"]');
    var counter = document.querySelector('span[data-count="' + table.id + '"]');
    var pager = document.querySelector('div[data-pager="' + table.id + '"]');
    var previous, next, where;
    if (pager) {
      previous = button("上一页", function () { page -= 1; draw(); });
      next = button("下一页", function () { page += 1; draw(); });
      where = document.createElement("span");
      pager.appendChild(previous);
      pager.appendChild(next);
      pager.appendChild(where);
    }

    function draw() {
      var pages = pager ? Math.max(1, Math.ceil(shown.length / pageSize)) : 1;
      page = Math.min(Math.max(page, 0), pages - 1);
      var slice = pager ? shown.slice(page * pageSize, (page + 1) * pageSize) : shown;
      var fragment = document.createDocumentFragment();
      slice.forEach(function (index) { fragment.appendChild(rows.render(index)); });
      body.textContent = "";
      body.appendChild(fragment);
      if (counter) { counter.textContent = "显示 " + shown.length + " / " + rows.length + " 行"; }
      if (pager) {
        pager.hidden = pages < 2;
        previous.disabled = page === 0;
        next.disabled = page >= pages - 1;
        where.textContent = "第 " + (page + 1) + " / " + pages + " 页（每页 " + pageSize + " 行）";
      }
    }
    function filter() {
      var query = input ? input.value.trim().toLowerCase() : "";
      if (query === "") {
        shown = order;
      } else {
        if (texts === null) {
          texts = [];
          for (var r = 0; r < rows.length; r += 1) { texts.push(rows.text(r).toLowerCase()); }
        }
        shown = order.filter(function (index) { return texts[index].indexOf(query) !== -1; });
      }
      page = 0;
      draw();
    }

    var headRow = table.tHead.rows[table.tHead.rows.length - 1];
    Array.prototype.forEach.call(headRow.cells, function (th) {
      var col = parseInt(th.getAttribute("data-col"), 10);
      if (isNaN(col)) { return; }
      th.classList.add("sortable");
      th.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("th[aria-sort]").forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var keys = [];
        for (var r = 0; r < rows.length; r += 1) { keys.push(sortKey(rows.key(r, col))); }
        order.sort(function (a, b) {
          var result = compare(keys[a], keys[b]);
          return ascending ? result : -result;
        });
        filter();
      });
    });
    if (input) { input.addEventListener("input", filter); }
    draw();
  });
})();
