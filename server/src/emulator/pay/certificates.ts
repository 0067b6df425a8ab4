import { X509Certificate } from 'node:crypto';
import type { Router } from '@koa/router';
import type { PayRuntime } from './runtime';
import { encryptResource } from './signing';
import { beijingTime } from './time';
import { v3 } from './v3';

/**
 * GET /v3/certificates (§4.7): the platform certificate, encrypted with the APIv3 key (AAD
 * "certificate"), for merchants in certificate mode. Served in both sign modes: wechatpay-node-v3's
 * verifySign downloads it whenever it meets a serial it does not know.
 */
export function registerCertificateRoutes(router: Router, rt: PayRuntime): void {
  const pem = rt.config.platformCertPem;
  const cert = new X509Certificate(pem);
  router.get(
    '/v3/certificates',
    v3(rt, () => ({
      status: 200,
      body: {
        data: [
          {
            serial_no: rt.config.keys.certificate.serial,
            effective_time: beijingTime(Date.parse(cert.validFrom)),
            expire_time: beijingTime(Date.parse(cert.validTo)),
            encrypt_certificate: encryptResource(pem, rt.config.apiV3Key, 'certificate'),
          },
        ],
      },
    })),
  );
}
