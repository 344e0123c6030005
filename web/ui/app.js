// The controller's web view: topology, switch and host pages, and forms over the REST API.
// Rule for this file: data never goes through innerHTML. Text goes in with textContent (el() below),
// graph labels are cytoscape data; ids that go into URLs are encodeURIComponent'ed.
'use strict';

(() => {
  const PALETTE = ['#2563eb', '#db2777', '#16a34a', '#ea580c', '#7c3aed', '#0891b2', '#ca8a04', '#dc2626', '#4f46e5', '#059669'];
  const LOCAL_PORT = 4294967294; // OFPP_LOCAL: its name is the bridge's name

  const state = { data: null, version: 0, renders: 0, cy: null, route: null, openapi: null };
  window.ofc = state; // read by the browser tests

  // ---- DOM helpers ---------------------------------------------------------------------------
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) {
      if (c === undefined || c === null) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }
  const clear = (node) => { node.replaceChildren(); return node; };
  const enc = encodeURIComponent;

  // ---- REST ----------------------------------------------------------------------------------
  function problemText(p, status) {
    if (!p || typeof p !== 'object') return `HTTP ${status}`;
    const lines = [[p.title, p.detail].filter(Boolean).join(': ') || `HTTP ${status}`];
    if (p.errors && typeof p.errors === 'object') {
      for (const [field, msgs] of Object.entries(p.errors)) {
        lines.push(`${field}: ${[].concat(msgs).join(' ')}`);
      }
    }
    return lines.join('\n');
  }

  async function api(method, path, body) {
    const headers = { Accept: 'application/json' };
    const token = sessionStorage.getItem('ofc-token');
    if (token && method !== 'GET') headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const r = await fetch(path.startsWith('/') ? path : `/api/v1/${path}`, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = r.status === 204 ? '' : await r.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = null; }
    if (!r.ok) {
      const err = new Error(problemText(json, r.status));
      err.status = r.status;
      throw err;
    }
    return json;
  }

  async function loadAll() {
    const [tenants, networks, hosts, ports, switches, tunnelPorts] = await Promise.all(
      ['tenants', 'networks', 'hosts', 'ports', 'switches', 'tunnel-ports'].map((p) => api('GET', p)));
    return { tenants, networks, hosts, ports, switches, tunnelPorts };
  }

  // The OpenAPI document tells which optional endpoints this controller has (e.g. a host's OVSDB view),
  // so the page asks only for what exists instead of logging 404s.
  async function hasPath(path) {
    if (!state.openapi) {
      try { state.openapi = await api('GET', '/openapi/v1.json'); } catch { state.openapi = { paths: {} }; }
    }
    return Object.prototype.hasOwnProperty.call(state.openapi.paths || {}, path);
  }

  function tenantColours(tenants) {
    const m = new Map();
    tenants.forEach((t, i) => m.set(t.id, PALETTE[i % PALETTE.length]));
    return m;
  }

  function bridgeName(sw) {
    const local = (sw.ports || []).find((p) => p.portNo === LOCAL_PORT);
    return local ? local.name : sw.datapathId;
  }

  // ---- topology ------------------------------------------------------------------------------
  const GRAPH_STYLE = [
    { selector: 'node', style: { label: 'data(label)', 'font-size': 11, 'text-wrap': 'wrap', 'text-valign': 'bottom', 'text-margin-y': 4, color: '#1f2933', 'min-zoomed-font-size': 6 } },
    { selector: 'node.host', style: { shape: 'round-rectangle', 'background-color': '#eef2f7', 'border-color': '#52606d', 'border-width': 2, 'text-valign': 'top', 'text-margin-y': -4, 'font-weight': 600, padding: 14, width: 70, height: 40 } },
    { selector: 'node.switch', style: { shape: 'round-rectangle', width: 84, height: 26, 'background-color': '#334e68', color: '#fff', 'text-valign': 'center', 'text-margin-y': 0, 'font-size': 10 } },
    { selector: 'node.switch.nohost', style: { 'background-color': '#829ab1' } },
    { selector: 'node.tenant', style: { shape: 'round-rectangle', 'background-color': 'data(color)', 'background-opacity': 0.07, 'border-color': 'data(color)', 'border-width': 2, 'border-style': 'dashed', 'text-valign': 'bottom', 'text-margin-y': 6, color: 'data(color)', 'font-weight': 600, padding: 16 } },
    { selector: 'node.network', style: { shape: 'ellipse', width: 46, height: 46, 'background-color': 'data(color)', 'border-width': 0 } },
    { selector: 'node.port', style: { shape: 'round-rectangle', width: 18, height: 18, 'background-color': '#fff', 'border-color': 'data(color)', 'border-width': 3, 'font-size': 10, 'text-valign': 'center', 'text-halign': 'right', 'text-margin-x': 4, 'text-margin-y': 0, 'text-justification': 'left' } },
    { selector: 'edge', style: { width: 2, 'curve-style': 'bezier', 'line-color': '#9aa5b1' } },
    { selector: 'edge.member', style: { 'line-color': 'data(color)', opacity: 0.75 } },
    { selector: 'edge.attach', style: { 'line-color': '#bcccdc', width: 1.5 } },
    { selector: 'edge.tunnel', style: { 'curve-style': 'unbundled-bezier', 'control-point-distances': 'data(bend)', 'control-point-weights': 0.5, 'line-style': 'dashed', 'line-color': '#52606d', width: 2.5, label: 'data(label)', 'font-size': 9, color: '#52606d', 'text-background-color': '#fff', 'text-background-opacity': 1, 'text-background-padding': 2 } },
    { selector: ':selected', style: { 'overlay-color': '#2563eb', 'overlay-opacity': 0.15 } },
  ];

  // Preset layout: hosts in a row with their switches inside and their ports below, tenant boxes with
  // their networks further down; ports link up to their host and down to their network.
  function topologyElements(d) {
    const colours = tenantColours(d.tenants);
    const nodes = [];
    const edges = [];
    const netById = new Map(d.networks.map((n) => [n.id, n]));
    const colourOfNet = (id) => colours.get(netById.get(id)?.tenantId) || '#9aa5b1';
    const portsByHost = new Map(d.hosts.map((h) => [h.id, []]));
    for (const p of d.ports) (portsByHost.get(p.hostId) || []).push(p);
    // Ports in network order under each host, so the lines down to the networks cross less.
    const netOrder = new Map(d.networks.map((n, i) => [n.id, i]));
    for (const list of portsByHost.values()) list.sort((a, b) => (netOrder.get(a.networkId) ?? 0) - (netOrder.get(b.networkId) ?? 0));
    const switchesByHost = new Map(d.hosts.map((h) => [h.id, []]));
    const loose = [];
    for (const s of d.switches) {
      if (s.hostId && switchesByHost.has(s.hostId)) switchesByHost.get(s.hostId).push(s);
      else loose.push(s);
    }

    const PORT_DX = 84;
    let x = 0;
    const hostX = new Map();
    for (const h of d.hosts) {
      const ports = portsByHost.get(h.id);
      const sws = switchesByHost.get(h.id);
      const width = Math.max(ports.length * PORT_DX, sws.length * 100, 120);
      const cx = x + width / 2;
      hostX.set(h.id, cx);
      nodes.push({ group: 'nodes', classes: 'host', data: { id: `host:${h.id}`, kind: 'host', ref: h.id, label: `${h.name}  ${h.tunnelIp}` }, position: { x: cx, y: 0 } });
      sws.forEach((s, i) => nodes.push({
        group: 'nodes', classes: 'switch', data: { id: `switch:${s.datapathId}`, kind: 'switch', ref: s.datapathId, parent: `host:${h.id}`, label: bridgeName(s) },
        position: { x: cx + (i - (sws.length - 1) / 2) * 100, y: 0 },
      }));
      ports.forEach((p, i) => {
        nodes.push({
          group: 'nodes', classes: 'port', data: { id: `port:${p.id}`, kind: 'port', ref: p.id, color: colourOfNet(p.networkId), label: [p.name || p.mac, p.ip].filter(Boolean).join('\n') },
          position: { x: cx + (i - (ports.length - 1) / 2) * PORT_DX, y: 150 },
        });
        edges.push({ group: 'edges', classes: 'attach', data: { id: `attach:${p.id}`, source: `port:${p.id}`, target: `host:${h.id}` } });
        if (netById.has(p.networkId)) {
          edges.push({ group: 'edges', classes: 'member', data: { id: `member:${p.id}`, source: `port:${p.id}`, target: `network:${p.networkId}`, color: colourOfNet(p.networkId) } });
        }
      });
      x += width + 90;
    }
    loose.forEach((s, i) => nodes.push({
      group: 'nodes', classes: 'switch nohost', data: { id: `switch:${s.datapathId}`, kind: 'switch', ref: s.datapathId, label: bridgeName(s) },
      position: { x: i * 110, y: -110 },
    }));

    // The tunnel mesh: every host reaches every other (br-tun is a full mesh). Arcs above the row, higher
    // for hosts further apart, so no arc crosses the hosts in between.
    const hostIndex = new Map(d.hosts.map((h, i) => [h.id, i]));
    const declared = new Map();
    for (const t of d.tunnelPorts) declared.set(`${t.hostId}|${t.remoteHostId}`, t.portName);
    for (let i = 0; i < d.hosts.length; i++) {
      for (let j = i + 1; j < d.hosts.length; j++) {
        const a = d.hosts[i];
        const b = d.hosts[j];
        const names = [declared.get(`${a.id}|${b.id}`), declared.get(`${b.id}|${a.id}`)].filter(Boolean);
        edges.push({
          group: 'edges', classes: 'tunnel',
          data: { id: `tunnel:${a.id}|${b.id}`, source: `host:${a.id}`, target: `host:${b.id}`, bend: -60 * (hostIndex.get(b.id) - hostIndex.get(a.id)), label: names.length ? names.join(' / ') : 'tunnel' },
        });
      }
    }

    // Networks under the mean x of their ports' hosts, grouped by tenant.
    const NET_DX = 120;
    let nx = 0;
    for (const t of d.tenants) {
      const nets = d.networks.filter((n) => n.tenantId === t.id);
      const colour = colours.get(t.id);
      nodes.push({ group: 'nodes', classes: 'tenant', data: { id: `tenant:${t.id}`, kind: 'tenant', ref: t.id, color: colour, label: t.name }, position: { x: nx, y: 330 } });
      nets.forEach((n) => {
        nodes.push({
          group: 'nodes', classes: 'network', data: { id: `network:${n.id}`, kind: 'network', ref: n.id, parent: `tenant:${t.id}`, color: colour, label: `${n.name}\n${n.tunnelType} ${n.segmentId}${n.cidr ? `\n${n.cidr}` : ''}` },
          position: { x: nx, y: 330 },
        });
        nx += NET_DX;
      });
      nx += nets.length ? 50 : NET_DX;
    }
    // Centre the network row under the host row.
    const centre = (xs) => (xs.length ? (Math.min(...xs) + Math.max(...xs)) / 2 : 0);
    const lower = nodes.filter((n) => n.data.kind === 'network' || n.data.kind === 'tenant');
    const shift = centre([...hostX.values()]) - centre(lower.map((n) => n.position.x));
    for (const n of lower) n.position.x += shift;
    return [...nodes, ...edges];
  }

  function renderTopology() {
    const d = state.data;
    if (!d) return;
    const colours = tenantColours(d.tenants);
    const legend = clear(document.getElementById('tenant-legend'));
    for (const t of d.tenants) {
      const sw = el('span', { class: 'swatch' });
      sw.style.background = colours.get(t.id);
      const nets = d.networks.filter((n) => n.tenantId === t.id).length;
      legend.append(el('li', { title: t.id }, sw, t.name, el('span', { class: 'muted' }, `  ${nets} net`)));
    }
    if (!d.tenants.length) legend.append(el('li', { class: 'muted' }, 'none yet'));
    const hosts = clear(document.getElementById('host-list'));
    for (const h of d.hosts) hosts.append(el('li', {}, el('a', { href: `#/host/${enc(h.id)}` }, h.name), el('span', { class: 'muted' }, `  ${h.tunnelIp}`)));
    if (!d.hosts.length) hosts.append(el('li', { class: 'muted' }, 'none yet'));
    const sws = clear(document.getElementById('switch-list'));
    for (const s of d.switches) sws.append(el('li', {}, el('a', { href: `#/switch/${enc(s.datapathId)}` }, `${bridgeName(s)} ${s.datapathId}`)));
    if (!d.switches.length) sws.append(el('li', { class: 'muted' }, 'none connected'));

    const container = document.getElementById('cy');
    if (typeof window.cytoscape !== 'function') {
      clear(container).append(el('p', { class: 'error' }, 'The graph library (cytoscape.min.js) is missing from this build; the lists on the right still work.'));
      return;
    }
    const elements = topologyElements(d);
    if (!state.cy) {
      state.cy = window.cytoscape({ container, elements, style: GRAPH_STYLE, layout: { name: 'preset' }, wheelSensitivity: 0.3, minZoom: 0.2, maxZoom: 3 });
      state.cy.on('tap', 'node', (evt) => {
        const n = evt.target;
        if (n.data('kind') === 'switch') location.hash = `#/switch/${enc(n.data('ref'))}`;
        else if (n.data('kind') === 'host') location.hash = `#/host/${enc(n.data('ref'))}`;
      });
      state.cy.fit(undefined, 40);
      return;
    }
    const cy = state.cy;
    const want = new Set(elements.map((e) => e.data.id));
    let changed = false;
    cy.batch(() => {
      cy.elements().forEach((e) => { if (!want.has(e.id()) && e.inside()) { e.remove(); changed = true; } });
      for (const e of elements) {
        const have = cy.getElementById(e.data.id);
        if (have.empty()) { cy.add(e); changed = true; continue; }
        if (e.group === 'nodes' && (have.data('parent') || null) !== (e.data.parent || null)) have.move({ parent: e.data.parent || null });
        have.data(e.data);
        have.classes(e.classes);
        if (e.position && have.isChildless()) have.position(e.position);
      }
    });
    if (changed) cy.fit(undefined, 40);
  }

  // ---- switch page ---------------------------------------------------------------------------
  function tableOf(flow) {
    const m = /(?:^|[ ,])table=(\d+)/.exec(flow);
    return m ? Number(m[1]) : 0;
  }

  function priorityOf(flow) {
    const m = /(?:^|[ ,])priority=(\d+)/.exec(flow);
    return m ? Number(m[1]) : 0;
  }

  async function renderSwitch(view, dpid) {
    let sw;
    let flows;
    try {
      [sw, flows] = await Promise.all([api('GET', `switches/${enc(dpid)}`), api('GET', `switches/${enc(dpid)}/flows`)]);
    } catch (e) {
      clear(view).append(el('h1', {}, `Switch ${dpid}`), el('p', { class: 'error' }, e.status === 404 ? 'This switch is not connected.' : e.message));
      return;
    }
    const hostName = sw.hostId ? (state.data?.hosts.find((h) => h.id === sw.hostId)?.name ?? sw.hostId) : null;
    const info = el('table', { class: 'kv' },
      row('datapath id', sw.datapathId), row('bridge', bridgeName(sw)), row('app', sw.app), row('role', sw.role),
      row('remote', sw.remoteAddress), row('connected since', new Date(sw.connectedSince).toLocaleString()),
      row('messages in / out', `${sw.messagesIn} / ${sw.messagesOut}`), row('errors', sw.errors),
      row('host', hostName ? el('a', { href: `#/host/${enc(sw.hostId)}` }, hostName) : el('span', { class: 'muted' }, 'none (no store host has this datapath id)')));

    const lr = flows.lastReconcile;
    const reconcile = lr
      ? el('table', { class: 'kv', id: 'last-reconcile' }, row('at', new Date(lr.at).toLocaleString()), row('added', lr.added), row('modified', lr.modified), row('deleted', lr.deleted), row('unchanged', lr.unchanged), row('duration', `${lr.durationMs.toFixed(1)} ms`))
      : el('p', { class: 'muted', id: 'last-reconcile' }, 'No reconcile yet.');

    const ports = el('table', {}, el('tr', {}, ['no', 'name', 'hw addr', 'link', 'admin'].map((h) => el('th', {}, h))),
      (sw.ports || []).map((p) => el('tr', {}, el('td', {}, p.portNo === LOCAL_PORT ? 'LOCAL' : p.portNo), el('td', {}, p.name), el('td', {}, el('code', {}, p.hwAddr)), el('td', {}, p.linkUp ? 'up' : 'down'), el('td', {}, p.adminUp ? 'up' : 'down'))));

    const desired = new Set(flows.desired);
    const installed = new Set(flows.installed);
    const all = [...new Set([...flows.desired, ...flows.installed])];
    all.sort((a, b) => tableOf(a) - tableOf(b) || priorityOf(b) - priorityOf(a) || (a < b ? -1 : 1));
    const byTable = new Map();
    for (const f of all) {
      const t = tableOf(f);
      if (!byTable.has(t)) byTable.set(t, []);
      byTable.get(t).push(f);
    }
    const missing = flows.desired.filter((f) => !installed.has(f)).length;
    const extra = flows.installed.filter((f) => !desired.has(f)).length;
    const summary = el('p', { id: 'flow-summary' }, `${flows.desired.length} desired, ${flows.installed.length} installed; `,
      missing || extra
        ? [el('span', { class: 'badge missing' }, `${missing} missing`), ' ', el('span', { class: 'badge extra' }, `${extra} extra`)]
        : el('span', { class: 'badge ok' }, 'in sync'));
    const tables = [];
    for (const [t, list] of byTable) {
      const drift = list.filter((f) => !desired.has(f) || !installed.has(f)).length;
      tables.push(el('h3', {}, `table ${t} `, el('span', { class: 'muted' }, `${list.length} flows${drift ? `, ${drift} drifted` : ''}`)));
      tables.push(el('table', { class: 'flows', 'data-table': t }, el('tr', {}, el('th', {}, 'state'), el('th', {}, 'flow')),
        list.map((f) => {
          const s = desired.has(f) && installed.has(f) ? 'ok' : desired.has(f) ? 'missing' : 'extra';
          const title = s === 'ok' ? 'desired and installed' : s === 'missing' ? 'desired, not installed' : 'installed, not desired';
          return el('tr', { class: s === 'ok' ? null : `drift-${s}`, 'data-state': s }, el('td', { title }, el('span', { class: `badge ${s}` }, s)), el('td', {}, el('code', {}, f)));
        })));
    }
    clear(view).append(
      el('h1', {}, `Switch ${bridgeName(sw)} `, el('span', { class: 'muted' }, sw.datapathId)),
      el('div', { class: 'cards' },
        el('div', { class: 'card' }, el('h2', {}, 'Connection'), info),
        el('div', { class: 'card' }, el('h2', {}, 'Last reconcile'), reconcile)),
      el('h2', {}, 'Ports'), ports,
      el('h2', {}, 'Flows: desired vs installed'), summary,
      ...(tables.length ? tables : [el('p', { class: 'muted' }, 'No flows.')]));
  }

  function row(k, v) {
    return el('tr', {}, el('th', {}, k), el('td', {}, v === undefined || v === null ? '' : v));
  }

  function valueNode(v) {
    if (v !== null && typeof v === 'object') return el('pre', {}, JSON.stringify(v, null, 2));
    return v === null || v === undefined ? el('span', { class: 'muted' }, 'none') : String(v);
  }

  // ---- host page -----------------------------------------------------------------------------
  async function renderHost(view, id) {
    let host;
    try {
      host = await api('GET', `hosts/${enc(id)}`);
    } catch (e) {
      clear(view).append(el('h1', {}, `Host ${id}`), el('p', { class: 'error' }, e.message));
      return;
    }
    const [ports, tunnels] = await Promise.all([api('GET', `ports?hostId=${enc(id)}`), api('GET', `tunnel-ports?hostId=${enc(id)}`)]);
    const switches = (state.data?.switches || []).filter((s) => s.hostId === id);
    const ovsdbPath = '/api/v1/hosts/{id}/ovsdb';
    let ovsdb = el('p', { class: 'muted' }, 'This controller has no OVSDB view of hosts.');
    if (await hasPath(ovsdbPath)) {
      try {
        ovsdb = el('pre', { id: 'host-ovsdb' }, JSON.stringify(await api('GET', `hosts/${enc(id)}/ovsdb`), null, 2));
      } catch (e) {
        ovsdb = el('p', { class: 'error' }, e.message);
      }
    }
    clear(view).append(
      el('h1', {}, `Host ${host.name}`),
      el('div', { class: 'cards' },
        el('div', { class: 'card' }, el('h2', {}, 'REST'), el('table', { class: 'kv', id: 'host-fields' }, Object.entries(host).map(([k, v]) => row(k, valueNode(v))))),
        el('div', { class: 'card' }, el('h2', {}, 'OVSDB'), ovsdb)),
      el('h2', {}, 'Switches'),
      switches.length ? el('ul', {}, switches.map((s) => el('li', {}, el('a', { href: `#/switch/${enc(s.datapathId)}` }, `${bridgeName(s)} ${s.datapathId}`)))) : el('p', { class: 'muted' }, 'None connected with this datapath id.'),
      el('h2', {}, 'Ports'),
      el('table', {}, el('tr', {}, ['name', 'mac', 'ip', 'network', 'vlan'].map((h) => el('th', {}, h))),
        ports.map((p) => el('tr', {}, el('td', {}, p.name), el('td', {}, el('code', {}, p.mac)), el('td', {}, p.ip || ''), el('td', {}, p.networkName || p.networkId), el('td', {}, p.vlan)))),
      el('h2', {}, 'Declared tunnel ports'),
      tunnels.length
        ? el('table', {}, el('tr', {}, ['port', 'remote host', 'remote ip', 'type'].map((h) => el('th', {}, h))),
          tunnels.map((t) => el('tr', {}, el('td', {}, t.portName), el('td', {}, t.remoteHostName || t.remoteHostId), el('td', {}, t.remoteTunnelIp || ''), el('td', {}, t.tunnelType))))
        : el('p', { class: 'muted' }, 'None: tunnel ports follow the vxlan-<hex ip> naming.'));
  }

  // ---- manage page ---------------------------------------------------------------------------
  function field(name, placeholder, extra) {
    return el('input', { name, placeholder, 'aria-label': placeholder, ...extra });
  }

  function select(name, label, options) {
    return el('select', { name, 'aria-label': label }, options.map(([v, t]) => el('option', { value: v }, t)));
  }

  // A form that POSTs its non-empty fields; the error line next to it shows the problem details.
  function createForm(id, title, controls, toBody, path) {
    const error = el('p', { class: 'error', id: `${id}-error`, role: 'alert' });
    const form = el('form', { id }, controls, el('button', { type: 'submit' }, 'Create'));
    form.addEventListener('submit', async (evt) => {
      evt.preventDefault();
      error.textContent = '';
      const fd = new FormData(form);
      const values = {};
      for (const [k, v] of fd.entries()) if (String(v).trim() !== '') values[k] = String(v).trim();
      try {
        await api('POST', path, toBody(values));
        state.forceManage = true;
        await refresh();
      } catch (e) {
        error.textContent = e.message;
      }
    });
    return el('div', { class: 'card' }, el('h2', {}, title), form, error);
  }

  function listTable(id, headers, rows, del) {
    const error = el('p', { class: 'error', id: `${id}-error`, role: 'alert' });
    const table = el('table', { id }, el('tr', {}, headers.map((h) => el('th', {}, h)), el('th', {}, '')),
      rows.map((r) => el('tr', { 'data-id': r.id }, r.cells.map((c) => el('td', {}, c)),
        el('td', {}, el('button', {
          type: 'button', class: 'delete', title: `Delete ${r.label}`,
          onclick: async () => {
            error.textContent = '';
            try { await api('DELETE', `${del}/${enc(r.id)}`); state.forceManage = true; await refresh(); } catch (e) { error.textContent = e.message; }
          },
        }, 'Delete')))));
    return [table, error];
  }

  function renderManage(view) {
    const d = state.data;
    if (!d) return;
    const tenantName = new Map(d.tenants.map((t) => [t.id, t.name]));
    const token = el('input', { type: 'password', id: 'token', placeholder: 'REST token (if the controller has one)', value: sessionStorage.getItem('ofc-token') || '', size: 34 });
    token.addEventListener('change', () => sessionStorage.setItem('ofc-token', token.value));
    const int = (v) => (v === undefined ? undefined : Number(v));
    view.replaceChildren(
      el('h1', {}, 'Manage'),
      el('p', {}, 'These forms send the same REST calls as curl, with the same validation. ', token),
      el('div', { class: 'cards' },
        el('div', {}, createForm('tenant-form', 'New tenant', [field('name', 'name')], (v) => ({ name: v.name ?? '' }), 'tenants'),
          ...listTable('tenant-table', ['name', 'id'], d.tenants.map((t) => ({ id: t.id, label: t.name, cells: [t.name, el('code', {}, t.id)] })), 'tenants')),
        el('div', {}, createForm('network-form', 'New network', [
          select('tenantId', 'tenant', d.tenants.map((t) => [t.id, t.name])), field('name', 'name'),
          select('tunnelType', 'tunnel type', [['vxlan', 'vxlan'], ['gre', 'gre']]), field('segmentId', 'segment id (auto)', { size: 12 }), field('cidr', 'cidr (optional)', { size: 14 }),
        ], (v) => ({ tenantId: v.tenantId, name: v.name ?? '', tunnelType: v.tunnelType, segmentId: int(v.segmentId), cidr: v.cidr }), 'networks'),
        ...listTable('network-table', ['name', 'tenant', 'segment', 'cidr'], d.networks.map((n) => ({ id: n.id, label: n.name, cells: [n.name, tenantName.get(n.tenantId) ?? n.tenantId, `${n.tunnelType} ${n.segmentId}`, n.cidr || ''] })), 'networks')),
        el('div', {}, createForm('host-form', 'New host', [field('name', 'name'), field('datapathId', 'br-tun datapath id (hex)', { size: 20 }), field('tunnelIp', 'tunnel ip', { size: 14 })],
          (v) => ({ name: v.name ?? '', datapathId: v.datapathId, tunnelIp: v.tunnelIp }), 'hosts'),
        ...listTable('host-table', ['name', 'datapath id', 'tunnel ip'], d.hosts.map((h) => ({ id: h.id, label: h.name, cells: [el('a', { href: `#/host/${enc(h.id)}` }, h.name), el('code', {}, h.datapathId), h.tunnelIp] })), 'hosts')),
        el('div', {}, createForm('port-form', 'New port', [
          select('networkId', 'network', d.networks.map((n) => [n.id, `${n.name} (${tenantName.get(n.tenantId) ?? '?'})`])),
          select('hostId', 'host', d.hosts.map((h) => [h.id, h.name])), field('mac', 'mac aa:bb:cc:dd:ee:ff', { size: 19 }), field('ip', 'ip (optional)', { size: 12 }), field('name', 'name (optional)', { size: 12 }),
        ], (v) => ({ networkId: v.networkId, hostId: v.hostId, mac: v.mac, ip: v.ip, name: v.name }), 'ports'),
        ...listTable('port-table', ['name', 'mac', 'ip', 'network', 'host'], d.ports.map((p) => ({ id: p.id, label: p.name || p.mac, cells: [p.name, el('code', {}, p.mac), p.ip || '', p.networkName || p.networkId, p.hostName || p.hostId] })), 'ports'))));
  }

  // ---- routing and live updates ----------------------------------------------------------------
  function parseRoute() {
    const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
    if (parts[0] === 'switch' && parts[1]) return { name: 'switch', arg: parts[1] };
    if (parts[0] === 'host' && parts[1]) return { name: 'host', arg: parts[1] };
    if (parts[0] === 'manage') return { name: 'manage' };
    return { name: 'topology' };
  }

  async function renderRoute() {
    const route = parseRoute();
    state.route = route;
    for (const a of document.querySelectorAll('header nav a[data-nav]')) a.classList.toggle('active', a.dataset.nav === route.name);
    const topo = document.getElementById('topology-view');
    const view = document.getElementById('page-view');
    topo.hidden = route.name !== 'topology';
    view.hidden = route.name === 'topology';
    if (route.name === 'topology') {
      renderTopology();
      if (state.cy) { state.cy.resize(); }
    } else if (route.name === 'switch') await renderSwitch(view, route.arg);
    else if (route.name === 'host') await renderHost(view, route.arg);
    else {
      // Re-rendering the forms would drop what the operator is typing: not while a field has the focus,
      // unless this render follows the page's own write.
      const typing = view.contains(document.activeElement) && /^(INPUT|SELECT)$/.test(document.activeElement.tagName);
      if (route.name !== state.renderedManage || !typing || state.forceManage) renderManage(view);
      state.forceManage = false;
    }
    state.renderedManage = route.name === 'manage' ? 'manage' : null;
    state.renders++;
  }

  let refreshing = null;
  let again = false;
  // Refetch everything and re-render; events that arrive meanwhile fold into one more round.
  async function refresh() {
    if (refreshing) { again = true; return refreshing; }
    refreshing = (async () => {
      do {
        again = false;
        try {
          state.data = await loadAll();
          await renderRoute();
        } catch (e) {
          setLive(false, `refresh failed: ${e.message}`);
        }
      } while (again);
    })();
    try { await refreshing; } finally { refreshing = null; }
  }

  function setLive(on, text) {
    const live = document.getElementById('live');
    live.className = `live ${on ? 'on' : 'off'}`;
    live.textContent = text;
  }

  function connect() {
    const es = new EventSource('/api/v1/events');
    const onEvent = (evt) => {
      let e = {};
      try { e = JSON.parse(evt.data); } catch { e = {}; }
      state.version = e.version ?? state.version;
      setLive(true, `live · v${state.version}`);
      if (evt.type !== 'ping') refresh();
    };
    for (const kind of ['hello', 'store', 'switch-connected', 'switch-disconnected', 'switch-ports', 'ping']) es.addEventListener(kind, onEvent);
    es.onerror = () => setLive(false, 'reconnecting');
  }

  window.addEventListener('hashchange', () => { renderRoute(); });
  document.addEventListener('DOMContentLoaded', () => {
    refresh();
    connect();
  });
})();
