// GB 11643 on the phone: the same rule as app/domain/idcard.py, checked against the same
// test vectors (tests/idcard_vectors.json). parse(raw, today) gives
// {number, birthDate: "YYYY-MM-DD", sex: "M"|"F", region} or {error: code, ...details}.
window.anjuIdcard = (function () {
  "use strict";
  var WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  var CHECK = "10X98765432";

  function checkCharacter(first17) {
    var total = 0;
    for (var i = 0; i < 17; i++) total += Number(first17[i]) * WEIGHTS[i];
    return CHECK[total % 11];
  }

  function realDate(y, m, d) {
    var date = new Date(Date.UTC(y, m - 1, d));
    return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
  }

  function localToday() {
    var now = new Date();
    return [now.getFullYear(), now.getMonth() + 1, now.getDate()].map(function (n) {
      return String(n).padStart(2, "0");
    }).join("-");
  }

  function parse(raw, today) {
    var text = String(raw == null ? "" : raw).replace(/\s/g, "").toUpperCase();
    if (!text) return { error: "missing" };
    if (text.length === 15) {
      if (!/^\d{15}$/.test(text)) return { error: "bad_chars", fifteen: true };
      var first17 = text.slice(0, 6) + "19" + text.slice(6);
      text = first17 + checkCharacter(first17);
    } else if (text.length !== 18) {
      return { error: "bad_length", length: text.length };
    }
    if (!/^\d{17}[\dX]$/.test(text)) return { error: "bad_chars" };
    var y = Number(text.slice(6, 10)), m = Number(text.slice(10, 12)), d = Number(text.slice(12, 14));
    var born = text.slice(6, 10) + "-" + text.slice(10, 12) + "-" + text.slice(12, 14);
    if (!realDate(y, m, d)) return { error: "bad_date", date: born };
    if (born > (today || localToday())) return { error: "future_date" };
    if (y < 1900) return { error: "bad_date", early: true };
    if (text[17] !== checkCharacter(text)) return { error: "bad_check" };
    return { number: text, birthDate: born, sex: Number(text[16]) % 2 ? "M" : "F", region: text.slice(0, 6) };
  }

  return { parse: parse, checkCharacter: checkCharacter };
})();
