// The lecture page's stepper: replays PAGE.steps (forward, then backward) on draw_graph's
// SVG. PAGE is defined just above this script by autograd_mini/viz/html.py.
(function () {
  "use strict";
  const SVGNS = "http://www.w3.org/2000/svg";
  const steps = PAGE.steps;
  const W = PAGE.words;  // the page's words, in the language it was written in
  const $ = (id) => document.getElementById(id);
  let at = 0;
  let timer = null;
  let pinned = null;

  // ----- find each node's SVG groups by graphviz's <title> (the DOT node name) ---------
  const byTitle = {};
  document.querySelectorAll("#graph g.node, #graph g.edge").forEach((g) => {
    const t = g.querySelector("title");
    if (t) byTitle[t.textContent] = g;
  });
  const keyOf = {};  // DOT name -> node key
  const drawn = {};  // node key -> {groups, head, headText, data: [text], grad: [text]}
  for (const [key, node] of Object.entries(PAGE.nodes)) {
    node.svg.forEach((id) => { if (id !== null) keyOf[id] = key; });
    const groups = node.svg.map((id) => byTitle[id]).filter(Boolean);
    if (!groups.length) continue;  // inside a collapsed module box
    const d = { groups: groups, head: null, headText: "", data: [], grad: [] };
    const value = byTitle[node.svg[0]];
    if (value) {
      value.dataset.key = key;
      value.dataset.label = node.label;
      let slot = null;  // the lines of a box: label, [shape], data ..., grad ...
      value.querySelectorAll("text").forEach((t, i) => {
        const s = t.textContent;
        if (i === 0) { d.head = t; d.headText = s; return; }
        if (s.startsWith("data ")) slot = d.data;
        else if (s.startsWith("grad ")) slot = d.grad;
        if (slot) slot.push(t);
      });
    }
    drawn[key] = d;
  }
  const edges = [...document.querySelectorAll("#graph g.edge")].map((g) => {
    const title = g.querySelector("title").textContent;
    return { g: g, title: title, into: keyOf[title.split("->")[1]],
             labels: [...g.querySelectorAll("text")] };
  });

  // ----- the state after step k, replayed from the start so Back is exact ------------
  function stateAt(k) {
    const s = { phase: "start", node: null, lit: new Set(), visited: {}, grads: {},
                sent: {}, hot: new Set(), rows: new Set(), now: new Set() };
    for (let i = 0; i <= k; i++) {
      const step = steps[i];
      s.phase = step.phase;
      s.node = step.node;
      s.hot = new Set();
      s.now = new Set(step.rows || []);
      if (step.phase === "forward") s.lit.add(step.node);
      if (step.phase !== "backward") continue;
      s.visited[step.node] = step.number;
      Object.assign(s.grads, step.grads);
      for (const e of step.edges) { s.sent[e.svg] = e; s.hot.add(e.svg); }
      step.rows.forEach((r) => s.rows.add(r));
    }
    return s;
  }

  function setLines(texts, lines) {  // write lines into a box's text slots
    texts.forEach((t, i) => {
      const last = i === texts.length - 1;
      t.textContent = i < lines.length ? (last ? lines.slice(i).join(" ") : lines[i]) : "";
      t.style.visibility = "";
    });
  }
  const hide = (texts, hidden) => texts.forEach((t) => {
    t.style.visibility = hidden ? "hidden" : "";
  });

  function render() {
    const s = stateAt(at);
    const backward = s.phase === "backward";
    for (const [key, d] of Object.entries(drawn)) {
      const lit = backward || s.lit.has(key);
      for (const g of d.groups) {
        g.classList.toggle("dim", s.phase === "forward" && !lit);
        g.classList.toggle("current", key === s.node);
        g.classList.toggle("back", backward);
        g.classList.toggle("pinned", key === pinned);
      }
      if (d.head) {  // "#k  label": the backward step number once that step is reached
        d.head.textContent = key in s.visited ? d.headText : d.headText.replace(/^#\d+\s+/, "");
      }
      hide(d.data, !lit);
      if (key in s.grads) {
        setLines(d.grad, ["grad " + s.grads[key][0]].concat(s.grads[key].slice(1)));
      } else {
        setLines(d.grad, backward ? ["grad \u2013"] : []);
        hide(d.grad, !backward);
      }
    }
    for (const e of edges) {
      const sent = s.sent[e.title];
      e.g.classList.toggle("dim", s.phase === "forward" && !s.lit.has(e.into));
      e.g.classList.toggle("hot", s.hot.has(e.title));
      hide(e.labels, !sent);
    }
    const step = steps[at];
    $("explain").textContent = step.text;
    $("counter").textContent = W.step + " " + at + " / " + (steps.length - 1);
    $("phase").textContent = W.phases[s.phase];
    $("phase").className = s.phase;
    $("back").disabled = at === 0;
    $("next").disabled = at === steps.length - 1;
    tableLines.forEach((span, i) => {
      span.className = i < 2 || s.rows.has(i) ? (s.now.has(i) ? "now" : "") : "later";
    });
    const first = tableLines.find((span, i) => s.now.has(i));
    const table = $("table");
    if (first) table.scrollTop = first.offsetTop - table.clientHeight / 3;
    showDetails(pinned || s.node, s);
  }

  // ----- the explain_backward table, one span per line -------------------------------
  const tableLines = PAGE.table.map((line) => {
    const span = document.createElement("span");
    span.textContent = line + "\n";
    return span;
  });
  $("table").replaceChildren(...tableLines);

  // ----- details of one node, on hover or click ---------------------------------------
  function showDetails(key, s) {
    const box = $("details");
    if (!key) {
      box.textContent = W.help;
      return;
    }
    const n = PAGE.nodes[key];
    s = s || stateAt(at);
    const known = s.phase === "backward" || s.lit.has(key);
    const f = W.fields;
    const rows = [[f.node, n.label], [f.kind, W.kinds[n.kind] || n.kind]];
    if (n.expression) rows.push([f.expression, n.expression]);
    if (n.op) rows.push([f.op, n.op]);
    if (n.formula) rows.push([f.formula, n.formula]);
    if (n.shape) rows.push([f.shape, "(" + n.shape.join(", ") + ")"], [f.dtype, n.dtype]);
    rows.push([f.data, known ? n.data_text : W.not_computed]);
    if (n.summary && known) rows.push([f.summary, n.summary]);
    if (n.requires_grad) {
      rows.push([f.grad, key in s.grads ? s.grads[key].join("\n") : W.not_reached]);
    }
    const dl = document.createElement("dl");
    for (const [k, v] of rows) {
      const dt = document.createElement("dt"), dd = document.createElement("dd");
      dt.textContent = k;
      dd.textContent = v;
      dl.append(dt, dd);
    }
    box.replaceChildren(dl);
  }
  for (const [key, d] of Object.entries(drawn)) {
    for (const g of d.groups) {
      g.addEventListener("mouseenter", () => showDetails(key));
      g.addEventListener("mouseleave", () => showDetails(pinned || steps[at].node));
      g.addEventListener("click", () => { pinned = pinned === key ? null : key; render(); });
    }
  }

  // ----- controls: buttons, arrow keys, a presenter's clicker (PageUp/PageDown) --------
  function go(k) {
    at = Math.max(0, Math.min(steps.length - 1, k));
    render();
    follow();
  }

  // ----- zoom: a wide graph at readable size, scrolled to follow the current node ------
  const graph = $("graph"), svg = graph.querySelector("svg");
  let zoom = 1;
  function setZoom(z) {
    zoom = Math.max(1, Math.min(6, z));
    svg.style.width = zoom === 1 ? "" : zoom * graph.clientWidth + "px";
    svg.style.height = zoom === 1 ? "" : zoom * graph.clientHeight + "px";
    $("zoom").textContent = Math.round(zoom * 100) + "%";
    follow();
  }
  function follow() {
    const d = drawn[steps[at].node];
    if (zoom > 1 && d) d.groups[0].scrollIntoView({ block: "nearest", inline: "center" });
  }
  $("zoomin").addEventListener("click", () => setZoom(zoom * 1.5));
  $("zoomout").addEventListener("click", () => setZoom(zoom / 1.5));
  function play() {
    if (timer) { clearInterval(timer); timer = null; $("play").textContent = W.play; return; }
    if (at === steps.length - 1) go(0);
    $("play").textContent = W.pause;
    timer = setInterval(() => { if (at >= steps.length - 1) play(); else go(at + 1); },
      PAGE.interval_ms);
  }
  $("next").addEventListener("click", () => go(at + 1));
  $("back").addEventListener("click", () => go(at - 1));
  $("play").addEventListener("click", play);
  document.addEventListener("keydown", (ev) => {
    const keys = { ArrowRight: 1, PageDown: 1, ArrowLeft: -1, PageUp: -1 };
    if (ev.key in keys) go(at + keys[ev.key]);
    else if (ev.key === "Home") go(0);
    else if (ev.key === "End") go(steps.length - 1);
    else if (ev.key === " ") play();
    else if (ev.key === "+" || ev.key === "=") setZoom(zoom * 1.5);
    else if (ev.key === "-") setZoom(zoom / 1.5);
    else if (ev.key === "0") setZoom(1);
    else return;
    ev.preventDefault();
  });
  render();
})();
