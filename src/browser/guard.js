// The guard. With biscoito.js as a classic, parser-blocking script first in
// <head>, it holds the tags nobody marked whose host is a known tracker's
// (guard-hosts.js) or, once the module has read the config, one an optional
// category declares. It only holds, by host: it turns each tag into the
// marked form (type="text/plain", data-src) with data-biscoito-guard, and the
// module decides what it waits for and releases it (src/browser/guard.rs,
// engine::guard). With defer or async, the page is parsed before this runs,
// and the guard stays off.
var biscoitoScript = document.currentScript;
var biscoitoGuard = biscoitoScript && !biscoitoScript.async && !biscoitoScript.defer &&
  document.readyState == "loading" && biscoitoHold();

function biscoitoHold() {
  var HELD = "data-biscoito-guard";
  var hosts = biscoitoTrackerHosts;
  var guard = { held: [], hosts: hosts };
  var setAttribute = Element.prototype.setAttribute;
  // The absolute address of a src the guard holds, else nothing.
  function holds(url) {
    try {
      url = new URL(url, document.baseURI);
    } catch (notURL) {
      return;
    }
    var host = url.hostname;
    if (host != location.hostname && hosts.some(function (known) {
      return known == host || (known[0] == "*" && (host == known.slice(2) || host.endsWith(known.slice(1))));
    })) return url.href;
  }
  // What Biscoito itself releases carries its state, and passes.
  function passes(element) {
    return element.getAttribute("data-biscoito-state") == "released";
  }
  function hold(element, url) {
    if (element.tagName == "SCRIPT") {
      var type = element.getAttribute("type");
      if (type != null) setAttribute.call(element, "data-type", type);
      setAttribute.call(element, "type", "text/plain");
    }
    setAttribute.call(element, "data-src", url);
    setAttribute.call(element, HELD, "");
    element.removeAttribute("src");
  }
  // Held while not in the page (a pixel's new Image()): the module keeps it.
  function holdByScript(element, url) {
    hold(element, url);
    guard.held.push(element);
    if (guard.notify) queueMicrotask(guard.notify);
  }
  function isGuarded(element) {
    return /^(SCRIPT|IFRAME|IMG)$/.test(element.tagName);
  }

  // Script-inserted tags: a src set by property or attribute.
  [HTMLScriptElement, HTMLIFrameElement, HTMLImageElement].forEach(function (kind) {
    var src = Object.getOwnPropertyDescriptor(kind.prototype, "src");
    Object.defineProperty(kind.prototype, "src", {
      configurable: true,
      enumerable: src.enumerable,
      get: src.get,
      set: function (url) {
        var held = !passes(this) && holds(url);
        if (held) holdByScript(this, held);
        else src.set.call(this, url);
      },
    });
  });
  Element.prototype.setAttribute = function (name, value) {
    var held = String(name).toLowerCase() == "src" && isGuarded(this) && !passes(this) && holds(value);
    if (held) {
      holdByScript(this, held);
    } else {
      setAttribute.apply(this, arguments);
    }
  };

  // Markup written by script (innerHTML, insertAdjacentHTML, document.write):
  // each <script>, <iframe> and <img> tag with a held src is rewritten
  // before the browser parses it, so nothing is requested.
  function rewrite(html) {
    return String(html).replace(/<(script|iframe|img)\b[^>]*>/gi, function (tag) {
      var src = /\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i.exec(tag);
      var held = src && !/ data-biscoito-/i.test(tag) && holds(src[1] || src[2] || src[3]);
      if (!held) return tag;
      tag = tag.replace(/\stype\s*=/i, " data-type=").replace(src[0], ' data-src="' + held.replace(/"/g, "%22") + '"');
      return tag.replace(/^<\w+/, function (open) {
        return open + " " + HELD + (/^<script/i.test(open) ? ' type="text/plain"' : "");
      });
    });
  }
  [[Element.prototype, "innerHTML"], [Element.prototype, "outerHTML"]].forEach(function (place) {
    var property = Object.getOwnPropertyDescriptor(place[0], place[1]);
    Object.defineProperty(place[0], place[1], {
      configurable: true,
      enumerable: property.enumerable,
      get: property.get,
      set: function (html) {
        property.set.call(this, rewrite(html));
      },
    });
  });
  var insertAdjacentHTML = Element.prototype.insertAdjacentHTML;
  Element.prototype.insertAdjacentHTML = function (where, html) {
    insertAdjacentHTML.call(this, where, rewrite(html));
  };
  ["write", "writeln"].forEach(function (name) {
    var write = Document.prototype[name];
    Document.prototype[name] = function () {
      write.apply(this, Array.prototype.map.call(arguments, rewrite));
    };
  });

  // Tags in the HTML itself: the parser hands each new node to observers
  // before it runs a script, so a held script's type changes in time. An
  // iframe has started loading by then: it is replaced by a held copy.
  function check(element) {
    var url = !element.hasAttribute(HELD) && !passes(element) && holds(element.getAttribute("src"));
    if (!url) return;
    if (element.tagName == "IFRAME") {
      var copy = element.cloneNode(true);
      hold(copy, url);
      element.replaceWith(copy);
    } else {
      hold(element, url);
    }
  }
  new MutationObserver(function (records) {
    records.forEach(function (record) {
      record.addedNodes.forEach(function (node) {
        if (node.nodeType != 1) return;
        if (isGuarded(node)) check(node);
        if (node.firstElementChild) node.querySelectorAll("script[src],iframe[src],img[src]").forEach(check);
      });
    });
  }).observe(document.documentElement, { childList: true, subtree: true });
  return guard;
}
