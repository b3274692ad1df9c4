// The iot-emulator console (docs/console.md). Reads only the emulator's own APIs: the IoT and
// Lambda control planes and iot-data on the same origin (unsigned requests are routed by path),
// the event journal and MQTT traffic through the live stream /_emulator/console/live (server-sent
// events). It keeps no state of its own beyond what it derives from those for display.
'use strict';

(() => {
  const journalKeep = 2000;   // journal events kept in the page
  const trafficKeep = 500;    // MQTT messages kept in the page
  const detailsLimit = 100;   // rows whose details (attachments, shadows) are fetched
  const refreshEveryMs = 4000;

  const state = {
    view: 'live',
    lastSeq: 0,
    filter: { topic: '', clientId: '' },
    certificates: new Map(),  // certificateId -> { history, lastConnect, lastRefusal, story }
    stories: [],              // certificate ids, oldest first
    rules: new Map(),         // ruleName -> { fired: [], failed: [], functions: [] }
    invocations: new Map(),   // functionName -> [lambda.invoked events], newest first
    denials: [],              // connect.refused / disconnect events for authorization
    known: { certificates: [], rules: [] },
  };

  // ---- small helpers ----------------------------------------------------------------------

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name === 'className') node.className = value;
      else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  const $ = (selector) => document.querySelector(selector);
  const shortId = (id) => (id && id.length > 12 ? id.slice(0, 12) + '…' : id || '');
  const clock = (time) => (time ? String(time).slice(11, 23) : '');
  const empty = (text) => el('span', { className: 'empty' }, text);

  function notice(text) {
    const box = $('#notice');
    box.textContent = text || '';
    box.hidden = !text;
  }

  function setConnection(kind, text) {
    const line = $('#connection');
    line.className = kind;
    line.textContent = text;
  }

  // An API call on the same origin; throws "<AWS error>: <message>" when it fails.
  async function api(method, path, options = {}) {
    const response = await fetch(path, {
      method,
      headers: options.headers || {},
      body: options.body,
    });
    const text = await response.text();
    if (!response.ok) {
      let message = text;
      try {
        const body = JSON.parse(text);
        message = body.message || body.Message || text;
      } catch (ignored) { /* not JSON */ }
      const type = (response.headers.get('x-amzn-ErrorType') || String(response.status)).split(':')[0];
      const error = new Error(type + ': ' + message);
      error.status = response.status;
      throw error;
    }
    return text ? JSON.parse(text) : {};
  }

  // Every page of a list operation (marker / nextToken style), up to a sane bound.
  async function listAll(path, member, pageParam, nextMember) {
    const items = [];
    let next = null;
    for (let page = 0; page < 20; ++page) {
      const separator = path.includes('?') ? '&' : '?';
      const url = next ? path + separator + pageParam + '=' + encodeURIComponent(next) : path;
      const body = await api('GET', url);
      items.push(...(body[member] || []));
      next = body[nextMember];
      if (!next) break;
    }
    return items;
  }

  const certificateArnPrefix = (arn) => arn.slice(0, arn.lastIndexOf('/') + 1);

  async function act(what, call) {
    try {
      await call();
      notice('');
      await refresh();
    } catch (error) {
      notice(what + ' failed: ' + error.message);
    }
  }

  function actionButton(label, name, subject, onclick, danger) {
    return el('button', {
      type: 'button', 'data-action': name, className: danger ? 'danger' : undefined,
      'aria-label': label + ' ' + subject, onclick,
    }, label);
  }

  // ---- what the journal tells ------------------------------------------------------------

  function certificate(id) {
    if (!state.certificates.has(id)) {
      state.certificates.set(id, { history: [], lastConnect: null, lastRefusal: null, story: [] });
    }
    return state.certificates.get(id);
  }

  function seeStatus(id, status) {
    const entry = certificate(id);
    const last = entry.history[entry.history.length - 1];
    if (status && last !== status) {
      entry.history.push(status);
      if (last) entry.story.push({ time: new Date().toISOString(), text: 'status now ' + status });
    }
  }

  function storyFor(id) {
    const entry = certificate(id);
    if (!state.stories.includes(id)) state.stories.push(id);
    return entry.story;
  }

  // The latest story of a certificate registered with `caId` (the registration event's topic
  // ends in the CA's id).
  function storyOfCa(caId) {
    for (let i = state.stories.length - 1; i >= 0; --i) {
      const entry = state.certificates.get(state.stories[i]);
      if (entry.caCertificateId === caId) return entry.story;
    }
    return null;
  }

  // The latest story with a rule step whose rule runs `functionName` (or whose rule's actions
  // are not known yet) and no Lambda step after it.
  function storyAwaitingLambda(functionName) {
    for (let i = state.stories.length - 1; i >= 0; --i) {
      const story = state.certificates.get(state.stories[i]).story;
      for (let j = story.length - 1; j >= 0; --j) {
        if (story[j].lambda) break;
        if (story[j].kind !== 'rule') continue;
        const functions = ruleEntry(story[j].rule).functions;
        if (!functions.length || functions.includes(functionName)) return story;
      }
    }
    return null;
  }

  // Puts `step` before the first step of `kind` (the step it caused), else at the end: the
  // journal records a registration before the refusal of the connect that caused it, and the
  // rule that fired on the registration event may come before the event reaches the page.
  function insertBefore(story, kind, step) {
    const at = story.findIndex((s) => s.kind === kind);
    if (at < 0) story.push(step);
    else story.splice(at, 0, step);
  }

  const registrationTopic = '$aws/events/certificates/registered/';

  function onJournal(event) {
    if (event.seq <= state.lastSeq) return;
    state.lastSeq = event.seq;
    showJournal(event);
    const id = event.certificateId;
    switch (event.kind) {
      case 'certificate.registered': {
        const entry = certificate(id);
        entry.caCertificateId = event.caCertificateId;
        // The status it was registered with comes first, even when a refresh saw a later one.
        if (!entry.history.length) entry.history.push(event.status);
        else if (entry.history[0] !== event.status) entry.history.unshift(event.status);
        showRegistered(id, event.status);
        insertBefore(storyFor(id), 'event', { time: event.time, kind: 'registered',
          text: 'registered ' + event.status + ' by ' + (event.how || '').toUpperCase() +
            ' (CA ' + shortId(event.caCertificateId) + ')' });
        break;
      }
      case 'connect.refused':
        if (id) {
          certificate(id).lastRefusal = event;
          const step = { time: event.time, kind: 'refused', text: 'connect refused: ' + event.reason };
          if (/registration event published/.test(event.reason || '')) {
            step.text = 'first connect refused: ' + event.reason;
            insertBefore(storyFor(id), 'registered', step);
          } else {
            storyFor(id).push(step);
          }
        }
        if (/not authorized|policy/i.test(event.reason || '')) state.denials.unshift(event);
        break;
      case 'connect.accepted':
        if (id) {
          certificate(id).lastConnect = event;
          if (state.stories.includes(id)) {
            storyFor(id).push({ time: event.time, kind: 'accepted',
              text: 'connected as ' + event.clientId + ' (MQTT ' + event.protocol + ')' });
          }
        }
        break;
      case 'disconnect':
        if (event.reason === 'AUTH_ERROR') state.denials.unshift(event);
        if (id && state.stories.includes(id)) {
          storyFor(id).push({ time: event.time, kind: 'disconnect',
            text: 'disconnected: ' + event.reason });
        }
        break;
      case 'rule.fired': {
        const rule = ruleEntry(event.ruleName);
        rule.fired.unshift(event);
        rule.fired.length = Math.min(rule.fired.length, 10);
        if ((event.topic || '').startsWith(registrationTopic)) {
          const story = storyOfCa(event.topic.slice(registrationTopic.length));
          if (story) story.push({ time: event.time, kind: 'rule', rule: event.ruleName,
            text: 'rule ' + event.ruleName + ' fired (' + event.actions + ' action(s))' });
        }
        break;
      }
      case 'rule.action_failed': {
        const rule = ruleEntry(event.ruleName);
        rule.failed.unshift(event);
        rule.failed.length = Math.min(rule.failed.length, 10);
        break;
      }
      case 'lambda.invoked': {
        const list = state.invocations.get(event.functionName) || [];
        list.unshift(event);
        list.length = Math.min(list.length, 20);
        state.invocations.set(event.functionName, list);
        const story = storyAwaitingLambda(event.functionName);
        if (story) story.push({ time: event.time, kind: event.result, lambda: true,
          text: 'Lambda ' + event.functionName + ': ' + event.result + ' in ' +
            event.durationMs + ' ms' + (event.error ? ' (' + event.error + ')' : '') });
        break;
      }
      case 'emulator.reset':
        state.certificates.clear();
        state.stories = [];
        state.rules.clear();
        state.invocations.clear();
        state.denials = [];
        break;
      default:
        break;
    }
    state.denials.length = Math.min(state.denials.length, 50);
    renderStories();
    scheduleRefresh();
  }

  function ruleEntry(name) {
    if (!state.rules.has(name)) state.rules.set(name, { fired: [], failed: [], functions: [] });
    return state.rules.get(name);
  }

  // ---- the live view ---------------------------------------------------------------------

  function journalLine(event) {
    const { seq, time, kind, ...fields } = event;
    const details = Object.entries(fields)
      .filter(([name]) => name !== 'logLines')
      .map(([name, value]) => name + '=' + (typeof value === 'string' ? value : JSON.stringify(value)))
      .join(' ');
    const tone = kind.split('.').pop();
    const item = el('li', { 'data-kind': kind },
      el('span', { className: 'time' }, clock(time)),
      el('span', { className: 'kind ' + tone + (fields.result ? ' ' + fields.result : '') }, kind),
      details);
    if (fields.logLines && fields.logLines.length) {
      item.append(el('details', {}, el('summary', {}, fields.logLines.length + ' log line(s)'),
        el('pre', { tabindex: 0 }, fields.logLines.join('\n'))));
    }
    return item;
  }

  function showJournal(event) {
    const list = $('#journal');
    list.prepend(journalLine(event));
    while (list.children.length > journalKeep) list.lastChild.remove();
  }

  function onMessage(message) {
    if ((message.topic || '').startsWith(registrationTopic)) {
      try {
        const body = JSON.parse(message.payload);
        if (body.certificateId) {
          insertBefore(storyFor(body.certificateId), 'rule', { time: new Date(message.time).toISOString(),
            kind: 'event', text: 'registration event published on ' + message.topic });
          renderStories();
        }
      } catch (ignored) { /* not the registration event's JSON */ }
    }
    const list = $('#traffic');
    list.prepend(el('li', { 'data-topic': message.topic },
      el('span', { className: 'time' }, clock(new Date(message.time).toISOString())),
      el('span', { className: 'kind' }, message.topic),
      (message.clientId ? '[' + message.clientId + '] ' : '[emulator] ') +
        'qos ' + message.qos + (message.retain ? ' retained ' : ' ') +
        message.payload + (message.truncated ? ' … (' + message.bytes + ' bytes)' : '')));
    while (list.children.length > trafficKeep) list.lastChild.remove();
  }

  function renderStories() {
    const list = $('#stories');
    list.replaceChildren(...state.stories.slice().reverse().map((id) => {
      const entry = state.certificates.get(id);
      return el('li', { 'data-certificate-id': id },
        el('strong', {}, 'certificate ' + shortId(id)),
        ' now ', el('span', { className: 'status ' + (entry.history.at(-1) || '') },
          entry.history.at(-1) || '?'),
        el('ol', {}, entry.story.map((step) =>
          el('li', { 'data-step': step.kind }, el('span', { className: 'time' }, clock(step.time)),
            step.text))));
    }));
    if (!state.stories.length) list.replaceChildren(el('li', {}, empty('no device onboarded yet')));
  }

  let source = null;
  let reopenTimer = null;

  function openStream() {
    if (source) source.close();
    clearTimeout(reopenTimer);
    const query = new URLSearchParams({ after: String(state.lastSeq) });
    if (state.filter.topic) query.set('topic', state.filter.topic);
    if (state.filter.clientId) query.set('clientId', state.filter.clientId);
    source = new EventSource('/_emulator/console/live?' + query);
    source.onopen = () => setConnection('live', 'live: journal and MQTT traffic streaming');
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) {
        // Refused (too many viewers, a bad filter) or gone: try again in a while.
        setConnection('down', 'live stream unavailable; retrying');
        reopenTimer = setTimeout(openStream, 3000);
      } else {
        setConnection('down', 'live stream interrupted; reconnecting');
      }
    };
    source.addEventListener('journal', (e) => onJournal(JSON.parse(e.data)));
    source.addEventListener('message', (e) => onMessage(JSON.parse(e.data)));
    source.addEventListener('dropped', (e) => {
      const { messages } = JSON.parse(e.data);
      $('#traffic').prepend(el('li', {}, empty(messages + ' message(s) not shown: the page fell behind')));
    });
  }

  $('#filter-form').addEventListener('submit', (e) => {
    e.preventDefault();
    state.filter.topic = $('#filter-topic').value.trim();
    state.filter.clientId = $('#filter-client').value.trim();
    $('#traffic').replaceChildren();
    openStream();
  });

  $('#publish-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const topic = $('#publish-topic').value.trim();
    const query = new URLSearchParams({ qos: $('#publish-qos').value });
    if ($('#publish-retain').checked) query.set('retain', 'true');
    const path = '/topics/' + topic.split('/').map(encodeURIComponent).join('/') + '?' + query;
    const result = $('#publish-result');
    try {
      await api('POST', path, { body: $('#publish-payload').value });
      result.textContent = 'published to ' + topic;
    } catch (error) {
      result.textContent = 'not published: ' + error.message;
    }
  });

  // ---- fleet views -----------------------------------------------------------------------

  function statusCell(status) {
    return el('td', { 'data-field': 'status' }, el('span', { className: 'status ' + status }, status));
  }

  async function renderCas() {
    const cas = await listAll('/cacertificates?pageSize=250', 'certificates', 'marker', 'nextMarker');
    const rows = await Promise.all(cas.map(async (ca) => {
      const id = ca.certificateId;
      let description = {};
      let registration = null;
      try {
        const body = await api('GET', '/cacertificate/' + id);
        description = body.certificateDescription || {};
        registration = body.registrationConfig || null;
      } catch (error) { description = { status: ca.status }; }
      const template = registration && (registration.templateName || registration.templateBody);
      const subject = 'CA certificate ' + shortId(id);
      const status = description.status || ca.status;
      const auto = description.autoRegistrationStatus || 'DISABLE';
      return el('tr', { 'data-ca-certificate-id': id },
        el('td', { className: 'id' }, id),
        statusCell(status),
        el('td', {}, el('span', { className: 'status ' + auto }, auto)),
        el('td', {}, template
          ? (registration.templateName ? registration.templateName
            : el('details', {}, el('summary', {}, 'template body'), el('pre', { tabindex: 0 }, template)))
          : empty('none')),
        el('td', {}, (ca.creationDate ? new Date(ca.creationDate * 1000).toISOString() : '').slice(0, 19)),
        el('td', { className: 'actions' },
          status === 'ACTIVE'
            ? actionButton('Deactivate', 'deactivate', subject, () => act('Deactivate',
              () => api('PUT', '/cacertificate/' + id + '?newStatus=INACTIVE')))
            : actionButton('Activate', 'activate', subject, () => act('Activate',
              () => api('PUT', '/cacertificate/' + id + '?newStatus=ACTIVE'))),
          auto === 'ENABLE'
            ? actionButton('Disable auto-registration', 'disable-auto-registration', subject,
              () => act('Disable auto-registration',
                () => api('PUT', '/cacertificate/' + id + '?newAutoRegistrationStatus=DISABLE')))
            : actionButton('Enable auto-registration', 'enable-auto-registration', subject,
              () => act('Enable auto-registration',
                () => api('PUT', '/cacertificate/' + id + '?newAutoRegistrationStatus=ENABLE'))),
          actionButton('Delete', 'delete', subject, () => confirm('Delete ' + subject + '?') &&
            act('Delete', () => api('DELETE', '/cacertificate/' + id)), true)));
    }));
    $('#cas-table tbody').replaceChildren(...rows);
  }

  const certificateDetails = new Map();  // certificateId -> caCertificateId (never changes)

  async function loadCertificates() {
    const certificates = await listAll('/certificates?pageSize=250', 'certificates', 'marker', 'nextMarker');
    for (const c of certificates) seeStatus(c.certificateId, c.status);
    state.known.certificates = certificates;
    return certificates;
  }

  async function renderCertificates() {
    const certificates = await loadCertificates();
    const rows = await Promise.all(certificates.map(async (c, index) => {
      const id = c.certificateId;
      let things = null;
      let policies = null;
      if (index < detailsLimit) {
        try {
          if (!certificateDetails.has(id)) {
            const body = await api('GET', '/certificates/' + id);
            certificateDetails.set(id, body.certificateDescription.caCertificateId || '');
          }
          const principal = { 'x-amzn-principal': c.certificateArn };
          things = (await api('GET', '/principals/things', { headers: principal })).things || [];
          policies = ((await api('POST', '/attached-policies/' + encodeURIComponent(c.certificateArn)))
            .policies || []).map((p) => p.policyName);
        } catch (error) { /* deleted meanwhile: the next refresh drops the row */ }
      }
      return certificateRow(c, things, policies);
    }));
    $('#certificates-table tbody').replaceChildren(...rows);
  }

  // A row as the journal announces a registration, before the next refresh fills it in.
  function showRegistered(id, status) {
    if (state.view !== 'certificates' || document.querySelector(`tr[data-certificate-id="${id}"]`)) return;
    $('#certificates-table tbody').append(certificateRow({ certificateId: id, status }, null, null));
  }

  function certificateRow(c, things, policies) {
    const id = c.certificateId;
    const entry = certificate(id);
    const ca = certificateDetails.get(id);
    const subject = 'certificate ' + shortId(id);
    const update = (label, name, status, danger) => actionButton(label, name, subject,
      () => (!danger || confirm(label + ' ' + subject + '?')) &&
        act(label, () => api('PUT', '/certificates/' + id + '?newStatus=' + status)), danger);
    return el('tr', { 'data-certificate-id': id },
      el('td', { className: 'id' }, id),
      statusCell(c.status),
      el('td', { 'data-field': 'history' }, entry.history.join(' → ')),
      el('td', { className: 'id' }, ca ? shortId(ca) : empty(ca === '' ? 'none' : '…')),
      el('td', {}, things ? (things.length ? things.join(', ') : empty('none')) : empty('…')),
      el('td', {}, policies ? (policies.length ? policies.join(', ') : empty('none')) : empty('…')),
      el('td', { 'data-field': 'lastConnect' }, entry.lastConnect
        ? clock(entry.lastConnect.time) + ' as ' + entry.lastConnect.clientId : empty('none seen')),
      el('td', { 'data-field': 'lastRefusal' }, entry.lastRefusal
        ? clock(entry.lastRefusal.time) + ' ' + entry.lastRefusal.reason : empty('none seen')),
      el('td', { className: 'actions' },
        c.status !== 'ACTIVE' && c.status !== 'REVOKED' && update('Activate', 'activate', 'ACTIVE'),
        c.status === 'ACTIVE' && update('Deactivate', 'deactivate', 'INACTIVE'),
        c.status !== 'REVOKED' && update('Revoke', 'revoke', 'REVOKED', true),
        actionButton('Delete', 'delete', subject, () => confirm('Delete ' + subject + '?') &&
          act('Delete', () => api('DELETE', '/certificates/' + id + '?forceDelete=true')), true)));
  }

  async function renderThings() {
    const things = await listAll('/things?maxResults=250', 'things', 'nextToken', 'nextToken');
    const groups = await listAll('/thing-groups?maxResults=250', 'thingGroups', 'nextToken', 'nextToken');
    const groupsOf = new Map();
    await Promise.all(groups.map(async (group) => {
      const members = await listAll('/thing-groups/' + encodeURIComponent(group.groupName) +
        '/things?maxResults=250', 'things', 'nextToken', 'nextToken');
      for (const name of members) groupsOf.set(name, [...(groupsOf.get(name) || []), group.groupName]);
    }));
    const rows = await Promise.all(things.map(async (thing, index) => {
      const name = thing.thingName;
      const path = '/things/' + encodeURIComponent(name);
      let principals = null;
      let shadow = null;
      if (index < detailsLimit) {
        try {
          principals = (await api('GET', path + '/principals')).principals || [];
          shadow = await api('GET', path + '/shadow').catch((error) =>
            (error.status === 404 ? null : Promise.reject(error)));
        } catch (error) { /* deleted meanwhile */ }
      }
      const attributes = Object.entries(thing.attributes || {});
      return el('tr', { 'data-thing-name': name },
        el('td', {}, name),
        el('td', {}, thing.thingTypeName || empty('none')),
        el('td', {}, attributes.length
          ? el('ul', {}, attributes.map(([k, v]) => el('li', {}, k + ' = ' + v))) : empty('none')),
        el('td', {}, (groupsOf.get(name) || []).join(', ') || empty('none')),
        el('td', { className: 'id' }, principals
          ? (principals.length ? principals.map((p) => shortId(p.split('/').pop())).join(', ') : empty('none'))
          : empty('…')),
        el('td', {}, shadow
          ? el('details', {}, el('summary', {}, 'classic shadow, version ' + shadow.version),
            el('pre', { tabindex: 0 }, JSON.stringify(shadow.state, null, 2)))
          : empty('none')),
        el('td', { className: 'actions' }, actionButton('Delete', 'delete', 'thing ' + name,
          () => confirm('Delete thing ' + name + '?') && act('Delete', () => api('DELETE', path)), true)));
    }));
    $('#things-table tbody').replaceChildren(...rows);
  }

  async function renderPolicies() {
    const policies = await listAll('/policies?pageSize=250', 'policies', 'marker', 'nextMarker');
    const rows = await Promise.all(policies.map(async (policy) => {
      const name = policy.policyName;
      const path = '/policies/' + encodeURIComponent(name);
      let document = '';
      let targets = [];
      try {
        const body = await api('GET', path);
        document = JSON.stringify(JSON.parse(body.policyDocument), null, 2);
        targets = (await api('POST', '/policy-targets/' + encodeURIComponent(name))).targets || [];
      } catch (error) { /* deleted meanwhile */ }
      return el('tr', { 'data-policy-name': name },
        el('td', {}, name),
        el('td', {}, el('pre', { tabindex: 0 }, document)),
        el('td', { className: 'id' }, targets.length
          ? el('ul', {}, targets.map((t) => el('li', {}, shortId(t.split('/').pop())))) : empty('none')),
        el('td', { className: 'actions' }, actionButton('Delete', 'delete', 'policy ' + name,
          () => confirm('Delete policy ' + name + '?') && act('Delete', () => api('DELETE', path)), true)));
    }));
    $('#policies-table tbody').replaceChildren(...rows);
    $('#denials').replaceChildren(...(state.denials.length ? state.denials.map((event) =>
      el('li', {}, el('span', { className: 'time' }, clock(event.time)),
        event.kind + ' ' + (event.clientId || '') + ' certificate ' + shortId(event.certificateId) +
        ': ' + event.reason)) : [el('li', {}, empty('none seen'))]));
  }

  function actionSummary(action) {
    const [kind, body] = Object.entries(action)[0] || ['?', {}];
    const target = body.functionArn || body.topic || body.url || '';
    return kind + (target ? ' → ' + target : '');
  }

  async function loadRules() {
    const rules = await listAll('/rules?maxResults=250', 'rules', 'nextToken', 'nextToken');
    return Promise.all(rules.map(async (summary) => {
      let rule = {};
      try {
        rule = (await api('GET', '/rules/' + encodeURIComponent(summary.ruleName))).rule || {};
      } catch (error) { /* deleted meanwhile */ }
      const functions = (rule.actions || []).filter((a) => a.lambda)
        .map((a) => a.lambda.functionArn.split(':').slice(6, 7)[0]);
      ruleEntry(summary.ruleName).functions = functions;
      return { summary, rule };
    }));
  }

  async function renderRules() {
    const rules = await loadRules();
    const rows = rules.map(({ summary, rule }) => {
      const name = summary.ruleName;
      const entry = ruleEntry(name);
      const disabled = rule.ruleDisabled ?? summary.ruleDisabled;
      const path = '/rules/' + encodeURIComponent(name);
      const subject = 'rule ' + name;
      return el('tr', { 'data-rule-name': name },
        el('td', {}, name),
        el('td', { 'data-field': 'state' }, el('span', { className: 'status ' + (disabled ? 'disabled' : 'enabled') },
          disabled ? 'disabled' : 'enabled')),
        el('td', {}, el('pre', { tabindex: 0 }, rule.sql || '')),
        el('td', {}, el('ul', {}, [...(rule.actions || []).map((a) => el('li', {}, actionSummary(a))),
          rule.errorAction ? el('li', {}, 'on error: ' + actionSummary(rule.errorAction)) : null])),
        el('td', {}, entry.fired.length ? el('ul', {}, entry.fired.map((e) =>
          el('li', {}, clock(e.time) + ' ' + e.topic))) : empty('none seen')),
        el('td', {}, entry.failed.length ? el('ul', {}, entry.failed.map((e) =>
          el('li', {}, clock(e.time) + ' ' + e.action + ' ' + e.resource + ': ' + e.error)))
          : empty('none seen')),
        el('td', { className: 'actions' },
          disabled
            ? actionButton('Enable', 'enable', subject, () => act('Enable', () => api('POST', path + '/enable')))
            : actionButton('Disable', 'disable', subject, () => act('Disable', () => api('POST', path + '/disable'))),
          actionButton('Delete', 'delete', subject, () => confirm('Delete ' + subject + '?') &&
            act('Delete', () => api('DELETE', path)), true)));
    });
    $('#rules-table tbody').replaceChildren(...rows);
  }

  async function renderFunctions() {
    const functions = await listAll('/2015-03-31/functions?MaxItems=50', 'Functions', 'Marker', 'NextMarker');
    const rows = functions.map((fn) => {
      const name = fn.FunctionName;
      const invocations = state.invocations.get(name) || [];
      return el('tr', { 'data-function-name': name },
        el('td', {}, name),
        el('td', {}, fn.Runtime + ' ' + fn.Handler),
        el('td', {}, invocations.length ? el('ul', {}, invocations.map((e) => el('li', {},
          clock(e.time) + ' ', el('span', { className: 'kind ' + e.result }, e.result),
          ' ' + e.durationMs + ' ms' + (e.error ? ' ' + e.error : ''),
          e.logLines && e.logLines.length ? el('details', {},
            el('summary', {}, e.logLines.length + ' log line(s)'), el('pre', { tabindex: 0 }, e.logLines.join('\n'))) : null)))
          : empty('none seen')),
        el('td', { className: 'actions' }, actionButton('Delete', 'delete', 'function ' + name,
          () => confirm('Delete function ' + name + '?') &&
            act('Delete', () => api('DELETE', '/2015-03-31/functions/' + encodeURIComponent(name))), true)));
    });
    $('#functions-table tbody').replaceChildren(...rows);
  }

  const renderers = {
    live: async () => {
      // The stories need the certificates' statuses and the rules' Lambda actions.
      await Promise.all([loadCertificates(), loadRules()]);
      renderStories();
    },
    cas: renderCas,
    certificates: renderCertificates,
    things: renderThings,
    policies: renderPolicies,
    rules: renderRules,
    functions: renderFunctions,
  };

  // ---- refreshing ------------------------------------------------------------------------

  let refreshing = null;
  let again = false;
  let refreshTimer = null;

  async function refresh() {
    if (refreshing) {
      again = true;
      return refreshing;
    }
    refreshing = (async () => {
      do {
        again = false;
        try {
          await renderers[state.view]();
          if (state.view !== 'live') {
            // The stories need the statuses and the rules' Lambda actions whatever the view.
            await Promise.all([loadCertificates(), state.view === 'rules' ? null : loadRules()]);
            renderStories();
          }
        } catch (error) {
          notice('Could not read the emulator: ' + error.message);
        }
      } while (again);
      refreshing = null;
    })();
    return refreshing;
  }

  function scheduleRefresh() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(refresh, 150);
  }

  function show(view) {
    if (!renderers[view]) view = 'live';
    state.view = view;
    for (const section of document.querySelectorAll('.view')) section.hidden = section.id !== 'view-' + view;
    for (const link of document.querySelectorAll('nav a')) {
      if (link.dataset.view === view) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    refresh();
  }

  window.addEventListener('hashchange', () => show(location.hash.slice(1)));
  // What the journal does not tell (a status changed with the CLI) shows up within a few seconds.
  setInterval(() => { if (!document.hidden) refresh(); }, refreshEveryMs);
  renderStories();
  show(location.hash.slice(1) || 'live');
  openStream();
})();
