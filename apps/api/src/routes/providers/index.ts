import { createRoute } from '@hono/zod-openapi';
import {
  autoconfigQuerySchema,
  autoconfigResultSchema,
  catalogFor,
  checkDeliverability,
  deliverabilityResultSchema,
  discoverSettings,
  providerSchema,
} from '@mailroom/core';
import { z } from 'zod';
import { json, newRouter, problems, security } from '../../lib/openapi';

export const providerRoutes = newRouter();
const tags = ['Providers'];

providerRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/autoconfig',
    tags,
    summary: 'Propose settings for an address: catalogue, MX, autoconfig XML, SRV',
    description:
      'The provider catalogue by the address domain; otherwise the domain’s MX records (an MX under google.com means Google, under outlook.com / protection.outlook.com Microsoft), Thunderbird autoconfig XML (`https://autoconfig.<domain>/mail/config-v1.1.xml`, `https://<domain>/.well-known/autoconfig/mail/config-v1.1.xml`) and RFC 6186 SRV records, asked side by side through the destination guard with timeouts. `source` names where the proposal came from (`none`: nothing found) and `sources` how each one fared. Needs the right to edit accounts.',
    security,
    request: { query: autoconfigQuerySchema },
    responses: {
      200: json(autoconfigResultSchema),
      400: problems[400],
      401: problems[401],
      403: problems[403],
    },
  }),
  async (c) => c.json(await discoverSettings({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200),
);

providerRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/providers',
    tags,
    summary: 'The provider catalogue: servers, sign-in methods, notes and OAuth2 endpoints of each provider',
    security,
    responses: { 200: json(z.object({ items: z.array(providerSchema) })), 401: problems[401] },
  }),
  async (c) => c.json({ items: [...catalogFor(c.get('ctx').config).all] }, 200),
);

providerRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/accounts/{id}/deliverability',
    tags,
    summary: "Check whether mail from an account's From domain will land: SPF, DKIM, DMARC, alignment",
    description:
      'For the From domain of the outgoing part: SPF (does the record include the provider, or authorise the SMTP host’s address — evaluated with mailauth?), DKIM (a key published at the account’s own selector or the provider’s), DMARC (published? which policy?) and whether the envelope sender aligns with From. Each check is `pass`, `warn` or `fail` with a `hint` a person can act on; a lookup that fails makes its check a warning saying so. Needs the right to edit the account.',
    security,
    request: { params: z.object({ id: z.string().min(1) }) },
    responses: {
      200: json(deliverabilityResultSchema),
      400: problems[400],
      403: problems[403],
      404: problems[404],
    },
  }),
  async (c) => c.json(await checkDeliverability({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200),
);
