// The JITR handler of AWS's just-in-time registration blog, written to its description: aws-sdk
// v2, region us-east-1; for the registered certificate it creates a policy that lets the device
// connect as its certificate id and use foo/bar/<certificateId>/…, attaches it, and activates the
// certificate. It runs unchanged against AWS and the emulator.
const AWS = require('aws-sdk');

exports.handler = function (event, context, callback) {
  const region = 'us-east-1';
  const accountId = event.awsAccountId.toString().trim();
  const certificateId = event.certificateId.toString().trim();
  const iot = new AWS.Iot({ region: region, apiVersion: '2015-05-28' });

  const topicName = `foo/bar/${certificateId}`;
  const certificateARN = `arn:aws:iot:${region}:${accountId}:cert/${certificateId}`;
  const policyName = `Policy_${certificateId}`;
  const policy = {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: ['iot:Connect'],
        Resource: [`arn:aws:iot:${region}:${accountId}:client/${certificateId}`] },
      { Effect: 'Allow', Action: ['iot:Publish', 'iot:Receive'],
        Resource: [`arn:aws:iot:${region}:${accountId}:topic/${topicName}/*`] },
      { Effect: 'Allow', Action: ['iot:Subscribe'],
        Resource: [`arn:aws:iot:${region}:${accountId}:topicfilter/${topicName}/#`] },
    ],
  };

  iot.createPolicy({ policyDocument: JSON.stringify(policy), policyName: policyName }, (err) => {
    if (err && err.code !== 'ResourceAlreadyExistsException') return callback(err);
    iot.attachPrincipalPolicy({ policyName: policyName, principal: certificateARN }, (err) => {
      if (err && err.code !== 'ResourceAlreadyExistsException') return callback(err);
      iot.updateCertificate({ certificateId: certificateId, newStatus: 'ACTIVE' }, (err) => {
        if (err) return callback(err);
        console.log(`activated ${certificateId} with ${policyName}`);
        callback(null, `Success, created, attached policy and activated the certificate ${certificateId}`);
      });
    });
  });
};
