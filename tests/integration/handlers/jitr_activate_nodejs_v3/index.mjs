// The JITR handler of the HTTPS seed, as a Lambda written today would be: AWS SDK v3
// (@aws-sdk/client-iot), ES module, async. It activates the registered certificate and nothing
// more, so the device's next request is authenticated but, without a policy, forbidden.
import { IoTClient, UpdateCertificateCommand } from '@aws-sdk/client-iot';

const iot = new IoTClient({});

export const handler = async (event) => {
  const certificateId = event.certificateId.toString().trim();
  await iot.send(new UpdateCertificateCommand({ certificateId, newStatus: 'ACTIVE' }));
  console.log(`activated ${certificateId}`);
  return { activated: certificateId };
};
