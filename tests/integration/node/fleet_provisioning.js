'use strict';
// Fleet provisioning by claim with AWS's own device SDK v2 for JavaScript (its `iotidentity`
// clients), as AWS's fleet-provisioning sample does it: connect with the claim certificate, get
// a certificate, RegisterThing with its ownership token, then connect with the new certificate
// and publish under the policy the template attached. For fleet_provisioning.test.sh.
//
//   node fleet_provisioning.js <config.json>
//
// config.json: {"host", "port", "ca", "claimCert", "claimKey", "steps": [step…]}, steps run in
// order, one claim connection per step (a step may bring its own "claimCert" and "claimKey"):
//   {"kind": "keys-v2-mqtt5", "template", "parameters", "out", "expectThing"}
//       IotIdentityClientv2 over MQTT 5: CreateKeysAndCertificate, RegisterThing, then the device.
//   {"kind": "csr-v1-mqtt311", "template", "parameters", "csr", "key", "out", "expectThing"}
//       the classic IotIdentityClient over MQTT 3.1.1: CreateCertificateFromCsr, RegisterThing…
//   {"kind": "rejected", "template", "parameters", "token", "expectCode", "expectStatus"}
//       RegisterThing (with a fresh token unless "token" is given) must be rejected so.
// Prints one line per step ("PASS …" / "FAIL …"); exits 1 if any failed.

const fs = require('node:fs');
const { mqtt5, iot, mqtt: crtMqtt, io, iotidentity } = require('aws-iot-device-sdk-v2');

const { deadline } = require('./deadline');

function mqtt5Client(config, cert, key, clientId) {
  const builder = iot.AwsIotMqtt5ClientConfigBuilder.newDirectMqttBuilderWithMtlsFromPath(config.host, cert, key);
  builder.withCertificateAuthorityFromPath(undefined, config.ca);
  builder.withPort(config.port);
  builder.withConnectProperties({ clientId, keepAliveIntervalSeconds: 30 });
  builder.withMinReconnectDelayMs(60_000);
  return new mqtt5.Mqtt5Client(builder.build());
}

async function started(client) {
  await deadline(
    new Promise((resolve, reject) => {
      client.on('connectionSuccess', resolve);
      client.on('connectionFailure', (event) => reject(event.error));
      client.start();
    }),
    'connect',
  );
}

async function stopped(client) {
  await deadline(new Promise((resolve) => { client.on('stopped', resolve); client.stop(); }), 'stop');
  client.close();
}

function mqtt311Connection(config, cert, key, clientId) {
  const settings = iot.AwsIotMqttConnectionConfigBuilder.new_mtls_builder_from_path(cert, key)
    .with_certificate_authority_from_path(undefined, config.ca)
    .with_endpoint(config.host)
    .with_port(config.port)
    .with_client_id(clientId)
    .with_clean_session(true)
    .with_reconnect_min_sec(60)
    .build();
  return new crtMqtt.MqttClient(new io.ClientBootstrap()).new_connection(settings);
}

// The provisioned device: connects with its new certificate as its thing, subscribes to its own
// topic, publishes to it and gets the message back — all under the template's policy.
async function deviceSession(config, cert, key, thingName) {
  const client = mqtt5Client(config, cert, key, thingName);
  const topic = `devices/${thingName}/status`;
  const received = [];
  client.on('messageReceived', (event) => received.push(Buffer.from(event.message.payload).toString()));
  try {
    await started(client);
    const suback = await deadline(client.subscribe({ subscriptions: [{ topicFilter: topic, qos: mqtt5.QoS.AtLeastOnce }] }), 'subscribe');
    if (suback.reasonCodes[0] !== mqtt5.SubackReasonCode.GrantedQoS1) throw new Error(`device SUBACK ${suback.reasonCodes}`);
    const puback = await deadline(client.publish({ topicName: topic, qos: mqtt5.QoS.AtLeastOnce, payload: 'online' }), 'publish');
    if (puback.reasonCode !== mqtt5.PubackReasonCode.Success) throw new Error(`device PUBACK ${puback.reasonCode}`);
    await deadline(new Promise((resolve) => {
      const check = () => (received.includes('online') ? resolve() : setTimeout(check, 20));
      check();
    }), 'the device receiving its own message');
  } finally {
    await stopped(client);
  }
}

function save(out, certificatePem, privateKey) {
  fs.writeFileSync(`${out}.crt`, certificatePem);
  if (privateKey) fs.writeFileSync(`${out}.key`, privateKey);
}

function expectThing(step, response) {
  if (response.thingName !== step.expectThing)
    throw new Error(`thingName ${response.thingName}, expected ${step.expectThing}`);
  return `${response.thingName} ${JSON.stringify(response.deviceConfiguration)}`;
}

async function withIdentityV2(config, clientId, body, step = {}) {
  const client = mqtt5Client(config, step.claimCert ?? config.claimCert, step.claimKey ?? config.claimKey, clientId);
  await started(client);
  const identity = iotidentity.IotIdentityClientv2.newFromMqtt5(client, {
    maxRequestResponseSubscriptions: 4, maxStreamingSubscriptions: 2, operationTimeoutInSeconds: 15,
  });
  try {
    return await body(identity);
  } finally {
    identity.close();
    await stopped(client);
  }
}

const steps = {
  async 'keys-v2-mqtt5'(config, step) {
    const response = await withIdentityV2(config, `claim-${step.out}`, async (identity) => {
      const keys = await deadline(identity.createKeysAndCertificate({}), 'CreateKeysAndCertificate');
      save(step.out, keys.certificatePem, keys.privateKey);
      return deadline(identity.registerThing({
        templateName: step.template,
        certificateOwnershipToken: keys.certificateOwnershipToken,
        parameters: step.parameters,
      }), 'RegisterThing');
    }, step);
    await deviceSession(config, `${step.out}.crt`, `${step.out}.key`, response.thingName);
    return expectThing(step, response);
  },

  // The deprecated client of the SDK's older samples: subscribe to accepted and rejected, then
  // publish (its RegisterThing body also carries "templateName").
  async 'csr-v1-mqtt311'(config, step) {
    const connection = mqtt311Connection(config, config.claimCert, config.claimKey, `claim-${step.out}`);
    await deadline(connection.connect(), 'connect');
    const identity = new iotidentity.IotIdentityClient(connection);
    const QOS = crtMqtt.QoS.AtLeastOnce;
    const ask = async (subscribeAccepted, subscribeRejected, publish, what) => {
      let settle;
      const answer = new Promise((resolve, reject) => { settle = { resolve, reject }; });
      await subscribeAccepted((error, response) => (error ? settle.reject(error) : settle.resolve(response)));
      await subscribeRejected((error, response) =>
        settle.reject(error || new Error(`${what} rejected: ${JSON.stringify(response)}`)));
      await publish();
      return deadline(answer, what);
    };
    try {
      const created = await ask(
        (h) => identity.subscribeToCreateCertificateFromCsrAccepted({}, QOS, h),
        (h) => identity.subscribeToCreateCertificateFromCsrRejected({}, QOS, h),
        () => identity.publishCreateCertificateFromCsr(
          { certificateSigningRequest: fs.readFileSync(step.csr, 'utf8') }, QOS),
        'CreateCertificateFromCsr');
      save(step.out, created.certificatePem);
      const request = { templateName: step.template };
      var response = await ask(
        (h) => identity.subscribeToRegisterThingAccepted(request, QOS, h),
        (h) => identity.subscribeToRegisterThingRejected(request, QOS, h),
        () => identity.publishRegisterThing({
          templateName: step.template,
          certificateOwnershipToken: created.certificateOwnershipToken,
          parameters: step.parameters,
        }, QOS),
        'RegisterThing');
    } finally {
      await connection.disconnect();
    }
    await deviceSession(config, `${step.out}.crt`, step.key, response.thingName);
    return expectThing(step, response);
  },

  async rejected(config, step) {
    return withIdentityV2(config, `claim-rejected-${step.template}`, async (identity) => {
      const token = step.token ??
        (await deadline(identity.createKeysAndCertificate({}), 'CreateKeysAndCertificate')).certificateOwnershipToken;
      try {
        const response = await deadline(identity.registerThing({
          templateName: step.template, certificateOwnershipToken: token, parameters: step.parameters,
        }), 'RegisterThing');
        throw new Error(`accepted: ${JSON.stringify(response)}`);
      } catch (error) {
        const rejection = error.modeledError;
        if (!rejection) throw error;
        if (rejection.errorCode !== step.expectCode || rejection.statusCode !== step.expectStatus)
          throw new Error(`rejected with ${JSON.stringify(rejection)}, expected ${step.expectStatus} ${step.expectCode}`);
        return `${rejection.statusCode} ${rejection.errorCode}: ${rejection.errorMessage}`;
      }
    });
  },
};

async function main() {
  const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  let failed = false;
  for (const step of config.steps) {
    const name = `${step.kind} ${step.template}`;
    try {
      console.log(`PASS ${name}: ${await steps[step.kind](config, step)}`);
    } catch (error) {
      failed = true;
      console.log(`FAIL ${name}: ${error.stack || error}`);
    }
  }
  process.exit(failed ? 1 : 0);
}

main();
