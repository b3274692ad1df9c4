'use strict';
// The Device Shadow service with AWS's own device SDK v2 for JavaScript (`iotshadow`'s
// IotShadowClientv2 over MQTT 5), as AWS's shadow sample uses it: open the delta stream, update
// desired, receive the delta, report, read the shadow back; a named shadow too, and a get of a
// missing shadow rejected with AWS's 404. For shadow_sdk.test.sh.
//
//   node shadow.js <config.json>    config.json: {"host", "port", "ca", "cert", "key", "thing"}
//
// Prints "PASS <what>" per step, or "FAIL <reason>" and exits 1.

const fs = require('node:fs');
const { mqtt5, iot, iotshadow } = require('aws-iot-device-sdk-v2');
const { mqtt_request_response: rr } = require('aws-crt');

const { deadline } = require('./deadline');

function expect(condition, what, value) {
  if (!condition) throw new Error(`${what}: ${JSON.stringify(value)}`);
  console.log(`PASS ${what}`);
}

async function until(predicate, what) {
  await deadline(new Promise((resolve) => {
    const check = () => (predicate() ? resolve() : setTimeout(check, 20));
    check();
  }), what);
}

async function main() {
  const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const thingName = config.thing;
  const builder = iot.AwsIotMqtt5ClientConfigBuilder.newDirectMqttBuilderWithMtlsFromPath(config.host, config.cert, config.key);
  builder.withCertificateAuthorityFromPath(undefined, config.ca);
  builder.withPort(config.port);
  // The client id is the thing's name, so the policy's ${iot:Connection.Thing.ThingName} resolves.
  builder.withConnectProperties({ clientId: thingName, keepAliveIntervalSeconds: 30 });
  builder.withMinReconnectDelayMs(60_000);
  const client = new mqtt5.Mqtt5Client(builder.build());
  await deadline(new Promise((resolve, reject) => {
    client.on('connectionSuccess', resolve);
    client.on('connectionFailure', (event) => reject(event.error));
    client.start();
  }), 'connect');

  const shadow = iotshadow.IotShadowClientv2.newFromMqtt5(client, {
    maxRequestResponseSubscriptions: 4, maxStreamingSubscriptions: 2, operationTimeoutInSeconds: 15,
  });
  try {
    const deltas = [];
    const stream = shadow.createShadowDeltaUpdatedStream({ thingName });
    stream.on('incomingPublish', (event) => deltas.push(event.message));
    const established = new Promise((resolve, reject) => stream.on('subscriptionStatus', (event) => {
      if (event.type === rr.SubscriptionStatusEventType.SubscriptionEstablished) resolve();
      else reject(new Error(`delta stream: subscription status ${event.type}`));
    }));
    stream.open();
    await deadline(established, 'the delta stream subscribing');

    const desired = await deadline(shadow.updateShadow({
      thingName, state: { desired: { color: 'green', brightness: 80 } },
    }), 'UpdateShadow (desired)');
    expect(desired.version === 1 && desired.state.desired.color === 'green', 'desired accepted as version 1', desired);

    await until(() => deltas.length > 0, 'the delta');
    expect(deltas[0].version === 1 && deltas[0].state.color === 'green' && deltas[0].state.brightness === 80,
      'the delta received on the stream', deltas[0]);

    const reported = await deadline(shadow.updateShadow({
      thingName, state: { reported: { color: 'green', brightness: 80 } },
    }), 'UpdateShadow (reported)');
    expect(reported.version === 2, 'reported accepted as version 2', reported);

    const document = await deadline(shadow.getShadow({ thingName }), 'GetShadow');
    expect(document.version === 2 && document.state.desired.color === 'green'
      && document.state.reported.brightness === 80 && document.state.delta === undefined
      && Number(document.timestamp) > 0,
    'the shadow read back, desired and reported agreeing', document);

    const named = await deadline(shadow.updateNamedShadow({
      thingName, shadowName: 'config', state: { reported: { mode: 'eco' } },
    }), 'UpdateNamedShadow');
    expect(named.version === 1, 'a named shadow updated', named);
    const namedDocument = await deadline(shadow.getNamedShadow({ thingName, shadowName: 'config' }), 'GetNamedShadow');
    expect(namedDocument.state.reported.mode === 'eco', 'the named shadow read back', namedDocument);

    let missing;
    try {
      await deadline(shadow.getNamedShadow({ thingName, shadowName: 'missing' }), 'GetNamedShadow (missing)');
    } catch (error) {
      missing = error;
    }
    expect(missing?.modeledError?.code === 404
      && missing.modeledError.message === "No shadow exists with name: 'missing'",
    "a missing shadow's get rejected with AWS's 404", missing?.modeledError ?? String(missing));

    const deleted = await deadline(shadow.deleteShadow({ thingName }), 'DeleteShadow');
    expect(deleted.version === 2, 'the shadow deleted at its last version', deleted);
    stream.close();
  } finally {
    shadow.close();
    await deadline(new Promise((resolve) => { client.on('stopped', resolve); client.stop(); }), 'stop');
    client.close();
  }
}

main().then(() => process.exit(0), (error) => {
  console.log(`FAIL ${error.stack ?? error}`);
  process.exit(1);
});
