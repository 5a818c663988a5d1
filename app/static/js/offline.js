// Working without a signal (issue 16), for coordinators. Forms marked data-offline (register,
// sweep visit, move, departure) submitted while offline go to an outbox in IndexedDB
// (idb-keyval), each with a UUID of its own. When the connection returns the outbox is sent to
// the same URLs with an Idempotency-Key header: the server checks each one as a live form
// and saves it once however often it arrives. What it refuses stays here as 同步失败 with the
// reason and every typed value, and 修改 opens the usual form filled in again.
// The phone keeps only the signed-in coordinator's data; another user's are wiped first, and
// signing out clears everything (the server's Clear-Site-Data).
(function () {
  "use strict";
  var bar = document.getElementById("offline-bar");
  var T = window.anjuOfflineTexts;  // /offline/texts.js, in the page's language
  if (!bar || !T || !window.idbKeyval || !window.indexedDB) return;
  var kv = window.idbKeyval;
  var store = kv.createStore("anju-offline", "kv");
  var me = bar.getAttribute("data-user");
  var PAGES = "anju-pages";  // the service worker's copies of the offline pages
  var PACK_MAX_AGE = 10 * 60 * 1000;
  var syncing = false, signedOut = false, leaving = false;
  bar.setAttribute("aria-label", T.bar);
  bar.querySelector("[data-signin] span").textContent = T.signin;
  bar.querySelector("[data-signin] a").textContent = T.signin_link;
  bar.querySelector("[data-list] summary").textContent = T.list;

  function $(selector, root) { return (root || bar).querySelector(selector); }
  function fmt(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (_, k) { return values[k] == null ? "" : values[k]; });
  }
  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join("-");
  }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }
  function say(message, kind) {
    var box = $("[data-message]");
    box.textContent = message;
    box.className = kind || "";
    bar.hidden = false;
    bar.scrollIntoView({ block: "nearest" });
  }

  // -- the store ----------------------------------------------------------------------------
  function outbox() {
    return kv.entries(store).then(function (entries) {
      return entries.filter(function (e) { return String(e[0]).indexOf("out:") === 0; })
        .map(function (e) { return e[1]; }).sort(function (a, b) { return a.created - b.created; });
    });
  }
  function put(item) { return kv.set("out:" + item.id, item, store); }
  function remove(id) { return kv.del("out:" + id, store); }
  function wipe() {
    return kv.clear(store).then(function () { return window.caches ? caches.delete(PAGES) : null; });
  }
  // Whatever is on the phone belongs to the coordinator signed in here, or goes.
  var ready = kv.get("owner", store).then(function (owner) {
    return owner && owner !== me ? wipe() : null;
  }).then(function () { return kv.set("owner", me, store); });

  // -- what the phone keeps to work offline -------------------------------------------------
  function keepPage(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!leaving && response.ok && !response.redirected && response.headers.get("X-Offline-Page") === "1") {
        return caches.open(PAGES).then(function (cache) { return cache.put(url, response); });
      }
    });
  }
  function refreshPack(force) {
    if (!navigator.onLine) return Promise.resolve();
    return kv.get("pack", store).then(function (pack) {
      if (pack && !force && Date.now() - pack.fetched < PACK_MAX_AGE) return pack;
      return fetch(bar.getAttribute("data-pack"), { credentials: "same-origin" }).then(function (response) {
        return response.ok && !response.redirected ? response.json() : null;
      }).then(function (fresh) {
        if (!fresh || leaving) return null;
        fresh.fetched = Date.now();
        return kv.set("pack", fresh, store).then(function () { return fresh; });
      });
    }).then(keepPages).catch(function () {});
  }
  // The pages used offline, each kept once (a page left early may have cut a fetch short).
  function keepPages(pack) {
    if (!pack || !window.caches || leaving) return null;
    var pages = ["/grid/", "/grid/people/new"].concat(pack.grids.map(function (g) { return "/grid/sweep?grid=" + g.id; }));
    if (pack.people.length) {  // one of each: the service worker adapts it to anyone (adoptPersonForm)
      pages.push("/grid/people/" + pack.people[0].id + "/move", "/grid/people/" + pack.people[0].id + "/depart");
    }
    return caches.open(PAGES).then(function (cache) {
      return Promise.all(pages.map(function (url) {
        return cache.match(url).then(function (hit) { return hit || keepPage(url); });
      }));
    });
  }
  function divisions() {
    return kv.get("divisions", store).then(function (found) {
      if (found || !navigator.onLine) return found || null;
      return fetch(bar.getAttribute("data-divisions"), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (names) { return names && !leaving && kv.set("divisions", names, store).then(function () { return names; }); });
    }).catch(function () { return null; });
  }

  // -- the registration form without a signal: ID check, household place, dwellings ---------
  function idMessage(result) {
    var e = T.id_errors;
    if (result.error === "bad_chars" && result.fifteen) return e.bad_chars_15;
    if (result.error === "bad_date" && result.early) return e.too_early;
    return fmt(e[result.error] || e.bad_chars, { n: result.length, date: result.date });
  }
  function checkIdHere(form) {
    var input = form.elements.id_number, feedback = document.getElementById("id-feedback");
    var noId = form.elements.no_id_number;
    if (!input || (noId && noId.checked)) return true;
    var result = window.anjuIdcard.parse(input.value);
    if (feedback) feedback.replaceChildren(result.error
      ? el("p", "error", idMessage(result)) : el("p", "ok", fmt(T.id_ok, { date: result.birthDate })));
    input.setAttribute("aria-invalid", result.error ? "true" : "false");
    if (result.error) return result.error === "missing" && !input.value.trim() ? true : false;
    var birth = form.elements.birth_date, sex = form.elements.sex;
    if (birth && !birth.value) birth.value = result.birthDate;
    if (sex && !sex.value) sex.value = result.sex;
    // Filled from the number's address code; a submit waits for it (form.anjuHukou).
    if (form.elements.hukou_1 && !form.elements.hukou_1.value) form.anjuHukou = setHukou(form, result.region);
    return true;
  }
  function options(select, entries) {
    var first = select.options[0];
    select.replaceChildren(first);
    entries.forEach(function (entry) { select.appendChild(new Option(entry[1], entry[0])); });
    select.disabled = entries.length === 0;
  }
  function below(names, code, depth) {
    var length = [2, 4, 6][depth];
    return Object.keys(names).filter(function (c) {
      return c.length === length && c.indexOf(code || "") === 0;
    }).sort().map(function (c) { return [c, names[c]]; });
  }
  function hukouChanged(form, select) {
    return divisions().then(function (names) {
      if (!names) return say(T.needs_network, "warning");
      var levels = ["hukou_1", "hukou_2", "hukou_3", "hukou_4"], depth = levels.indexOf(select.name);
      for (var d = depth + 1; d < 4; d++) {
        options(form.elements[levels[d]], d === depth + 1 && select.value && d < 3 ? below(names, select.value, d) : []);
      }
      if (depth === 2 && select.value) say(T.township_online, "warning");
    });
  }
  function setHukou(form, region) {
    return divisions().then(function (names) {
      if (!names || !names[region]) return;
      var chain = [region.slice(0, 2), region.slice(0, 4), region];
      options(form.elements.hukou_1, below(names, "", 0));
      chain.forEach(function (code, depth) {
        form.elements["hukou_" + (depth + 1)].value = code;
        if (depth < 2) options(form.elements["hukou_" + (depth + 2)], below(names, code, depth + 1));
      });
    });
  }
  function gridChanged(form) {
    return kv.get("pack", store).then(function (pack) {
      var select = form.elements.dwelling_id, grid = Number(form.elements.grid_id.value);
      if (!pack || !select) return;
      options(select, pack.dwellings.filter(function (d) { return d.grid === grid; })
        .map(function (d) { return [String(d.id), d.address]; }));
    });
  }
  // Offline, the live checks that need the server are done here instead.
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (navigator.onLine) return;
    var path = event.detail.requestConfig.path || "", elt = event.detail.elt, form = elt.form || elt.closest("form");
    if (!form) return;
    if (path.indexOf("/grid/people/check-id") === 0) checkIdHere(form);
    else if (path.indexOf("/grid/pickers/hukou") === 0) hukouChanged(form, elt);
    else if (path.indexOf("/grid/pickers/dwellings") === 0) gridChanged(form);
    else return;
    event.preventDefault();
  });

  // -- capture ------------------------------------------------------------------------------
  function label(kind, form) {
    if (kind === "register") return (form.elements.name && form.elements.name.value) || "";
    if (kind === "sweep") {
      var row = form.closest("li"), address = row && row.querySelector("strong");
      return address ? address.textContent : "";
    }
    var heading = document.querySelector("main h1");
    return heading ? heading.textContent : "";
  }
  function markSweepRow(url, state) {
    var match = /\/grid\/sweep\/(\d+)/.exec(url), row = match && document.getElementById("sweep-" + match[1]);
    if (!row) return;
    var mark = row.querySelector(".offline-mark");
    if (mark) return (mark.textContent = state);
    row.querySelector("small").after(el("span", "offline-mark", state));
    var form = row.querySelector("form");
    if (form) form.hidden = true;
  }
  function queued(kind, form, item) {
    say(fmt(T.queued, { label: item.label }), "success");
    if (kind === "sweep") return markSweepRow(item.url, T.pending);
    // Door to door: the next registration keeps the grid and the dwelling.
    var keep = ["grid_id", "dwelling_id"].map(function (n) { return form.elements[n] && form.elements[n].value; });
    form.reset();
    ["grid_id", "dwelling_id"].forEach(function (n, i) { if (form.elements[n]) form.elements[n].value = keep[i]; });
    var feedback = document.getElementById("id-feedback");
    if (feedback) feedback.replaceChildren();
    form.removeAttribute("data-offline-editing");
  }
  function fieldsOf(form, submitter) {
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string" && name !== "csrf_token") fields.push([name, value]);
    });
    if (submitter && submitter.name) fields.push([submitter.name, submitter.value]);
    return fields;
  }
  document.addEventListener("submit", function (event) {
    var form = event.target, editing = form.getAttribute("data-offline-editing");
    if (/\/auth\/logout$/.test(form.action)) return confirmLogout(event);
    if (navigator.onLine) {
      if (editing) remove(editing);  // sent live now: the server's answer is the usual page
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
    var kind = form.getAttribute("data-offline"), submitter = event.submitter;
    if (!kind || (submitter && submitter.hasAttribute("formaction"))) return say(T.needs_network, "warning");
    if (kind === "register" && !checkIdHere(form)) return;
    var url = new URL(form.action, location.href), item;
    Promise.resolve(form.anjuHukou).then(function () {
      item = { id: newId(), kind: kind, url: url.pathname + url.search, fields: fieldsOf(form, submitter),
               label: label(kind, form), page: location.pathname + location.search, created: Date.now(),
               state: "pending", user: me };
      return ready;
    }).then(function () { return editing ? remove(editing) : null; })
      .then(function () { return put(item); })
      .then(function () { queued(kind, form, item); return render(); });
  }, true);
  function confirmLogout(event) {
    var count = Number(bar.getAttribute("data-queued") || 0);
    if (count && !window.confirm(fmt(T.logout_confirm, { n: count }))) return event.preventDefault();
    // The server's Clear-Site-Data empties the phone when its answer arrives; a download
    // still under way here must not write after that, so nothing is kept from now on.
    leaving = true;
  }

  // -- sync -----------------------------------------------------------------------------------
  function reasonsIn(html) {
    var doc = new DOMParser().parseFromString(html, "text/html"), seen = [];
    doc.querySelectorAll("main .error, main .flash.error, main .alert:not(#request-problem)").forEach(function (node) {
      var text = node.textContent.replace(/\s+/g, " ").trim();
      if (text && seen.indexOf(text) < 0) seen.push(text);
    });
    return seen;
  }
  function failed(item, reasons) {
    item.state = "failed";
    item.reason = reasons.join(" ");
    return put(item);
  }
  function send(item, csrf) {
    var body = new URLSearchParams(item.fields);
    body.set("csrf_token", csrf);
    return fetch(item.url, { method: "POST", body: body, credentials: "same-origin",
                             headers: { "Idempotency-Key": item.id, "X-CSRFToken": csrf } })
      .then(function (response) {
        if (new URL(response.url).pathname === bar.getAttribute("data-login")) throw "signin";
        if (response.status >= 500 || response.headers.get("X-CSRF-Token")) throw "later";
        if (response.status === 403 || response.status === 404) return failed(item, [T.gone]);
        return response.text().then(function (text) {
          if (response.status === 400 || response.status === 422) return failed(item, [text.trim() || T.refused]);
          var reasons = reasonsIn(text);
          if (reasons.length) return failed(item, reasons);
          if (item.kind === "sweep") markSweepRow(item.url, T.synced);
          return remove(item.id);
        });
      });
  }
  function sync() {
    if (syncing || !navigator.onLine) return Promise.resolve();
    var sent = 0;
    syncing = true;
    render();
    return ready.then(function () {
      return fetch(bar.getAttribute("data-session"), { credentials: "same-origin", cache: "no-store" });
    }).then(function (response) { return response.json(); }).then(function (session) {
      signedOut = !session.user;
      if (!session.user || String(session.user) !== me) return null;  // only ever as the user who typed it
      return outbox().then(function (list) {
        return list.filter(function (item) { return item.state === "pending"; }).reduce(function (chain, item) {
          return chain.then(function () { sent += 1; return send(item, session.csrf); });
        }, Promise.resolve());
      });
    }).catch(function (reason) {
      if (reason === "signin") signedOut = true;
    }).then(function () {
      syncing = false;
      // The count is right now; the fresher pack (the people just registered) follows.
      return render().then(function () { if (sent) refreshPack(true); });
    });
  }

  // -- the bar --------------------------------------------------------------------------------
  function row(item) {
    var li = el("li", item.state === "failed" ? "failed" : "");
    var head = el("span", "", T.kinds[item.kind] + "：" + item.label + " · " + new Date(item.created).toLocaleString()
                  + " · " + (item.state === "failed" ? T.failed : T.pending));
    li.appendChild(head);
    if (item.state === "failed") {
      li.appendChild(el("p", "error", item.reason));
      var fix = el("a", "button", T.fix);
      fix.href = item.page + "#offline-edit=" + item.id;
      li.appendChild(fix);
    }
    var drop = el("button", "link", T.drop);
    drop.type = "button";
    drop.setAttribute("data-drop", item.id);
    li.appendChild(drop);
    return li;
  }
  function render() {
    return outbox().then(function (list) {
      var waiting = list.filter(function (i) { return i.state === "pending"; });
      var refused = list.filter(function (i) { return i.state === "failed"; });
      bar.hidden = false;
      bar.classList.toggle("is-offline", !navigator.onLine);
      bar.setAttribute("data-queued", String(list.length));
      $("[data-state]").textContent = navigator.onLine ? T.online : T.offline;
      $("[data-count]").textContent = fmt(T.waiting, { n: waiting.length })
        + (refused.length ? " · " + fmt(T.failed_n, { n: refused.length }) : "");
      var button = $("[data-sync]");
      button.hidden = !navigator.onLine || !waiting.length;
      button.disabled = syncing;
      button.textContent = syncing ? T.syncing : T.sync_now;
      $("[data-signin]").hidden = !(signedOut && list.length);
      var details = $("[data-list]");
      details.hidden = !list.length;
      if (refused.length) details.open = true;
      $("ul", details).replaceChildren.apply($("ul", details), list.map(row));
      list.forEach(function (item) {
        if (item.kind === "sweep") markSweepRow(item.url, item.state === "failed" ? T.failed : T.pending);
      });
    });
  }
  bar.addEventListener("click", function (event) {
    var target = event.target;
    if (target.closest("[data-sync]")) sync();
    var drop = target.closest("[data-drop]");
    if (drop && window.confirm(T.drop_confirm)) remove(drop.getAttribute("data-drop")).then(render);
  });

  // -- 修改: a refused item opens its usual form, filled in again ---------------------------
  function refill(form, item) {
    var values = {};
    item.fields.forEach(function (pair) { values[pair[0]] = pair[1]; });
    Object.keys(values).forEach(function (name) {
      var field = form.elements[name];
      if (!field || /^hukou_|^dwelling_id$|^then$/.test(name)) return;
      if (field.type === "checkbox") field.checked = true;
      else field.value = values[name];
    });
    var region = values.hukou_4 || values.hukou_3 || values.hukou_2 || values.hukou_1 || "";
    if (navigator.onLine && window.htmx && region && document.getElementById("hukou-picker")) {
      var query = ["hukou_1", "hukou_2", "hukou_3", "hukou_4"].map(function (n) {
        return n + "=" + encodeURIComponent(values[n] || "");
      }).join("&");
      htmx.ajax("GET", "/grid/pickers/hukou?" + query, { target: "#hukou-picker", swap: "outerHTML" });
    } else if (region) {
      setHukou(form, values.hukou_3 || region);
    }
    var dwelling = form.elements.dwelling_id;
    if (dwelling && values.dwelling_id) {
      var pick = function () { dwelling.value = values.dwelling_id; };
      if ([].some.call(dwelling.options, function (o) { return o.value === values.dwelling_id; })) pick();
      else if (navigator.onLine && window.htmx) {
        htmx.ajax("POST", "/grid/pickers/dwellings", { target: "#dwelling_id", values: {
          grid_id: values.grid_id, dwelling_id: values.dwelling_id } });
      } else gridChanged(form).then(pick);
    }
  }
  function openForEditing() {
    var match = /^#offline-edit=([\w-]+)$/.exec(location.hash);
    if (!match) return;
    kv.get("out:" + match[1], store).then(function (item) {
      var form = document.querySelector("form[data-offline]");
      if (!item || !form) return;
      form.setAttribute("data-offline-editing", item.id);
      refill(form, item);
      say(fmt(T.editing, { reason: item.reason || "" }), "warning");
    });
  }

  // -- offline pages for anyone in the coordinator's grids ---------------------------------------
  function person(pack, id) {
    return pack.people.filter(function (p) { return String(p.id) === String(id); })[0];
  }
  // A kept move/departure form: the version (and, if it was another person's, the name) as
  // the phone's data say; nobody there, no form (not one of this coordinator's people).
  function adoptPersonForm(pack) {
    var form = document.querySelector("form[data-person]");
    var match = /^\/grid\/people\/(\d+)\/(move|depart)$/.exec(location.pathname);
    if (!form || !match) return;
    var shown = person(pack, form.getAttribute("data-person")), wanted = person(pack, match[1]);
    if (!wanted) {
      form.hidden = true;
      return say(T.needs_network, "warning");
    }
    form.elements.version.value = wanted.version;
    if (shown && shown.id !== wanted.id) {
      document.querySelectorAll("main h1, main .back a").forEach(function (node) {
        node.textContent = node.textContent.replace(shown.name, wanted.name);
      });
      var back = document.querySelector("main .back a");
      if (back) back.href = "/grid/people/" + wanted.id;
      form.setAttribute("data-person", wanted.id);
    }
  }
  // The work list kept offline: each person leads to the forms that work without a signal.
  function offlineLinks() {
    document.querySelectorAll('#results a[href^="/grid/people/"]').forEach(function (link) {
      var id = (/^\/grid\/people\/(\d+)$/.exec(link.getAttribute("href")) || [])[1];
      if (!id || link.parentNode.querySelector(".offline-links")) return;
      var links = el("p", "offline-links");
      [["move", T.kinds.move], ["depart", T.kinds.depart]].forEach(function (pair) {
        var a = el("a", "button", pair[1]);
        a.href = "/grid/people/" + id + "/" + pair[0];
        links.appendChild(a);
      });
      link.after(links);
    });
  }
  function offlinePages() {
    if (navigator.onLine) return null;
    offlineLinks();
    return kv.get("pack", store).then(function (pack) { if (pack) adoptPersonForm(pack); });
  }

  // -- start ------------------------------------------------------------------------------------
  if (!navigator.onLine) {  // a kept copy: what it said then is not news now
    document.querySelectorAll("main > .flash").forEach(function (node) { node.remove(); });
  }
  window.addEventListener("online", function () { render(); sync(); });
  window.addEventListener("offline", render);
  ready.then(render).then(offlinePages).then(openForEditing).then(function () {
    if (!navigator.onLine) return null;
    if (document.querySelector("form[data-offline=register]")) divisions();
    return sync().then(function () { return refreshPack(false); });
  });
})();
