'use strict';
// The load generator behind bench/run: one MQTT broker over mutual TLS, one measurement per
// invocation, one JSON object on stdout. It knows nothing about which broker it is measuring;
// bench/run gives it the address, the client identity and the broker's pid (for /proc).
// Clients speak MQTT 3.1.1, except in qos0v5 and qos1v5, which are qos0 and qos1 over MQTT 5.
// qos0_4k and qos1_4k are qos0 and qos1 with 4 KiB payloads; idle_many is idle with
// --many-connections (default 5000); fanout is one publisher to --subscribers (default 100).
//
//   node loadgen.js <connects|qos0|qos1|qos0v5|qos1v5|qos0_4k|qos1_4k|fanout|offline|idle|
//                    idle_many>
//                   --port P --pid PID --ca F --cert F --key F [--host 127.0.0.1] [--duration S]
//                   [--connectors N] [--connections N] [--many-connections N] [--subscribers N]
//   node loadgen.js report <results-dir>      the table bench/run prints
//
// Every client is MQTT.js, so both brokers face the same client code, and the same certificate.

const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const tls = require('node:tls');
const { MqttClient } = require('mqtt');

const CLOCK_TICKS = 100; // USER_HZ: /proc/<pid>/stat counts CPU time in these (getconf CLK_TCK)

// ---- arguments and the broker process ------------------------------------------------------

function parse_args(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || argv[i + 1] === undefined)
      throw new Error(`bad argument: ${argv[i]}`);
    args[argv[i].slice(2)] = argv[i + 1];
  }
  return args;
}

// utime + stime of the broker, in seconds (fields 14 and 15, counted after the ")" of the name).
function broker_cpu_seconds(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

function broker_rss_kib(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)[1]);
}

// The load generator's own CPU: near a full core means the client, not the broker, set the pace.
function own_cpu_seconds() {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds_now = () => performance.now() / 1000;

// ---- one MQTT client -----------------------------------------------------------------------

// Resolves once CONNACK arrived; rejects if the connection fails or closes first. No reconnects:
// a broker that drops a client must show up as a failure, not be hidden by a retry.
function connect(target, client_id, protocolVersion = 4, clean = true, on_message = null) {
  // Our own stream, for two reasons. The socket gets TCP_NODELAY before the handshake
  // (tls.connect ignores the option): with Nagle on, the CONNECT that follows the client's
  // Finished waits for a delayed ACK (~40 ms, bench/README.md "What this machine class costs"). And
  // every connection shares one SecureContext: given ca/cert/key, tls.connect parses the PEM files
  // again each time, which made the client, not the broker, the bottleneck of the connect test.
  // Sessions are never resumed (no `session` option), so each connect is a full mutual-TLS
  // handshake.
  const stream_builder = () => {
    const socket = net.connect({ host: target.host, port: target.port, noDelay: true });
    return tls.connect({ socket, host: target.host, secureContext: target.tls });
  };
  const client = new MqttClient(stream_builder, {
    clientId: client_id,
    protocolVersion,
    clean,
    keepalive: 60, // AWS's range is 30–1200 s; nothing in a run idles that long
    reconnectPeriod: 0,
    connectTimeout: 10_000,
  });
  // Messages a resumed session gets right behind CONNACK come before the promise resolves.
  if (on_message) client.on('message', on_message);
  return new Promise((resolve, reject) => {
    const fail = (error) => {
      client.end(true);
      reject(error);
    };
    client.once('connect', () => {
      client.removeListener('error', fail);
      client.removeListener('close', closed_early);
      // From here on an error ends the connection: kept for the measurement to report, never
      // an unhandled 'error' event that kills the load generator.
      client.on('error', (error) => (client.failure ??= error));
      resolve(client);
    });
    const closed_early = () => fail(new Error(`${client_id}: connection closed before CONNACK`));
    client.once('error', fail);
    client.once('close', closed_early);
  });
}

// ---- the measurements ------------------------------------------------------------------------

// Full mTLS handshake + CONNECT + CONNACK + DISCONNECT, over and over, by a few connectors at
// once so the broker always has a handshake to work on. New client ids every time, so the broker
// never takes a session over.
async function measure_connects(target, { duration, connectors }) {
  let connects = 0;
  let failures = 0;
  let last_failure = null;
  const cpu_before = broker_cpu_seconds(target.pid);
  const own_before = own_cpu_seconds();
  const start = seconds_now();
  const end = start + duration;
  const connector = async (index) => {
    for (let n = 0; seconds_now() < end; ++n) {
      try {
        const client = await connect(target, `bench-connect-${index}-${n}`);
        await client.endAsync(); // DISCONNECT, then the socket closes
        if (client.failure) throw client.failure;
        ++connects;
      } catch (error) {
        ++failures;
        last_failure = error.message;
      }
    }
  };
  await Promise.all(Array.from({ length: connectors }, (_, i) => connector(i)));
  const elapsed = seconds_now() - start; // includes the connects still in flight at `end`
  const cpu = broker_cpu_seconds(target.pid) - cpu_before;
  return {
    connects,
    loadgen_cpu_seconds: own_cpu_seconds() - own_before,
    failures,
    last_failure,
    seconds: elapsed,
    broker_cpu_seconds: cpu,
    per_second: connects / elapsed,
    per_broker_cpu_second: cpu > 0 ? connects / cpu : null,
  };
}

// One publisher → one subscriber, 100-byte payloads (or `size`); what counts is messages the
// subscriber got.
// Both clients live in this process, so the window can be exact: QoS 1 keeps at most 100
// PUBLISHes without a PUBACK (AWS's and mosquitto's inflight limit); QoS 0 has no acknowledgement,
// so it keeps at most 1000 messages sent but not yet received, rather than flooding the broker's
// queues and measuring how fast they grow. Each payload carries a sequence number, so losses,
// duplicates and reordering are counted, not assumed away.
async function measure_throughput(target, { duration, qos, version = 4, size = 100 }) {
  const topic = `bench/qos${qos}`;
  const window = qos === 0 ? 1000 : 100;
  const warm_up = Math.min(1, duration / 5); // TLS buffers, allocator and JIT settle first

  const subscriber = await connect(target, `bench-sub-qos${qos}-v${version}-${size}`, version);
  await subscriber.subscribeAsync(topic, { qos });
  const publisher = await connect(target, `bench-pub-qos${qos}-v${version}-${size}`, version);

  let sent = 0;
  let acknowledged = 0;
  let received = 0;
  let out_of_order = 0;
  let publish_errors = 0;
  let publishing = true;
  let broken = null; // the first client error or close: the run is reported as failed
  const on_broken = (who) => (error) => {
    broken ??= `${who}: ${error ? error.message : 'connection closed'}`;
    publishing = false;
  };
  subscriber.on('error', on_broken('subscriber'));
  subscriber.on('close', on_broken('subscriber'));
  publisher.on('error', on_broken('publisher'));
  publisher.on('close', on_broken('publisher'));

  const template = Buffer.alloc(size, 'x');
  const pump = () => {
    while (publishing && (qos === 0 ? sent - received : sent - acknowledged) < window) {
      const payload = Buffer.from(template);
      payload.writeUInt32BE(sent++, 0);
      publisher.publish(topic, payload, { qos }, qos === 1 ? on_puback : undefined);
    }
  };
  const on_puback = (error) => {
    if (error) ++publish_errors;
    ++acknowledged;
    pump();
  };
  subscriber.on('message', (_topic, payload) => {
    if (payload.readUInt32BE(0) !== received) ++out_of_order;
    ++received;
    if (qos === 0) pump();
  });

  pump();
  await sleep(warm_up * 1000);
  // Taken in by the broker: PUBACKed for QoS 1; for QoS 0, which has no acknowledgement, sent.
  const accepted = () => (qos === 0 ? sent : acknowledged);
  const received_before = received;
  const accepted_before = accepted();
  const cpu_before = broker_cpu_seconds(target.pid);
  const own_before = own_cpu_seconds();
  const start = seconds_now();
  await sleep(duration * 1000);
  const counted = received - received_before;
  const accepted_in_window = accepted() - accepted_before;
  const elapsed = seconds_now() - start;
  const cpu = broker_cpu_seconds(target.pid) - cpu_before;
  const own_cpu = own_cpu_seconds() - own_before;
  // Accepted but not yet delivered: a figure that keeps growing means the broker takes messages
  // in faster than it hands them out, and queues the difference.
  const backlog = accepted() - received;

  // Stop, then let what is queued arrive; only 2 s without progress calls the rest lost.
  publishing = false;
  for (let last = received, quiet_since = seconds_now(); received < sent && !broken; ) {
    await sleep(20);
    if (received !== last) [last, quiet_since] = [received, seconds_now()];
    else if (seconds_now() - quiet_since > 2) break;
  }
  const lost = sent - received;
  subscriber.removeAllListeners('close');
  publisher.removeAllListeners('close');
  await Promise.all([publisher.endAsync(), subscriber.endAsync()]);
  return {
    qos,
    size,
    window,
    seconds: elapsed,
    received_in_window: counted,
    accepted_in_window,
    per_second: counted / elapsed,
    broker_cpu_seconds: cpu,
    broker_cpu_us_per_message: counted > 0 ? (cpu * 1e6) / counted : null,
    loadgen_cpu_seconds: own_cpu,
    backlog_at_end: backlog,
    sent,
    received,
    lost,
    out_of_order,
    publish_errors,
    broken,
  };
}

// One publisher → `subscribers` subscribers of one topic, QoS 0, 100-byte payloads: every message
// the broker takes in goes out `subscribers` times. The publisher keeps at most 100 messages that
// not every subscriber has received yet (so the broker's queues do not just grow); what counts is
// deliveries, messages received summed over the subscribers, and broker CPU per delivery. Each
// subscriber checks the sequence numbers it gets; afterwards every subscriber must have every
// message, in order.
async function measure_fanout(target, { duration, subscribers }) {
  const topic = 'bench/fanout';
  const window = 100;
  const warm_up = Math.min(1, duration / 5);
  const parallel = 20; // connects at once while the subscribers come up

  const clients = [];
  for (let first = 0; first < subscribers; first += parallel) {
    const batch = Array.from({ length: Math.min(parallel, subscribers - first) }, async (_, i) => {
      const client = await connect(target, `bench-fanout-sub-${first + i}`);
      await client.subscribeAsync(topic, { qos: 0 });
      return client;
    });
    clients.push(...(await Promise.all(batch)));
  }
  const publisher = await connect(target, 'bench-fanout-pub');

  let sent = 0;
  let completed = 0; // messages every subscriber has received, in sequence order
  let deliveries = 0;
  let out_of_order = 0;
  let publishing = true;
  let broken = null;
  const arrivals = new Uint32Array(window); // per outstanding message, subscribers that have it
  const expected = new Uint32Array(subscribers); // per subscriber, the next sequence number
  const on_broken = (who) => (error) => {
    broken ??= `${who}: ${error ? error.message : 'connection closed'}`;
    publishing = false;
  };
  const template = Buffer.alloc(100, 'x');
  const pump = () => {
    while (publishing && sent - completed < window) {
      const payload = Buffer.from(template);
      payload.writeUInt32BE(sent++, 0);
      publisher.publish(topic, payload, { qos: 0 });
    }
  };
  clients.forEach((client, index) => {
    client.on('error', on_broken(`subscriber ${index}`));
    client.on('close', on_broken(`subscriber ${index}`));
    client.on('message', (_topic, payload) => {
      const n = payload.readUInt32BE(0);
      if (n !== expected[index]) ++out_of_order;
      expected[index] = n + 1;
      ++deliveries;
      if (n >= completed && n < sent && ++arrivals[n % window] === subscribers) {
        while (completed < sent && arrivals[completed % window] === subscribers)
          arrivals[completed++ % window] = 0;
        pump();
      }
    });
  });
  publisher.on('error', on_broken('publisher'));
  publisher.on('close', on_broken('publisher'));

  pump();
  await sleep(warm_up * 1000);
  const deliveries_before = deliveries;
  const completed_before = completed;
  const cpu_before = broker_cpu_seconds(target.pid);
  const own_before = own_cpu_seconds();
  const start = seconds_now();
  await sleep(duration * 1000);
  const counted = deliveries - deliveries_before;
  const published = completed - completed_before;
  const elapsed = seconds_now() - start;
  const cpu = broker_cpu_seconds(target.pid) - cpu_before;
  const own_cpu = own_cpu_seconds() - own_before;

  publishing = false;
  const expected_total = () => sent * subscribers;
  for (let last = deliveries, quiet_since = seconds_now(); deliveries < expected_total() && !broken; ) {
    await sleep(20);
    if (deliveries !== last) [last, quiet_since] = [deliveries, seconds_now()];
    else if (seconds_now() - quiet_since > 2) break;
  }
  const lost = sent * subscribers - deliveries;
  for (const client of [publisher, ...clients]) client.removeAllListeners('close');
  await Promise.all([publisher, ...clients].map((client) => client.endAsync()));
  return {
    subscribers,
    window,
    seconds: elapsed,
    deliveries_in_window: counted,
    per_second: counted / elapsed,
    published_per_second: published / elapsed,
    broker_cpu_seconds: cpu,
    broker_cpu_us_per_message: counted > 0 ? (cpu * 1e6) / counted : null,
    loadgen_cpu_seconds: own_cpu,
    sent,
    deliveries,
    lost,
    out_of_order,
    broken,
  };
}

// QoS 1 publishes to a topic whose one subscriber is a persistent session (clean session 0)
// that is offline, so every message is queued for it: PUBACKs per second and broker CPU per
// message (the emulator writes each one to its state database before the PUBACK). Then the
// subscriber comes back and takes its queue: the newest min(sent, limit) messages, in order.
async function measure_offline(target, { duration }) {
  const topic = 'bench/offline';
  const window = 100;
  const client_id = 'bench-sub-offline';
  const first = await connect(target, client_id, 4, false);
  await first.subscribeAsync(topic, { qos: 1 });
  await first.endAsync();
  const publisher = await connect(target, 'bench-pub-offline');
  let sent = 0;
  let acknowledged = 0;
  let publish_errors = 0;
  let publishing = true;
  let broken = null;
  publisher.on('close', () => {
    broken ??= 'publisher: connection closed';
    publishing = false;
  });
  const template = Buffer.alloc(100, 'x');
  const pump = () => {
    while (publishing && sent - acknowledged < window) {
      const payload = Buffer.from(template);
      payload.writeUInt32BE(sent++, 0);
      publisher.publish(topic, payload, { qos: 1 }, (error) => {
        if (error) ++publish_errors;
        ++acknowledged;
        pump();
      });
    }
  };
  pump();
  const cpu_before = broker_cpu_seconds(target.pid);
  const acknowledged_before = acknowledged;
  const start = seconds_now();
  await sleep(duration * 1000);
  const counted = acknowledged - acknowledged_before;
  const elapsed = seconds_now() - start;
  const cpu = broker_cpu_seconds(target.pid) - cpu_before;
  publishing = false;
  while (acknowledged < sent && !broken) await sleep(20);
  publisher.removeAllListeners('close');
  await publisher.endAsync();

  // The queue: every message received must be newer than the one before it, and the last one
  // must be the last one sent (the oldest give way when a queue is full, never the newest).
  let received = 0;
  let out_of_order = 0;
  let last = -1;
  const returning = await connect(target, client_id, 4, false, (_topic, payload) => {
    const n = payload.readUInt32BE(0);
    if (n <= last) ++out_of_order;
    last = n;
    ++received;
  });
  for (let seen = -1, quiet_since = seconds_now(); last !== sent - 1; ) {
    await sleep(20);
    if (received !== seen) [seen, quiet_since] = [received, seconds_now()];
    else if (seconds_now() - quiet_since > 2) break;
  }
  await returning.endAsync();
  const clean = await connect(target, client_id, 4, true); // leaves no session behind
  await clean.endAsync();
  return {
    window,
    seconds: elapsed,
    per_second: counted / elapsed,
    broker_cpu_seconds: cpu,
    broker_cpu_us_per_message: counted > 0 ? (cpu * 1e6) / counted : null,
    sent,
    received_after_reconnect: received,
    newest_received: last === sent - 1,
    out_of_order,
    publish_errors,
    broken,
  };
}

// Broker RSS grown by idle connections: open N (connected, CONNACKed, then silent), read RSS,
// divide the growth by the connections that opened. A few connections first, so one-off set-up
// (TLS context, first session) is not charged to the idle ones. A connect that fails (no CONNACK
// within 10 s) is counted and reported, and the others go on.
async function measure_idle(target, { connections }) {
  const parallel = 20;
  for (const client of await Promise.all(
    Array.from({ length: 5 }, (_, i) => connect(target, `bench-warm-${i}`)),
  ))
    await client.endAsync();
  await sleep(500);
  const rss_before = broker_rss_kib(target.pid);

  const clients = [];
  let next = 0;
  let failed_connects = 0;
  let last_failure = null;
  const opener = async () => {
    while (next < connections) {
      const id = next++;
      try {
        clients.push(await connect(target, `bench-idle-${id}`));
      } catch (error) {
        ++failed_connects;
        last_failure = error.message;
      }
    }
  };
  const opening_started = seconds_now();
  await Promise.all(Array.from({ length: parallel }, opener));
  const opening_seconds = seconds_now() - opening_started;
  await sleep(1000); // let the broker finish whatever it does after CONNACK
  const rss_after = broker_rss_kib(target.pid);
  const still_open = clients.filter((client) => client.connected).length;
  await Promise.all(clients.map((client) => client.endAsync()));
  return {
    connections,
    opened: clients.length,
    failed_connects,
    last_failure,
    opening_seconds,
    still_open,
    rss_before_kib: rss_before,
    rss_after_kib: rss_after,
    per_connection_kib: clients.length ? (rss_after - rss_before) / clients.length : null,
  };
}

// ---- the table -------------------------------------------------------------------------------

function report(directory) {
  const read = (name) => {
    const file = path.join(directory, `${name}.json`);
    return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : null;
  };
  const rows = [
    ['connects/s', 'connects', (r) => r.per_second, 0],
    ['connects per broker CPU-second', 'connects', (r) => r.per_broker_cpu_second, 0],
    ['QoS 0 msg/s received', 'qos0', (r) => r.per_second, 0],
    ['QoS 0 broker CPU µs per message', 'qos0', (r) => r.broker_cpu_us_per_message, 1],
    ['QoS 1 msg/s received', 'qos1', (r) => r.per_second, 0],
    ['QoS 1 broker CPU µs per message', 'qos1', (r) => r.broker_cpu_us_per_message, 1],
    ['MQTT 5 QoS 0 msg/s received', 'qos0v5', (r) => r.per_second, 0],
    ['MQTT 5 QoS 0 broker CPU µs per message', 'qos0v5', (r) => r.broker_cpu_us_per_message, 1],
    ['MQTT 5 QoS 1 msg/s received', 'qos1v5', (r) => r.per_second, 0],
    ['MQTT 5 QoS 1 broker CPU µs per message', 'qos1v5', (r) => r.broker_cpu_us_per_message, 1],
    ['QoS 0, 4 KiB payloads: msg/s received', 'qos0_4k', (r) => r.per_second, 0],
    ['QoS 0, 4 KiB payloads: broker CPU µs per message', 'qos0_4k', (r) => r.broker_cpu_us_per_message, 1],
    ['QoS 1, 4 KiB payloads: msg/s received', 'qos1_4k', (r) => r.per_second, 0],
    ['QoS 1, 4 KiB payloads: broker CPU µs per message', 'qos1_4k', (r) => r.broker_cpu_us_per_message, 1],
    ['fan-out 1 → N, QoS 0: deliveries/s', 'fanout', (r) => r.per_second, 0],
    ['fan-out 1 → N, QoS 0: broker CPU µs per delivery', 'fanout', (r) => r.broker_cpu_us_per_message, 2],
    ['QoS 1 to an offline persistent session: PUBACKs/s', 'offline', (r) => r.per_second, 0],
    ['QoS 1 to an offline persistent session: broker CPU µs per message', 'offline', (r) => r.broker_cpu_us_per_message, 1],
    ['RSS per idle connection (KiB)', 'idle', (r) => r.per_connection_kib, 1],
    ['RSS per idle connection, many connections (KiB)', 'idle_many', (r) => r.per_connection_kib, 1],
  ];
  const cell = (value, digits) => (value == null ? '—' : value.toFixed(digits));
  const lines = [
    '| measurement | mosquitto 2.0.11 | iot-emulator | emulator / mosquitto |',
    '|---|---:|---:|---:|',
  ];
  // The counts behind a label, where a run chooses them: "1 → N", "many connections".
  const fanout = read('fanout-emulator') ?? read('fanout-mosquitto');
  const many = read('idle_many-emulator') ?? read('idle_many-mosquitto');
  for (const [label, name, pick, digits] of rows) {
    const m = read(`${name}-mosquitto`);
    const e = read(`${name}-emulator`);
    if (!m && !e) continue; // not measured in this run
    const mv = m && pick(m);
    const ev = e && pick(e);
    const ratio = mv && ev != null ? `${(ev / mv).toFixed(2)}×` : '—';
    const shown = label
      .replace('1 → N', `1 → ${fanout?.subscribers}`)
      .replace('many connections', `${many?.connections} connections`);
    lines.push(`| ${shown} | ${cell(mv, digits)} | ${cell(ev, digits)} | ${ratio} |`);
  }
  // The onboarding storm (storm.py): the emulator only, mosquitto has no onboarding.
  const storm = read('storm-emulator');
  for (const [mode, r] of Object.entries(storm?.modes ?? {})) {
    for (const phase of ['cold', 'warm']) {
      const s = r[phase];
      const latency = s.succeeded
        ? `, p50 ${(1000 * s.p50_seconds).toFixed(0)} ms, p99 ${(1000 * s.p99_seconds).toFixed(0)} ms`
        : '';
      lines.push(
        `| ${mode} storm, ${storm.devices} devices, ${phase}: devices/s (share of the raw limit, ` +
          `${r.raw.devices_per_second.toFixed(0)}/s), first connect → PUBACK | — | ` +
          `${s.devices_per_second.toFixed(1)} (${(100 * s.fraction_of_raw).toFixed(0)}%)${latency} | — |`,
      );
    }
  }
  // Anything that went wrong, per broker: these are findings, not noise.
  const problems = [];
  for (const broker of ['mosquitto', 'emulator']) {
    const c = read(`connects-${broker}`);
    if (c && c.failures) problems.push(`${broker}: ${c.failures} failed connects (last: ${c.last_failure})`);
    for (const q of ['qos0', 'qos1', 'qos0v5', 'qos1v5', 'qos0_4k', 'qos1_4k']) {
      const r = read(`${q}-${broker}`);
      if (!r) continue;
      if (r.broken) problems.push(`${broker} ${q}: ${r.broken}`);
      if (r.lost) problems.push(`${broker} ${q}: ${r.lost} of ${r.sent} messages not received`);
      if (r.out_of_order) problems.push(`${broker} ${q}: ${r.out_of_order} messages out of order`);
      if (r.publish_errors) problems.push(`${broker} ${q}: ${r.publish_errors} publish errors`);
      if (r.backlog_at_end > 10 * r.window)
        problems.push(
          `${broker} ${q}: the subscriber fell behind: ${r.backlog_at_end} messages accepted but ` +
            `not yet delivered when the window closed (${r.accepted_in_window} accepted, ` +
            `${r.received_in_window} delivered in it)`,
        );
    }
    const offline = read(`offline-${broker}`);
    if (offline) {
      if (offline.broken) problems.push(`${broker} offline: ${offline.broken}`);
      if (!offline.newest_received || offline.out_of_order)
        problems.push(
          `${broker} offline: the returning session got ${offline.received_after_reconnect} of ` +
            `${offline.sent} messages, ${offline.out_of_order} out of order, the newest ` +
            `${offline.newest_received ? '' : 'not '}among them`,
        );
    }
    const fan = read(`fanout-${broker}`);
    if (fan) {
      if (fan.broken) problems.push(`${broker} fanout: ${fan.broken}`);
      if (fan.lost) problems.push(`${broker} fanout: ${fan.lost} of ${fan.sent * fan.subscribers} deliveries missing`);
      if (fan.out_of_order) problems.push(`${broker} fanout: ${fan.out_of_order} deliveries out of order`);
    }
    for (const name of ['idle', 'idle_many']) {
      const idle = read(`${name}-${broker}`);
      if (idle?.failed_connects)
        problems.push(
          `${broker} ${name}: ${idle.failed_connects} of ${idle.connections} connects failed ` +
            `(last: ${idle.last_failure})`,
        );
      if (idle && idle.still_open < (idle.opened ?? idle.connections))
        problems.push(`${broker} ${name}: only ${idle.still_open} of ${idle.opened} idle connections stayed open`);
    }
  }
  for (const [mode, r] of Object.entries(storm?.modes ?? {})) {
    for (const phase of ['cold', 'warm']) {
      if (r[phase].failed)
        problems.push(`${mode} storm, ${phase}: ${r[phase].failed} devices never got through (last error: ${r[phase].last_failure})`);
    }
    if (r.raw.failures) problems.push(`${mode} storm, raw limit: ${r.raw.failures} failed connects`);
  }
  console.log(lines.join('\n'));
  if (problems.length) console.log(`\nproblems:\n${problems.map((p) => `- ${p}`).join('\n')}`);
}

// ---- main ----------------------------------------------------------------------------------

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  if (command === 'report') return report(rest[0]);
  const args = parse_args(rest);
  const target = {
    host: args.host ?? '127.0.0.1',
    port: Number(args.port),
    pid: Number(args.pid),
    tls: tls.createSecureContext({
      ca: fs.readFileSync(args.ca),
      cert: fs.readFileSync(args.cert),
      key: fs.readFileSync(args.key),
    }),
  };
  const duration = Number(args.duration ?? 5);
  const measurements = {
    connects: () => measure_connects(target, { duration, connectors: Number(args.connectors ?? 4) }),
    qos0: () => measure_throughput(target, { duration, qos: 0 }),
    qos1: () => measure_throughput(target, { duration, qos: 1 }),
    qos0v5: () => measure_throughput(target, { duration, qos: 0, version: 5 }),
    qos1v5: () => measure_throughput(target, { duration, qos: 1, version: 5 }),
    qos0_4k: () => measure_throughput(target, { duration, qos: 0, size: 4096 }),
    qos1_4k: () => measure_throughput(target, { duration, qos: 1, size: 4096 }),
    fanout: () => measure_fanout(target, { duration, subscribers: Number(args.subscribers ?? 100) }),
    offline: () => measure_offline(target, { duration }),
    idle: () => measure_idle(target, { connections: Number(args.connections ?? 500) }),
    idle_many: () => measure_idle(target, { connections: Number(args['many-connections'] ?? 5000) }),
  };
  if (!measurements[command]) throw new Error(`unknown measurement: ${command}`);
  console.log(JSON.stringify(await measurements[command]()));
}

main().then(
  () => process.exit(0), // MQTT.js keeps no timers we need; do not wait for lingering sockets
  (error) => {
    console.error(`loadgen: ${error.stack ?? error}`);
    process.exit(1);
  },
);
