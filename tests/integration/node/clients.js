'use strict';
// Real Node.js MQTT clients against the emulator, for mqtt5_clients.test.sh and
// mqtt_websocket.test.sh: AWS's device SDK v2 (its MQTT 5 client from
// AwsIotMqtt5ClientConfigBuilder, and its MQTT 3.1.1 client) and MQTT.js with protocolVersion 5,
// each over mutual TLS or over WebSocket signed with SigV4. Each client either proves its connect
// is refused (JITR, or a policy), or runs a whole session: connect, subscribe, publish QoS 0 and
// 1, receive both, disconnect cleanly.
//
//   node clients.js refused <config.json>   every client's connect must fail
//   node clients.js session <config.json>   every client's session must succeed
//
// config.json: {"host", "port", "ca", "clients": [{"kind": "sdk5"|"sdk311"|"mqttjs5",
// "cert", "key", "clientId", "prefix"}]}. A client with "websocket": true connects to
// wss://<host>:<port>/mqtt with the AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY of the environment
// instead of a certificate, signing for its "region" (the SDK's MQTT 5 builder reads the region
// from the host when none is given); a client may name its own "host" and "port". Clients run in
// parallel; one line per client is printed ("PASS <kind> …" or "FAIL <kind>: why") and the exit
// status is 1 if any failed.

const crypto = require('node:crypto');
const fs = require('node:fs');
const { mqtt5, iot, mqtt: crtMqtt, io, auth } = require('aws-iot-device-sdk-v2');
const mqttjs = require('mqtt');

const { deadline, TIMEOUT_MS } = require('./deadline');

const text = (payload) => Buffer.from(payload).toString('utf8');

// Waits until `received` holds every payload of `expected`.
function receiving(received, expected, what) {
  return deadline(
    new Promise((resolve) => {
      const check = () => (expected.every((p) => received.includes(p)) ? resolve() : setTimeout(check, 20));
      check();
    }),
    `${what}: waiting for ${expected.join(', ')} (got ${received.join(', ') || 'nothing'})`,
  );
}

const hostOf = (config, client) => client.host ?? config.host;
const portOf = (config, client) => client.port ?? config.port;

function staticCredentials() {
  return auth.AwsCredentialsProvider.newStatic(process.env.AWS_ACCESS_KEY_ID, process.env.AWS_SECRET_ACCESS_KEY);
}

// wss://<host>:<port>/mqtt presigned by hand as the Developer Guide's sample does: SigV4 query
// parameters for the service iotdevicegateway over `GET /mqtt` with only `host` signed, the
// session token (if any) appended after the signature.
function presignedUrl(host, port, region) {
  const hmac = (key, data) => crypto.createHmac('sha256', key).update(data).digest();
  const sha256 = (data) => crypto.createHash('sha256').update(data).digest('hex');
  const amzDate = new Date().toISOString().replace(/[-:]|\.\d{3}/g, ''); // yyyymmddThhmmssZ
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${region}/iotdevicegateway/aws4_request`;
  const query = [
    ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
    ['X-Amz-Credential', `${process.env.AWS_ACCESS_KEY_ID}/${scope}`],
    ['X-Amz-Date', amzDate],
    ['X-Amz-SignedHeaders', 'host'],
  ].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
  const hostHeader = `${host}:${port}`;
  const canonical = ['GET', '/mqtt', query, `host:${hostHeader}`, '', 'host', sha256('')].join('\n');
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  let key = `AWS4${process.env.AWS_SECRET_ACCESS_KEY}`;
  for (const part of [day, region, 'iotdevicegateway', 'aws4_request']) key = hmac(key, part);
  const signature = hmac(key, toSign).toString('hex');
  let url = `wss://${hostHeader}/mqtt?${query}&X-Amz-Signature=${signature}`;
  if (process.env.AWS_SESSION_TOKEN) url += `&X-Amz-Security-Token=${encodeURIComponent(process.env.AWS_SESSION_TOKEN)}`;
  return url;
}

// ---- AWS IoT Device SDK v2, MQTT 5 --------------------------------------------------------------

function sdk5Client(config, client) {
  const builder = client.websocket
    ? iot.AwsIotMqtt5ClientConfigBuilder.newWebsocketMqttBuilderWithSigv4Auth(hostOf(config, client), {
        credentialsProvider: staticCredentials(),
        region: client.region,
      })
    : iot.AwsIotMqtt5ClientConfigBuilder.newDirectMqttBuilderWithMtlsFromPath(hostOf(config, client), client.cert, client.key);
  builder.withCertificateAuthorityFromPath(undefined, config.ca);
  builder.withPort(portOf(config, client));
  builder.withConnectProperties({ clientId: client.clientId, keepAliveIntervalSeconds: 60 });
  builder.withSessionBehavior(mqtt5.ClientSessionBehavior.Clean);
  // Aliases both ways: the client's LRU cache for what it publishes, and the server's to it.
  builder.withTopicAliasingOptions({
    outboundBehavior: mqtt5.OutboundTopicAliasBehaviorType.LRU,
    inboundBehavior: mqtt5.InboundTopicAliasBehaviorType.Enabled,
  });
  builder.withMinReconnectDelayMs(60_000); // one attempt is all a test wants
  return new mqtt5.Mqtt5Client(builder.build());
}

async function sdk5Refused(config, client) {
  const c = sdk5Client(config, client);
  try {
    await deadline(
      new Promise((resolve, reject) => {
        c.on('connectionSuccess', () => reject(new Error('connected, but JITR should refuse')));
        c.on('connectionFailure', (event) => resolve(event.error.toString()));
        c.start();
      }),
      'connect',
    );
  } finally {
    c.stop();
    c.close();
  }
}

async function sdk5Session(config, client) {
  const c = sdk5Client(config, client);
  const received = [];
  c.on('messageReceived', (event) => received.push(text(event.message.payload)));
  try {
    const connack = await deadline(
      new Promise((resolve, reject) => {
        c.on('connectionSuccess', (event) => resolve(event.connack));
        c.on('connectionFailure', (event) => reject(event.error));
        c.start();
      }),
      'connect',
    );
    if (connack.maximumQos !== 1 || connack.topicAliasMaximum !== 8)
      throw new Error(`unexpected CONNACK: ${JSON.stringify(connack)}`);
    const topic = `${client.prefix}/data`;
    const suback = await deadline(
      c.subscribe({ subscriptions: [{ topicFilter: `${client.prefix}/#`, qos: mqtt5.QoS.AtLeastOnce }] }),
      'subscribe',
    );
    if (suback.reasonCodes[0] !== mqtt5.SubackReasonCode.GrantedQoS1)
      throw new Error(`SUBACK ${JSON.stringify(suback.reasonCodes)}`);
    await deadline(c.publish({ topicName: topic, qos: mqtt5.QoS.AtMostOnce, payload: 'sdk5-qos0' }), 'QoS 0 publish');
    const puback = await deadline(
      c.publish({ topicName: topic, qos: mqtt5.QoS.AtLeastOnce, payload: 'sdk5-qos1' }),
      'QoS 1 publish',
    );
    if (puback.type !== mqtt5.PacketType.Puback || puback.reasonCode !== mqtt5.PubackReasonCode.Success)
      throw new Error(`PUBACK ${JSON.stringify(puback)}`);
    // The same topic again: the client sends its alias alone, the server its own.
    await deadline(c.publish({ topicName: topic, qos: mqtt5.QoS.AtLeastOnce, payload: 'sdk5-aliased' }), 'publish');
    await receiving(received, ['sdk5-qos0', 'sdk5-qos1', 'sdk5-aliased'], 'sdk5');
    await deadline(
      new Promise((resolve) => {
        c.on('stopped', resolve);
        c.stop({ reasonCode: mqtt5.DisconnectReasonCode.NormalDisconnection });
      }),
      'stop',
    );
  } finally {
    c.close();
  }
}

// ---- AWS IoT Device SDK v2, MQTT 3.1.1 ----------------------------------------------------------

function sdk311Connection(config, client) {
  const builder = client.websocket
    ? iot.AwsIotMqttConnectionConfigBuilder.new_with_websockets({
        region: client.region,
        credentials_provider: staticCredentials(),
      })
    : iot.AwsIotMqttConnectionConfigBuilder.new_mtls_builder_from_path(client.cert, client.key);
  const settings = builder
    .with_certificate_authority_from_path(undefined, config.ca)
    .with_endpoint(hostOf(config, client))
    .with_port(portOf(config, client))
    .with_client_id(client.clientId)
    .with_clean_session(true)
    .with_reconnect_min_sec(60)
    .build();
  return new crtMqtt.MqttClient(new io.ClientBootstrap()).new_connection(settings);
}

async function sdk311Refused(config, client) {
  const connection = sdk311Connection(config, client);
  connection.on('error', () => {});
  let connected = false;
  try {
    await deadline(connection.connect(), 'connect');
    connected = true;
  } catch (error) {
    return error.toString();
  } finally {
    if (connected) await connection.disconnect();
  }
  throw new Error('connected, but JITR should refuse');
}

async function sdk311Session(config, client) {
  const connection = sdk311Connection(config, client);
  const received = [];
  await deadline(connection.connect(), 'connect');
  const topic = `${client.prefix}/data`;
  const granted = await deadline(
    connection.subscribe(`${client.prefix}/#`, crtMqtt.QoS.AtLeastOnce, (_topic, payload) => received.push(text(payload))),
    'subscribe',
  );
  if (granted.qos !== crtMqtt.QoS.AtLeastOnce) throw new Error(`SUBACK ${JSON.stringify(granted)}`);
  await deadline(connection.publish(topic, 'sdk311-qos0', crtMqtt.QoS.AtMostOnce), 'QoS 0 publish');
  await deadline(connection.publish(topic, 'sdk311-qos1', crtMqtt.QoS.AtLeastOnce), 'QoS 1 publish');
  await receiving(received, ['sdk311-qos0', 'sdk311-qos1'], 'sdk311');
  await deadline(connection.disconnect(), 'disconnect');
}

// ---- MQTT.js, protocolVersion 5 ---------------------------------------------------------------

function mqttjsConnect(config, client) {
  const [host, port] = [hostOf(config, client), portOf(config, client)];
  const transport = client.websocket
    ? { protocol: 'wss', path: '/mqtt', transformWsUrl: () => presignedUrl(host, port, client.region) }
    : { protocol: 'mqtts', cert: fs.readFileSync(client.cert), key: fs.readFileSync(client.key) };
  return mqttjs.connect({
    host,
    port,
    ...transport,
    protocolVersion: 5,
    ca: fs.readFileSync(config.ca),
    clientId: client.clientId,
    reconnectPeriod: 0,
    connectTimeout: TIMEOUT_MS,
    autoUseTopicAlias: true,
    properties: { topicAliasMaximum: 4 },
  });
}

async function mqttjsRefused(config, client) {
  const c = mqttjsConnect(config, client);
  try {
    return await deadline(
      new Promise((resolve, reject) => {
        c.on('connect', () => reject(new Error('connected, but JITR should refuse')));
        c.on('error', (error) => resolve(error.message));
        c.on('close', () => resolve('closed before CONNACK'));
      }),
      'connect',
    );
  } finally {
    c.end(true);
  }
}

async function mqttjsSession(config, client) {
  const c = mqttjsConnect(config, client);
  const received = [];
  const packets = {};
  c.on('message', (topic, payload, packet) => {
    received.push(text(payload));
    packets[text(payload)] = { topic, properties: packet.properties }; // topic: alias resolved
    if (topic === client.ruleTopic) packets.ruleOutput ??= text(payload);
  });
  try {
    await deadline(
      new Promise((resolve, reject) => {
        c.once('connect', resolve);
        c.once('error', reject);
      }),
      'connect',
    );
    const topic = `${client.prefix}/data`;
    const granted = await deadline(c.subscribeAsync(`${client.prefix}/#`, { qos: 1 }), 'subscribe');
    if (granted[0].qos !== 1) throw new Error(`SUBACK ${JSON.stringify(granted)}`);
    const properties = {
      userProperties: { trace: ['t-1', 't-2'], origin: 'mqttjs' },
      responseTopic: `${client.prefix}/reply`,
      correlationData: Buffer.from([0x01, 0xff, 0x10]),
      contentType: 'application/json',
      payloadFormatIndicator: true,
      messageExpiryInterval: 600,
    };
    await deadline(c.publishAsync(topic, 'mqttjs-qos0', { qos: 0, properties }), 'QoS 0 publish');
    await deadline(c.publishAsync(topic, 'mqttjs-qos1', { qos: 1, properties }), 'QoS 1 publish');
    await deadline(c.publishAsync(topic, 'mqttjs-aliased', { qos: 1 }), 'aliased publish');
    await receiving(received, ['mqttjs-qos0', 'mqttjs-qos1', 'mqttjs-aliased'], 'mqttjs5');
    for (const payload of ['mqttjs-qos0', 'mqttjs-qos1']) {
      const got = packets[payload].properties ?? {};
      const same =
        JSON.stringify(got.userProperties) === JSON.stringify(properties.userProperties) &&
        got.responseTopic === properties.responseTopic &&
        Buffer.compare(Buffer.from(got.correlationData ?? []), properties.correlationData) === 0 &&
        got.contentType === properties.contentType &&
        got.payloadFormatIndicator === true &&
        got.messageExpiryInterval > 0 &&
        got.messageExpiryInterval <= 600;
      if (!same) throw new Error(`${payload} arrived with properties ${JSON.stringify(got)}`);
      if (packets[payload].topic !== topic) throw new Error(`${payload} arrived on ${packets[payload].topic}`);
    }
    if (client.ruleTopic) {
      // A topic rule read the user properties and MQTT 5 headers with IoT SQL and republished them.
      await deadline(
        new Promise((resolve) => {
          const check = () => (packets.ruleOutput ? resolve() : setTimeout(check, 20));
          check();
        }),
        `the rule's output on ${client.ruleTopic}`,
      );
      const expected = { corr: 'Af8Q', ct: 'application/json', rt: `${client.prefix}/reply`, trace: ['t-1', 't-2'] };
      if (JSON.stringify(JSON.parse(packets.ruleOutput)) !== JSON.stringify(expected))
        throw new Error(`rule output ${packets.ruleOutput}, expected ${JSON.stringify(expected)}`);
    }
    await deadline(c.endAsync(), 'disconnect');
  } finally {
    c.end(true);
  }
}

const clients = {
  sdk5: { refused: sdk5Refused, session: sdk5Session },
  sdk311: { refused: sdk311Refused, session: sdk311Session },
  mqttjs5: { refused: mqttjsRefused, session: mqttjsSession },
};

async function main() {
  const [command, configPath] = process.argv.slice(2);
  const config = JSON.parse(fs.readFileSync(configPath, 'utf8'));
  const results = await Promise.all(
    config.clients.map(async (client) => {
      try {
        const detail = await clients[client.kind][command](config, client);
        return `PASS ${client.kind} ${command}${detail ? `: ${detail}` : ''}`;
      } catch (error) {
        return `FAIL ${client.kind} ${command}: ${error.stack ?? error}`;
      }
    }),
  );
  for (const line of results) console.log(line);
  return results.every((line) => line.startsWith('PASS')) ? 0 : 1;
}

main().then(
  (status) => process.exit(status),
  (error) => {
    console.error(`clients.js: ${error.stack ?? error}`);
    process.exit(2);
  },
);
